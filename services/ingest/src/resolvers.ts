import { AppError, requireClient, toGraphQLError, type SubgraphContext, type SubgraphResolvers } from '@perceptiq/platform';
import type { DocumentRecord, DocumentRepository } from './documents.js';
import type { IngestService, ReceivedFile } from './ingest-service.js';
import type { PageRepository } from './pages.js';
import { PageReadBudget } from './read-budget.js';
import { documentView, pageView, progressView } from './views.js';

/** A document as resolvers hand it to its fields: the GraphQL view, plus the pages stored so far (for the read budget). */
const documentParent = (d: DocumentRecord) => ({ ...documentView(d), storedPages: Math.max(d.page_count, d.pages_done) });
type DocumentParent = ReturnType<typeof documentParent>;

export interface IngestResolverDeps {
  docs: DocumentRepository;
  pages: PageRepository;
  service: IngestService;
  /** Store base64 files under the multipart upload's limits (refused whole, or each on arrival). */
  receive(files: Array<{ filename: string; contentBase64: string }>): Promise<ReceivedFile[]>;
  /** DOCUMENT_MAX_PAGES. */
  maxDocumentPages: number;
}

/** Page content needs the documents scope however the document was reached (e.g. from a mutation's answer). */
function requireReader(ctx: SubgraphContext): string {
  const client = requireClient(ctx);
  if (!client.scopes.includes('documents')) {
    throw new AppError('insufficient_scope', 'Reading document content needs the "documents" scope.', { required_scope: 'documents' });
  }
  return client.client_id;
}

export function createResolvers({ docs, pages, service, receive, maxDocumentPages }: IngestResolverDeps): SubgraphResolvers {
  const budget = new PageReadBudget(2 * maxDocumentPages);
  return {
    Query: {
      documents: async (_: unknown, args: { limit: number; cursor?: string | null; includeArchived: boolean }, ctx: SubgraphContext) => {
        const page = await docs.list(requireClient(ctx).client_id, args);
        return { documents: page.documents.map(documentParent), nextCursor: page.nextCursor };
      },
      document: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => documentParent(await docs.get(requireClient(ctx).client_id, args.id)),
      processingStatus: async (
        _: unknown,
        args: { batchId?: string | null; docId?: string | null; limit: number; cursor?: string | null },
        ctx: SubgraphContext,
      ) => {
        const clientId = requireClient(ctx).client_id;
        const [counts, page] = await Promise.all([docs.countByStatus(clientId), docs.statusPage(clientId, args)]);
        const processing = (counts.extracting ?? 0) + (counts.ocr ?? 0) + (counts.indexing ?? 0);
        return {
          queue: { queued: counts.queued ?? 0, processing, ready: counts.ready ?? 0, failed: counts.failed ?? 0 },
          documents: page.documents.map(progressView),
          nextCursor: page.nextCursor,
        };
      },
    },
    Mutation: {
      uploadDocuments: async (_: unknown, args: { files: Array<{ filename: string; contentBase64: string }>; merge: boolean }, ctx: SubgraphContext) => {
        const clientId = requireClient(ctx).client_id;
        let received: ReceivedFile[];
        try {
          received = await receive(args.files);
        } catch (err) {
          // Refused whole before anything was stored: with its HTTP status, as the multipart route answers it.
          throw err instanceof AppError ? toGraphQLError(err) : err;
        }
        const answer = await service.acceptUpload(clientId, received, args.merge);
        return {
          batchId: answer.batch_id,
          documents: answer.documents.map((d) => ({
            docId: d.doc_id,
            filename: d.filename,
            status: d.status,
            sha256: d.sha256,
            duplicateOf: d.duplicate_of ?? null,
            error: d.error ?? null,
          })),
        };
      },
      deleteDocument: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const { doc_id, deleted } = await service.delete(requireClient(ctx).client_id, args.id);
        return { docId: doc_id, deleted };
      },
      restoreDocument: async (_: unknown, args: { id: string }, ctx: SubgraphContext) =>
        documentParent(await service.restore(requireClient(ctx).client_id, args.id)),
      retryDocument: async (_: unknown, args: { id: string }, ctx: SubgraphContext) =>
        documentParent(await service.retry(requireClient(ctx).client_id, args.id)),
    },
    Document: {
      __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => documentParent(await docs.get(requireClient(ctx).client_id, ref.id)),
      text: async (doc: DocumentParent, _: unknown, ctx: SubgraphContext) => {
        const clientId = requireReader(ctx);
        budget.take(ctx, doc.storedPages);
        return (await pages.list(clientId, doc.id, false)).map((p) => p.text).join('\f');
      },
      pages: async (doc: DocumentParent, args: { words: boolean }, ctx: SubgraphContext) => {
        const clientId = requireReader(ctx);
        budget.take(ctx, doc.storedPages);
        return (await pages.list(clientId, doc.id, args.words)).map(pageView);
      },
    },
  };
}
