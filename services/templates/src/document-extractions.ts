import type { ExtractionRecord } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';
import type { ExtractedField, ExtractedKeyValue } from './engine/types.js';

/** What the service found in a stored document: its type and fields, by the best-matching template. */
export interface StoredExtraction {
  _id: string;
  client_id: string;
  doc_type: string | null;
  template_id: string;
  template_name: string;
  score: number;
  fields: Record<string, ExtractedField>;
  key_values: ExtractedKeyValue[];
  line_items?: Array<Record<string, ExtractedField>>;
  extracted_at: string;
  [key: string]: unknown;
}

/** The templates service's own record of stored documents' extractions (one per document, keyed by its id). */
export class DocumentExtractions {
  private readonly rows: Collection<StoredExtraction>;

  constructor(store: Store) {
    this.rows = store.collection<StoredExtraction>('template_extractions');
  }

  async init(): Promise<void> {
    // Pages (exports) go in id order from where the last one ended: read in this index's order.
    await this.rows.createIndex({ keys: { client_id: 1, _id: 1 }, name: 'client_id_order' });
  }

  /** The client's named documents' extractions, by document id. */
  async some(clientId: string, docIds: string[]): Promise<Map<string, StoredExtraction>> {
    const rows = await this.rows.find({ client_id: clientId, _id: { $in: docIds } }).toArray();
    return new Map(rows.map((r) => [r._id, r]));
  }

  /** A page of the client's extractions in document-id order, after `after`, as exports list them; `next` when there may be more. */
  async page(clientId: string, after: string | undefined, limit: number): Promise<{ items: ExtractionRecord[]; next: string | null }> {
    const rows = await this.rows.find({ client_id: clientId, ...(after ? { _id: { $gt: after } } : {}) }, { sort: { _id: 1 }, limit: limit + 1 }).toArray();
    const shown = rows.slice(0, limit);
    const items = shown.map((r) => ({
      doc_id: r._id,
      template_id: r.template_id,
      template_name: r.template_name,
      doc_type: r.doc_type,
      score: r.score,
      extracted_at: r.extracted_at,
      fields: Object.entries(r.fields).map(([name, f]) => ({ name, value: f.value, normalized: f.normalized, confidence: f.confidence, page: f.page })),
    }));
    return { items, next: rows.length > limit ? shown[shown.length - 1]!._id : null };
  }

  async put(row: StoredExtraction): Promise<void> {
    await this.rows.updateOne({ _id: row._id, client_id: row.client_id }, { $set: row }, { upsert: true });
  }

  async remove(clientId: string, docId: string): Promise<void> {
    await this.rows.deleteOne({ _id: docId, client_id: clientId });
  }

  /** Document id → type, for the client's documents that have one (all, or the named ones). */
  async types(clientId: string, docIds?: string[]): Promise<Record<string, string>> {
    const filter = docIds ? { client_id: clientId, _id: { $in: docIds } } : { client_id: clientId };
    const rows = await this.rows.find(filter, { projection: { doc_type: 1 } }).toArray();
    return Object.fromEntries(rows.filter((r) => r.doc_type).map((r) => [r._id, r.doc_type!]));
  }
}
