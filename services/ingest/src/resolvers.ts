import { AppError, requireClient, type SubgraphContext, type SubgraphResolvers } from '@perceptiq/platform';
import type { DocumentRepository } from './documents.js';
import type { IngestService, ReceivedFile } from './ingest-service.js';
import type { PageRepository } from './pages.js';
import { documentView, pageView, progressView } from './views.js';

/** Base64 uploads through GraphQL are for small files; larger ones use the multipart endpoint. */
export const MAX_BASE64_FILE_BYTES = 5 * 1024 * 1024;

type DocumentParent = ReturnType<typeof documentView>;

export interface IngestResolverDeps {
  docs: DocumentRepository;
  pages: PageRepository;
  service: IngestService;
  /** Store decoded bytes like a multipart file (sniffed, refused on arrival where needed). */
  receive(filename: string, bytes: Buffer): Promise<ReceivedFile>;
}

/** Page content needs the documents scope however the document was reached (e.g. from a mutation's answer). */
function requireReader(ctx: SubgraphContext): string {
  const client = requireClient(ctx);
  if (!client.scopes.includes('documents')) {
    throw new AppError('insufficient_scope', 'Reading document content needs the "documents" scope.', { required_scope: 'documents' });
  }
  return client.client_id;
}

export function createResolvers({ docs, pages, service, receive }: IngestResolverDeps): SubgraphResolvers {
  return {
    Query: {
      documents: async (_: unknown, args: { limit: number; cursor?: string | null; includeArchived: boolean }, ctx: SubgraphContext) => {
        const page = await docs.list(requireClient(ctx).client_id, args);
        return { documents: page.documents.map(documentView), nextCursor: page.nextCursor };
      },
      document: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => documentView(await docs.get(requireClient(ctx).client_id, args.id)),
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
        if (args.files.length === 0) throw new AppError('invalid_request', 'No files were sent.');
        const received: ReceivedFile[] = [];
        for (const [i, f] of args.files.entries()) {
          // base64 is 4/3 of the bytes: refuse before decoding anything oversized.
          if (f.contentBase64.length > Math.ceil((MAX_BASE64_FILE_BYTES * 4) / 3) + 4) {
            throw new AppError('payload_too_large', `${f.filename}: files sent as base64 are limited to 5 MB; use POST /v1/upload.`, { field: `files.${i}` });
          }
          received.push(await receive(f.filename, Buffer.from(f.contentBase64, 'base64')));
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
        documentView(await service.restore(requireClient(ctx).client_id, args.id)),
      retryDocument: async (_: unknown, args: { id: string }, ctx: SubgraphContext) =>
        documentView(await service.retry(requireClient(ctx).client_id, args.id)),
    },
    Document: {
      __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => documentView(await docs.get(requireClient(ctx).client_id, ref.id)),
      text: async (doc: DocumentParent, _: unknown, ctx: SubgraphContext) =>
        (await pages.list(requireReader(ctx), doc.id, false)).map((p) => p.text).join('\f'),
      pages: async (doc: DocumentParent, args: { words: boolean }, ctx: SubgraphContext) =>
        (await pages.list(requireReader(ctx), doc.id, args.words)).map(pageView),
    },
  };
}
