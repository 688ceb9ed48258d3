import type { DocumentFacts, DocumentStatus } from '@perceptiq/contracts';
import { AppError, notFound, type Collection, type Store } from '@perceptiq/platform';

/** A document as ingest stores it. Every record carries its client; every query filters by it. */
export interface DocumentRecord {
  _id: string;
  client_id: string;
  filename: string;
  mime_type: string;
  size_bytes: number;
  page_count: number;
  sha256: string;
  status: DocumentStatus;
  doc_type: string | null;
  tags: string[];
  language: string | null;
  ocr_confidence: number | null;
  created_at: string;
  archived: boolean;
  [key: string]: unknown;
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
  }

  async insert(record: DocumentRecord): Promise<void> {
    await this.docs.insertOne(record);
  }

  async get(clientId: string, id: string): Promise<DocumentRecord> {
    const doc = await this.docs.findOne({ _id: id, client_id: clientId });
    if (!doc) throw notFound(`Document ${id}`);
    return doc;
  }

  async list(clientId: string, options: { limit: number; cursor?: string | null; includeArchived: boolean }): Promise<DocumentPage> {
    const limit = Math.min(Math.max(options.limit, 1), 1000);
    const filter: Record<string, unknown> = { client_id: clientId };
    if (!options.includeArchived) filter.archived = false;
    if (options.cursor) {
      const c = decodeCursor(options.cursor);
      filter.$or = [{ created_at: { $lt: c.created_at } }, { created_at: c.created_at, _id: { $lt: c.id } }];
    }
    const page = await this.docs.find(filter, { sort: { created_at: -1, _id: -1 }, limit: limit + 1 }).toArray();
    const more = page.length > limit;
    const documents = more ? page.slice(0, limit) : page;
    return { documents, nextCursor: more ? encodeCursor(documents[documents.length - 1]!) : null };
  }

  async facts(clientId: string, includeArchived: boolean): Promise<DocumentFacts[]> {
    const filter: Record<string, unknown> = { client_id: clientId };
    if (!includeArchived) filter.archived = false;
    const docs = await this.docs
      .find(filter, { sort: { created_at: -1 }, projection: { filename: 1, status: 1, doc_type: 1, page_count: 1, archived: 1, created_at: 1 } })
      .toArray();
    return docs.map((d) => ({
      doc_id: d._id,
      filename: d.filename,
      status: d.status,
      doc_type: d.doc_type,
      page_count: d.page_count,
      archived: d.archived,
      created_at: d.created_at,
    }));
  }
}
