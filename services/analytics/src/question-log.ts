import type { EventOf, QuestionAsked } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';

export type QuestionRow = Omit<EventOf<typeof QuestionAsked>, 'question_id'> & { _id: string; [key: string]: unknown };

/** The questions QA answered, as it announced them: counted by usage metrics, listed by exports. */
export class QuestionLog {
  private readonly rows: Collection<QuestionRow>;

  constructor(store: Store) {
    this.rows = store.collection<QuestionRow>('questions');
  }

  async init(): Promise<void> {
    await this.rows.createIndex({ keys: { client_id: 1, at: 1 }, name: 'client_at' });
    // Pages (exports) go in id order from where the last one ended: read in this index's order.
    await this.rows.createIndex({ keys: { client_id: 1, _id: 1 }, name: 'client_id_order' });
  }

  async asked(e: EventOf<typeof QuestionAsked>): Promise<void> {
    const { question_id, ...rest } = e;
    await this.rows.updateOne({ _id: question_id, client_id: e.client_id }, { $set: rest }, { upsert: true });
  }

  /** When the client's questions since `fromIso` were asked. */
  async times(clientId: string, fromIso: string): Promise<string[]> {
    const rows = await this.rows.find({ client_id: clientId, at: { $gte: fromIso } }, { projection: { at: 1 } }).toArray();
    return rows.map((r) => r.at);
  }

  /** A page of the client's questions in id order, after `after`. */
  async page(clientId: string, after: string | undefined, limit: number): Promise<QuestionRow[]> {
    return this.rows.find({ client_id: clientId, ...(after ? { _id: { $gt: after } } : {}) }, { sort: { _id: 1 }, limit }).toArray();
  }
}
