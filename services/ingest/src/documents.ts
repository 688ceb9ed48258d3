import { DocumentStatus, type DocumentFacts } from '@perceptiq/contracts';
import { AppError, notFound, type Collection, type Store } from '@perceptiq/platform';

/** A document as ingest stores it. Every record carries its client; every query filters by it. */
export interface DocumentRecord {
  _id: string;
  client_id: string;
  batch_id: string;
  filename: string;
  mime_type: string;
  size_bytes: number;
  page_count: number;
  sha256: string;
  status: DocumentStatus;
  ocr_confidence: number | null;
  created_at: string;
  archived: boolean;
  /** Pipeline position: queued → extracting → ocr → indexing → ready | failed (`status` mirrors it). */
  stage: DocumentStatus;
  pages_done: number;
  /** Known once extraction has opened the document. */
  pages_total: number | null;
  /** Human-readable reason when failed. */
  error: string | null;
  processing_ms: number | null;
  /** When extraction began (epoch ms): `processing_ms` runs from here until QA has indexed the document. */
  processing_started_ms?: number;
  /** Pages read by OCR, for the `document.processed` event sent once the document is ready. */
  ocr_pages?: number;
  [key: string]: unknown;
}

/** What an upload knows of a document when it records it; everything else starts empty. */
export type NewDocument = Pick<DocumentRecord, '_id' | 'client_id' | 'batch_id' | 'filename' | 'mime_type' | 'size_bytes' | 'sha256' | 'created_at'>;

/** A document as recorded on upload: queued, nothing extracted or derived yet. */
export function queuedDocument(fields: NewDocument): DocumentRecord {
  return {
    ...fields,
    page_count: 0,
    status: 'queued',
    stage: 'queued',
    ocr_confidence: null,
    archived: false,
    pages_done: 0,
    pages_total: null,
    error: null,
    processing_ms: null,
  };
}

export interface DocumentPage {
  documents: DocumentRecord[];
  nextCursor: string | null;
}

interface CursorPosition {
  created_at: string;
  id: string;
}

const encodeCursor = (d: DocumentRecord): string =>
  Buffer.from(JSON.stringify({ created_at: d.created_at, id: d._id } satisfies CursorPosition)).toString('base64url');

function decodeCursor(cursor: string): CursorPosition {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (typeof c.created_at === 'string' && typeof c.id === 'string') return { created_at: c.created_at, id: c.id };
  } catch {
    // fall through: any undecodable cursor is the caller's mistake
  }
  throw new AppError('invalid_request', 'The cursor is not one this API returned.', { field: 'cursor' });
}

/** Tenant-scoped access to the documents collection: there is no method that reads without a client id. */
export class DocumentRepository {
  private readonly docs: Collection<DocumentRecord>;

  constructor(store: Store) {
    this.docs = store.collection<DocumentRecord>('documents');
  }

  async init(): Promise<void> {
    await this.docs.createIndex({ keys: { client_id: 1, created_at: -1 }, name: 'client_created' });
    await this.docs.createIndex({ keys: { client_id: 1, sha256: 1 }, name: 'client_sha256' });
    await this.docs.createIndex({ keys: { sha256: 1 }, name: 'sha256' });
    await this.docs.createIndex({ keys: { client_id: 1, batch_id: 1 }, name: 'client_batch' });
    await this.docs.createIndex({ keys: { client_id: 1, status: 1 }, name: 'client_status' });
  }

  async insert(record: DocumentRecord): Promise<void> {
    await this.docs.insertOne(record);
  }

  /** The client's document with these bytes, if any (duplicates are answered, not processed twice). */
  findBySha(clientId: string, sha256: string): Promise<DocumentRecord | null> {
    return this.docs.findOne({ client_id: clientId, sha256 }, { sort: { created_at: 1 } });
  }

  /** Any client's document with these bytes: the blob is shared, so it is deleted only when none is left. */
  async blobInUse(sha256: string): Promise<boolean> {
    return (await this.docs.countDocuments({ sha256 })) > 0;
  }

  /** For the pipeline, which works by id alone (the job carries its client and the record is checked). */
  findForJob(id: string, clientId: string): Promise<DocumentRecord | null> {
    return this.docs.findOne({ _id: id, client_id: clientId });
  }

