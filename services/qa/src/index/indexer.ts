import { DocumentIndexed, GetDocumentPages, type IndexDocument, type JobOf, type ReplyOf } from '@perceptiq/contracts';
import { AppError, counter, type Bus, type Logger, type WorkQueue } from '@perceptiq/platform';
import type { SourceDocument } from '../retrieval/index.js';
import type { Analysis } from './analysis.js';
import type { IndexedDocuments } from './indexed-documents.js';

/** Pages fetched per bus request: their words stay well within one message (about 1 MB). */
const PAGES_PER_REQUEST = 8;

export interface IndexerDeps {
  bus: Pick<Bus, 'request'>;
  documents: IndexedDocuments;
  /** Ingest's queue of documents QA has indexed (`document.indexed`). */
  indexed: Pick<WorkQueue<JobOf<typeof DocumentIndexed>>, 'enqueue'>;
  logger: Logger;
  /** Chunks and summary of a document, off the event loop (analyzer.ts). */
  analyze(source: SourceDocument): Promise<Analysis>;
  now?: () => Date;
}

const indexedTotal = () => counter('perceptiq_qa_documents_indexed_total', 'Documents indexed by QA');

/**
 * Indexes one document ingest has read: its pages and word boxes fetched from ingest over the bus
 * (never from ingest's store), cut into chunks and summarized, stored in QA's own store, then reported as
 * `document.indexed` so ingest marks it ready. A job that fails is redelivered; indexing twice is
 * harmless (the document's chunks are replaced).
 */
export class Indexer {
  constructor(private readonly deps: IndexerDeps) {}

  async index(job: JobOf<typeof IndexDocument>): Promise<void> {
    const source = await this.fetch(job);
    if (!source) return; // deleted meanwhile: nothing to index, nobody waiting
    const { chunks, summary } = await this.deps.analyze(source);
    await this.deps.documents.put({
      _id: job.doc_id,
      client_id: job.client_id,
      filename: source.filename,
      page_count: source.pages.length,
      chunks,
      summary,
      indexed_at: (this.deps.now?.() ?? new Date()).toISOString(),
    });
    indexedTotal().inc();
    await this.deps.indexed.enqueue({ doc_id: job.doc_id, client_id: job.client_id, chunks: chunks.length });
  }

  /** The document's pages with words, a few at a time; undefined when ingest no longer has it. */
  private async fetch(job: JobOf<typeof IndexDocument>): Promise<SourceDocument | undefined> {
    const pages: SourceDocument['pages'] = [];
    let reply: ReplyOf<typeof GetDocumentPages>;
    let from = 1;
    do {
      try {
        reply = await this.deps.bus.request(GetDocumentPages, {
          client_id: job.client_id,
          doc_id: job.doc_id,
          words: true,
          from_page: from,
          max_pages: PAGES_PER_REQUEST,
        });
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return undefined;
        throw err;
      }
      pages.push(...reply.pages);
      from += PAGES_PER_REQUEST;
    } while (from <= reply.page_count);
    return { doc_id: reply.doc_id, filename: reply.filename, pages };
  }
}
