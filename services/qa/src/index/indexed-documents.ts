import type { Collection, Store } from '@perceptiq/platform';
import type { Chunk } from '../retrieval/index.js';
import type { DocumentSummary } from '../summary/index.js';

/** A document as QA keeps it: its chunks (text, headings, page spans and boxes) and when it was indexed. */
export interface IndexedDocument {
  _id: string;
  client_id: string;
  filename: string;
  page_count: number;
  chunks: Chunk[];
  /** Made once, when indexed: summarizing a contract takes tens of milliseconds. */
  summary: DocumentSummary;
  indexed_at: string;
  [key: string]: unknown;
}

/** Each client's index version: bumped on every change, so every QA replica knows when its copy is stale. */
interface IndexVersion {
  _id: string;
  version: number;
  [key: string]: unknown;
}

/**
 * QA's own store of what it has indexed. The chunks are the source of truth; the search index in
 * memory is rebuilt from them (index-cache.ts). One record per document keeps each write small and
 * within a MongoDB document's 16 MB, however large the workspace grows.
 */
export class IndexedDocuments {
  private readonly docs: Collection<IndexedDocument>;
  private readonly versions: Collection<IndexVersion>;

  constructor(store: Store) {
    this.docs = store.collection<IndexedDocument>('qa_documents');
    this.versions = store.collection<IndexVersion>('qa_index_versions');
  }

  async init(): Promise<void> {
    await this.docs.createIndex({ keys: { client_id: 1 }, name: 'by_client' });
  }

  /** Store (or replace) a document's chunks; returns the client's new index version. */
  async put(doc: IndexedDocument): Promise<number> {
    await this.docs.updateOne({ _id: doc._id, client_id: doc.client_id }, { $set: doc }, { upsert: true });
    return this.bump(doc.client_id);
  }

  /** Forget a document; returns the client's new index version, or undefined when QA never had it. */
  async remove(clientId: string, docId: string): Promise<number | undefined> {
    const { deletedCount } = await this.docs.deleteOne({ _id: docId, client_id: clientId });
    return deletedCount ? this.bump(clientId) : undefined;
  }

  get(clientId: string, docId: string): Promise<IndexedDocument | null> {
    return this.docs.findOne({ _id: docId, client_id: clientId });
  }

  /** Each document's summary, without its chunks. */
  async summaries(clientId: string): Promise<Map<string, DocumentSummary>> {
    const docs = await this.docs.find({ client_id: clientId }, { projection: { summary: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id, d.summary]));
  }

  /** When each of the client's documents was (last) indexed, without their chunks. */
  async stamps(clientId: string): Promise<Map<string, string>> {
    const docs = await this.docs.find({ client_id: clientId }, { projection: { indexed_at: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id, d.indexed_at]));
  }

  /** The named documents of the client, chunks included. */
  some(clientId: string, docIds: string[]): Promise<IndexedDocument[]> {
    return this.docs.find({ _id: { $in: docIds }, client_id: clientId }).toArray();
  }

  async version(clientId: string): Promise<number> {
    return (await this.versions.findOne({ _id: clientId }))?.version ?? 0;
  }

  private async bump(clientId: string): Promise<number> {
    const after = await this.versions.findOneAndUpdate({ _id: clientId }, { $inc: { version: 1 } }, { upsert: true, returnDocument: 'after' });
    return after?.version ?? 1;
  }
}
