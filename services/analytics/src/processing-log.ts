import type { DocumentProcessed, EventOf } from '@perceptiq/contracts';
import type { Collection, Store } from '@perceptiq/platform';

/** How processing one document went: the figures usage metrics are made of, no content. */
export interface ProcessingRow {
  _id: string;
  client_id: string;
  at: string;
  outcome: 'ready' | 'failed';
  pages: number;
  ocr_pages: number;
  ocr_confidence: number | null;
  processing_ms: number | null;
  [key: string]: unknown;
}

/**
 * Ingest's processing events, one row per document (the latest outcome: a document retried after
 * failing counts once). Kept when the document is deleted: they are usage history, not content.
 */
export class ProcessingLog {
  private readonly rows: Collection<ProcessingRow>;

  constructor(store: Store) {
    this.rows = store.collection<ProcessingRow>('processing');
  }

  async init(): Promise<void> {
    await this.rows.createIndex({ keys: { client_id: 1, at: 1 }, name: 'client_at' });
  }

  async processed(e: EventOf<typeof DocumentProcessed>): Promise<void> {
    const row: ProcessingRow = {
      _id: e.doc_id,
      client_id: e.client_id,
      at: e.at,
      outcome: 'ready',
      pages: e.page_count,
      ocr_pages: e.ocr_pages,
      ocr_confidence: e.ocr_confidence,
      processing_ms: e.processing_ms,
    };
    await this.rows.updateOne({ _id: e.doc_id, client_id: e.client_id }, { $set: row }, { upsert: true });
  }

  async failed(e: { doc_id: string; client_id: string; at: string }): Promise<void> {
    const row = { client_id: e.client_id, at: e.at, outcome: 'failed', pages: 0, ocr_pages: 0, ocr_confidence: null, processing_ms: null };
    await this.rows.updateOne({ _id: e.doc_id, client_id: e.client_id }, { $set: row }, { upsert: true });
  }

  async since(clientId: string, fromIso: string): Promise<ProcessingRow[]> {
    return this.rows.find({ client_id: clientId, at: { $gte: fromIso } }).toArray();
  }
}