  async update(clientId: string, id: string, set: Partial<DocumentRecord>): Promise<void> {
    await this.docs.updateOne({ _id: id, client_id: clientId }, { $set: set });
  }

  /** Archive the client's active documents (merge=false); returns their ids. */
  async archiveActive(clientId: string): Promise<string[]> {
    const active = await this.docs.find({ client_id: clientId, archived: false }, { projection: { _id: 1 } }).toArray();
    if (active.length) await this.docs.updateMany({ client_id: clientId, archived: false }, { $set: { archived: true } });
    return active.map((d) => d._id);
  }

  async remove(clientId: string, id: string): Promise<void> {
    await this.docs.deleteOne({ _id: id, client_id: clientId });
  }

  /** Counts by status of the client's documents (for the status queue summary): counted in the index, no document read. */
  async countByStatus(clientId: string): Promise<Record<string, number>> {
    const counts = await Promise.all(DocumentStatus.options.map(async (status) => [status, await this.docs.countDocuments({ client_id: clientId, status })] as const));
    return Object.fromEntries(counts.filter(([, n]) => n > 0));
  }

  /** Newest first, optionally one batch or one document. */
  async statusPage(
    clientId: string,
    options: { limit: number; cursor?: string | null; batchId?: string | null; docId?: string | null },
  ): Promise<DocumentPage> {
    const extra: Record<string, unknown> = {};
    if (options.batchId) extra.batch_id = options.batchId;
    if (options.docId) extra._id = options.docId;
    return this.list(clientId, { limit: options.limit, cursor: options.cursor, includeArchived: true }, extra);
  }

  async get(clientId: string, id: string): Promise<DocumentRecord> {
    const doc = await this.docs.findOne({ _id: id, client_id: clientId });
    if (!doc) throw notFound(`Document ${id}`);
    return doc;
  }

  async list(
    clientId: string,
    options: { limit: number; cursor?: string | null; includeArchived: boolean },
    extra: Record<string, unknown> = {},
  ): Promise<DocumentPage> {
    const limit = Math.min(Math.max(options.limit, 1), 1000);
    const filter: Record<string, unknown> = { ...extra, client_id: clientId };
    if (!options.includeArchived) filter.archived = false;
    if (options.cursor) {
      const c = decodeCursor(options.cursor);
      // The bound on created_at alone is implied by the $or; it lets the read start at the cursor.
      filter.created_at = { $lte: c.created_at };
      filter.$or = [{ created_at: { $lt: c.created_at } }, { created_at: c.created_at, _id: { $lt: c.id } }];
    }
    const page = await this.docs.find(filter, { sort: { created_at: -1, _id: -1 }, limit: limit + 1 }).toArray();
    const more = page.length > limit;
    const documents = more ? page.slice(0, limit) : page;
    return { documents, nextCursor: more ? encodeCursor(documents[documents.length - 1]!) : null };
  }

  /** All of a client's documents, newest first; or with `page.limit` a page of them in id order, and the id to go on `after`. */
  async facts(clientId: string, includeArchived: boolean, page?: { after?: string; limit: number }): Promise<{ documents: DocumentFacts[]; next: string | null }> {
    const filter: Record<string, unknown> = { client_id: clientId };
    if (!includeArchived) filter.archived = false;
    if (page?.after) filter._id = { $gt: page.after };
    const projection = { filename: 1, status: 1, page_count: 1, archived: 1, created_at: 1 } as const;
    const docs = await this.docs
      .find(filter, page ? { sort: { _id: 1 }, limit: page.limit + 1, projection } : { sort: { created_at: -1 }, projection })
      .toArray();
    const more = page !== undefined && docs.length > page.limit;
    const shown = more ? docs.slice(0, page.limit) : docs;
    const documents = shown.map((d) => ({
      doc_id: d._id,
      filename: d.filename,
      status: d.status,
      page_count: d.page_count,
      archived: d.archived,
      created_at: d.created_at,
    }));
    return { documents, next: more ? shown[shown.length - 1]!._id : null };
  }

}
