import type { ApiUsageRecorded, EventOf } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';

/** Calls of one client in one hour (UTC), of one scope, answered with one status. */
export interface UsageRow {
  _id: string;
  client_id: string;
  /** `YYYY-MM-DDTHH` */
  hour: string;
  scope: string;
  status: number;
  count: number;
  [key: string]: unknown;
}

/** The hour an instant falls in, as the ledger keys it. */
export const hourOf = (iso: string): string => iso.slice(0, 13);

/**
 * The edge's usage counts, kept by hour: a client's figures over 30 days are at most
 * 720 hours × the scopes and statuses it met, however many calls it made.
 */
export class UsageLedger {
  private readonly rows: Collection<UsageRow>;

  constructor(store: Store) {
    this.rows = store.collection<UsageRow>('usage_hours');
  }

  async init(): Promise<void> {
    await this.rows.createIndex({ keys: { client_id: 1, hour: 1 }, name: 'client_hour' });
  }

  async record(event: EventOf<typeof ApiUsageRecorded>): Promise<void> {
    const hour = hourOf(event.from);
    for (const { scope, status, count } of event.counts) {
      const _id = `${event.client_id}|${hour}|${scope}|${status}`;
      await this.rows.updateOne({ _id }, { $set: { client_id: event.client_id, hour, scope, status }, $inc: { count } }, { upsert: true });
    }
  }

  /** The client's rows from `fromHour` on. */
  async since(clientId: string, fromHour: string): Promise<UsageRow[]> {
    return this.rows.find({ client_id: clientId, hour: { $gte: fromHour } }).toArray();
  }
}
