import { DocumentDeleted, ExtractDocument, GenerateTemplateBody, GetDocumentTypes, ListExtractions, SmartExtractBatchBody, SmartExtractPayload } from '@perceptiq/contracts';
import { AppError, JSONScalar, loadTypeDefs, parseOrThrow, requestBatch, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { Catalog } from './catalog.js';
import { ClientTemplates } from './client-templates.js';
import { DocumentExtractions } from './document-extractions.js';
import { DocumentExtractor } from './document-extractor.js';
import { DocumentInput } from './document-input.js';
import { SmartExtractor } from './smart-extractor.js';
import { TemplateGenerator } from './template-generator.js';
import { extractionView, storedExtractionView, templateView } from './views.js';

const clientOf = (ctx: SubgraphContext) => requireClient(ctx).client_id;

/** The templates service: built-in and client templates, generation, smart extraction, and extraction of stored documents. */
export const createTemplatesService: ServiceFactory = async ({ bus, store, logger, lifecycle }) => {
  const own = new ClientTemplates(store);
  const catalog = new Catalog(own);
  const inputs = new DocumentInput(bus);
  const extractions = new DocumentExtractions(store);
  const extractor = new SmartExtractor(catalog, inputs, logger);
  const generator = new TemplateGenerator(own, inputs);
  const documents = new DocumentExtractor({ catalog, inputs, extractions, logger });
  // A page of documents asks for 100 types at once: one store read per request, not one per document.
  const extractionOf = requestBatch((ctx, ids) => extractions.some(clientOf(ctx as SubgraphContext), ids));
  return {
    name: 'templates',
    typeDefs: loadTypeDefs(import.meta.url),
    async start() {
      await Promise.all([own.init(), extractions.init()]);
      const subs = [
        bus.workQueue(ExtractDocument).consume((job) => documents.extract(job)),
        bus.serve(GetDocumentTypes, async (req) => ({ types: await extractions.types(req.client_id, req.doc_ids) })),
        bus.serve(ListExtractions, (req) => extractions.page(req.client_id, req.after, req.limit)),
        // One replica forgets a deleted document's extraction for all: it lives in the shared store.
        bus.subscribe(DocumentDeleted, (e) => extractions.remove(e.client_id, e.doc_id), { queue: 'templates' }),
      ];
      lifecycle.onStop('templates bus handlers', async () => {
        await Promise.all(subs.map((s) => s.stop()));
      });
    },
    resolvers: {
      JSON: JSONScalar,
      Document: {
        docType: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => (await extractionOf(ctx, ref.id))?.doc_type ?? null,
        extraction: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => {
          const found = await extractionOf(ctx, ref.id);
          return found ? storedExtractionView(found) : null;
        },
      },
      Query: {
        templates: async (_: unknown, __: unknown, ctx: SubgraphContext) => (await catalog.list(clientOf(ctx))).map(templateView),
        smartExtract: async (_: unknown, args: { payload: unknown }, ctx: SubgraphContext) =>
          extractionView(await extractor.extract(clientOf(ctx), parseOrThrow(SmartExtractPayload, args.payload))),
        smartExtractBatch: async (_: unknown, args: { items: unknown[] }, ctx: SubgraphContext) => {
          const { items } = parseOrThrow(SmartExtractBatchBody, args);
          const results = await extractor.batch(clientOf(ctx), items);
          return results.map(({ result, ...rest }) => ({ ...rest, result: result ? extractionView(result) : null }));
        },
      },
      Mutation: {
        generateTemplate: async (_: unknown, args: { body: unknown }, ctx: SubgraphContext) =>
          templateView(await generator.generate(clientOf(ctx), parseOrThrow(GenerateTemplateBody, args.body))),
        deleteTemplate: async (_: unknown, args: { templateId: string }, ctx: SubgraphContext) => {
          if (catalog.isBuiltin(args.templateId)) throw new AppError('conflict', 'Built-in templates cannot be deleted.', { template_id: args.templateId });
          if (!(await own.remove(clientOf(ctx), args.templateId))) throw new AppError('not_found', `Template ${args.templateId} was not found.`);
          return { templateId: args.templateId, deleted: true };
        },
      },
    },
  };
};
