import { ListDocumentFacts, type DocumentFacts } from '@perceptiq/contracts';
import { AppError, documentTypes, notFound, type Bus, type Logger } from '@perceptiq/platform';
import { GenerativeError, type AnswerWriter } from './generative/index.js';
import type { IndexCache } from './index/index-cache.js';
import type { IndexedDocuments } from './index/indexed-documents.js';
import type { DocumentSummary } from './summary/index.js';
import { ask, notAnswered, type AskResult, type SearchResult } from './retrieval/index.js';

/** API.md's summary of one document. */
export type DocumentSummaryAnswer = DocumentSummary & { doc_id: string; doc_type: string | null; pages: number };

export interface AskInput {
  question: string;
  docIds?: string[];
  topK?: number;
}

export interface SearchInput {
  q: string;
  docId?: string;
  limit?: number;
  offset?: number;
}

const NO_DOCUMENTS = 'There are no ready documents to answer from yet: upload some, or wait until GET /v1/status says they are ready.';

/**
 * Questions and search over one client's documents. Which documents count is ingest's word, asked
 * on every call (`ListDocumentFacts`): the active set is the ready, non-archived ones, so archiving,
 * restoring and deleting take effect at once whatever QA's index holds. Named documents must be
 * the caller's (`404` otherwise, as if they did not exist) and ready (`409` with their status).
 */
export class Answers {
  constructor(
    private readonly bus: Pick<Bus, 'request'>,
    private readonly indexes: IndexCache,
    private readonly documents: IndexedDocuments,
    private readonly logger: Logger,
    /** Set when LLM_BASE_URL is: answers are then written from the retrieved passages. */
    private readonly writer?: AnswerWriter,
  ) {}

  /** One document's summary, made when QA indexed it. */
  async summary(clientId: string, docId: string): Promise<DocumentSummaryAnswer> {
    const [[fact], types] = await Promise.all([this.facts(clientId, [docId]), this.docTypes(clientId, [docId])]);
    const doc = await this.documents.get(clientId, docId);
    // Ready documents indexed before summaries existed have none: retrying the document makes one.
    if (!doc?.summary) throw new AppError('conflict', `Document ${docId} has no summary yet: POST /v1/documents/${docId}/retry makes one.`, { doc_id: docId, status: fact!.status });
    return { doc_id: docId, doc_type: types[docId] ?? null, pages: doc.page_count, ...doc.summary };
  }

  /** Document types as the templates service decided them (by document id); none when it is unavailable. */
  docTypes(clientId: string, docIds?: string[]): Promise<Record<string, string>> {
    return documentTypes(this.bus, this.logger, clientId, docIds);
  }

  async ask(clientId: string, input: AskInput): Promise<AskResult> {
    const docIds = await this.scope(clientId, input.docIds);
    if (!docIds.length) return { answer: NO_DOCUMENTS, confidence: 0, citations: [], mode: 'extractive', found: false, parts: [] };
    const index = await this.indexes.for(clientId);
    const extractive = ask(index, input.question, { docIds, ...(input.topK ? { topK: input.topK } : {}) });
    return this.writer && extractive.citations.length ? this.generative(input.question, extractive, this.writer) : extractive;
  }

  /**
   * The answer written by the model from the passages retrieval found, with their citations; the
   * extractive answer when the endpoint fails or is too slow, so a question never fails for it.
   */
  private async generative(question: string, extractive: AskResult, writer: AnswerWriter): Promise<AskResult> {
    try {
      const written = await writer.write(question, extractive.citations);
      if (!written.found) return { ...extractive, mode: 'generative', found: false, answer: notAnswered(question), citations: [] };
      return { ...extractive, mode: 'generative', answer: written.answer };
    } catch (err) {
      if (!(err instanceof GenerativeError)) throw err;
      this.logger.warn({ reason: err.reason }, 'generative answer failed; answering extractively');
      return extractive;
    }
  }

  async search(clientId: string, input: SearchInput): Promise<SearchResult> {
    const docIds = await this.scope(clientId, input.docId ? [input.docId] : undefined);
    if (!docIds.length) return { query: input.q, total: 0, hits: [] };
    const index = await this.indexes.for(clientId);
    return index.search(input.q, { docIds, ...(input.limit ? { limit: input.limit } : {}), ...(input.offset ? { offset: input.offset } : {}) });
  }

  /** The documents a call may read: the named ones (checked), else the active set. */
  private async scope(clientId: string, named: string[] | undefined): Promise<string[]> {
    if (named?.length) return (await this.facts(clientId, named)).map((d) => d.doc_id);
    return (await this.active(clientId)).filter((d) => d.status === 'ready').map((d) => d.doc_id);
  }

  /** The client's active (non-archived) documents, in any status, as ingest knows them now. */
  async active(clientId: string): Promise<DocumentFacts[]> {
    return (await this.bus.request(ListDocumentFacts, { client_id: clientId, include_archived: false })).documents;
  }

  /** The named documents' facts: each the caller's (else 404) and ready (else 409 with its status); archived ones count. */
  private async facts(clientId: string, named: string[]): Promise<DocumentFacts[]> {
    const { documents } = await this.bus.request(ListDocumentFacts, { client_id: clientId, include_archived: true });
    const byId = new Map<string, DocumentFacts>(documents.map((d) => [d.doc_id, d]));
    return [...new Set(named)].map((id) => {
      const doc = byId.get(id);
      if (!doc) throw notFound(`Document ${id}`);
      if (doc.status !== 'ready') {
        throw new AppError('conflict', `Document ${id} is ${doc.status}, not ready yet: ask again once GET /v1/status says it is ready.`, { doc_id: id, status: doc.status });
      }
      return doc;
    });
  }
}
