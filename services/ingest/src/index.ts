import { ListDocumentFacts } from '@perceptiq/contracts';
import { loadTypeDefs, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { DocumentRepository, type DocumentRecord } from './documents.js';

export { DocumentRepository, type DocumentRecord } from './documents.js';

const toGraphQL = (d: DocumentRecord) => ({
  id: d._id,
  docId: d._id,
  filename: d.filename,
  mimeType: d.mime_type,
  sizeBytes: d.size_bytes,
  pageCount: d.page_count,
  sha256: d.sha256,
  status: d.status,
  docType: d.doc_type,
  tags: d.tags,
  language: d.language,
  ocrConfidence: d.ocr_confidence,
  createdAt: d.created_at,
  archived: d.archived,
});

/** The ingest service: owner of documents (upload and OCR arrive with their own issue). */
export const createIngestService: ServiceFactory = async (deps) => {
  const documents = new DocumentRepository(deps.store);
  return {
    name: 'ingest',
    typeDefs: loadTypeDefs(import.meta.url),
    resolvers: {
      Query: {
        documents: async (_: unknown, args: { limit: number; cursor?: string | null; includeArchived: boolean }, ctx: SubgraphContext) => {
          const page = await documents.list(requireClient(ctx).client_id, args);
          return { documents: page.documents.map(toGraphQL), nextCursor: page.nextCursor };
        },
        document: async (_: unknown, args: { id: string }, ctx: SubgraphContext) =>
          toGraphQL(await documents.get(requireClient(ctx).client_id, args.id)),
      },
      Document: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) =>
          toGraphQL(await documents.get(requireClient(ctx).client_id, ref.id)),
      },
    },
    async start() {
      await documents.init();
      const sub = deps.bus.serve(ListDocumentFacts, async (req) => ({
        documents: await documents.facts(req.client_id, req.include_archived),
      }));
      deps.lifecycle.onStop('ingest bus handlers', () => sub.stop());
    },
  };
};
