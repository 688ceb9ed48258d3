import type { Tagging } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';

/**
 * A document's tags as analytics decided them when it became ready. Entities and PII are kept as
 * counts by type only: their offsets are answered afresh by `POST /v1/tagging`, and a document's
 * PII is not worth a second copy here.
 */
export interface StoredTags {
  _id: string;
  client_id: string;
  doc_type: Tagging['doc_type'];
  language: string | null;
  tags: Tagging['tags'];
  entity_counts: Record<string, number>;
  pii_counts: Record<string, number>;
  tagged_at: string;
  [key: string]: unknown;
}

/** The tags a document shows (`Document.tags`, exports): its type and topics; its language has a field of its own. */
export const tagNames = (stored: StoredTags | undefined): string[] => (stored?.tags ?? []).filter((t) => t.category !== 'language').map((t) => t.tag);

const countBy = (items: Array<{ type: string }>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { type } of items) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
};

/** The analytics service's own record of stored documents' tags (one per document, keyed by its id). */
export class DocumentTags {
  private readonly rows: Collection<StoredTags>;

  constructor(store: Store) {
    this.rows = store.collection<StoredTags>('document_tags');
  }

  async init(): Promise<void> {
    // Pages (exports) go in id order from where the last one ended: read in this index's order.
    await this.rows.createIndex({ keys: { client_id: 1, _id: 1 }, name: 'client_id_order' });
  }

  async put(clientId: string, docId: string, tagging: Tagging, at: string): Promise<void> {
    const row: StoredTags = {
      _id: docId,
      client_id: clientId,
      doc_type: tagging.doc_type,
      language: tagging.language,
      tags: tagging.tags,
      entity_counts: countBy(tagging.entities),
      pii_counts: countBy(tagging.pii),
      tagged_at: at,
    };
    await this.rows.updateOne({ _id: docId, client_id: clientId }, { $set: row }, { upsert: true });
  }

  /** The client's named documents' tags, by document id. */
  async some(clientId: string, docIds: string[]): Promise<Map<string, StoredTags>> {
    const rows = await this.rows.find({ client_id: clientId, _id: { $in: docIds } }).toArray();
    return new Map(rows.map((r) => [r._id, r]));
  }

  /** A page of the client's tagged documents in id order, after `after`. */
  async page(clientId: string, after: string | undefined, limit: number): Promise<StoredTags[]> {
    return this.rows.find({ client_id: clientId, ...(after ? { _id: { $gt: after } } : {}) }, { sort: { _id: 1 }, limit }).toArray();
  }

  async remove(clientId: string, docId: string): Promise<void> {
    await this.rows.deleteOne({ _id: docId, client_id: clientId });
  }
}
