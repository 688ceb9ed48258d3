import { ApiUsageRecorded, CompareBody, DocumentDeleted, DocumentFailed, DocumentProcessed, MetricsQuery, QuestionAsked, TagBody, TagDocument } from '@perceptiq/contracts';
import { ContextSigner, JSONScalar, loadTypeDefs, parseOrThrow, requestBatch, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { Dashboard } from './dashboard.js';
import { DocumentTags, tagNames } from './document-tags.js';
import { DocumentTexts } from './document-text.js';
import { mountExportRoute } from './export-route.js';
import { ExportSources } from './export-sources.js';
import { ProcessingLog } from './processing-log.js';
import { QuestionLog } from './question-log.js';
import { UsageLedger } from './usage-ledger.js';
import { compareDocuments } from './comparison/index.js';
import { Tagger } from './tagger.js';
import { tagText } from './tags/index.js';
import { comparisonView, metricsView, taggingView } from './views.js';
import { WorkspaceDocuments } from './workspace-documents.js';

const clientOf = (ctx: SubgraphContext) => requireClient(ctx).client_id;
/** What compare reads of each document: 500 pages or 2 MB of text, whichever comes first. */
const COMPARE_LIMITS = { maxPages: 500, maxChars: 2_000_000 };

/** The analytics service: tagging, comparison, exports and usage metrics. */
export const createAnalyticsService: ServiceFactory = async ({ bus, store, logger, lifecycle, secrets, config }) => {
  const tags = new DocumentTags(store);
  const usage = new UsageLedger(store);
  const processing = new ProcessingLog(store);
  const questions = new QuestionLog(store);
  const workspace = new WorkspaceDocuments(bus, logger);
  const dashboard = new Dashboard({ usage, processing, questions, documents: workspace });
  const sources = new ExportSources({ bus, workspace, tags, questions });
  const texts = new DocumentTexts(bus);
  const tagger = new Tagger({ tag: tagText, texts, store: tags, logger });
  // A page of documents asks for 100 documents' tags at once: one store read per request, not one per document.
  const tagsOf = requestBatch((ctx, ids) => tags.some(clientOf(ctx as SubgraphContext), ids));
  return {
    name: 'analytics',
    typeDefs: loadTypeDefs(import.meta.url),
    async start() {
      await Promise.all([tags.init(), usage.init(), processing.init(), questions.init()]);
      // Queue groups: one replica records each event, into the store they share.
      const queue = { queue: 'analytics' };
      const subs = [
        bus.subscribe(ApiUsageRecorded, (e) => usage.record(e), queue),
        bus.subscribe(DocumentProcessed, (e) => processing.processed(e), queue),
        bus.subscribe(DocumentFailed, (e) => processing.failed(e), queue),
        bus.subscribe(QuestionAsked, (e) => questions.asked(e), queue),
        bus.subscribe(DocumentDeleted, (e) => tags.remove(e.client_id, e.doc_id), queue),
        bus.workQueue(TagDocument).consume((job) => tagger.job(job)),
      ];
      lifecycle.onStop('analytics bus handlers', async () => {
        await Promise.all(subs.map((s) => s.stop()));
      });
    },
    routes(app) {
      const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, 'analytics');
      mountExportRoute(app, { signer, sources, logger });
    },
    resolvers: {
      JSON: JSONScalar,
      Document: {
        tags: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => tagNames(await tagsOf(ctx, ref.id)),
        language: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => (await tagsOf(ctx, ref.id))?.language ?? null,
      },
      Query: {
        autoTagText: async (_: unknown, args: { payload: unknown }, ctx: SubgraphContext) => {
          const body = parseOrThrow(TagBody, args.payload);
          return taggingView(body.doc_id !== undefined ? await tagger.document(clientOf(ctx), body.doc_id) : tagger.text(body.text!));
        },
        compareDocs: async (_: unknown, args: { baseId: string; compareId: string }, ctx: SubgraphContext) => {
          const { base_id, compare_id } = parseOrThrow(CompareBody, { base_id: args.baseId, compare_id: args.compareId });
          const clientId = clientOf(ctx);
          const [base, compare] = await Promise.all([texts.read(clientId, base_id, COMPARE_LIMITS), texts.read(clientId, compare_id, COMPARE_LIMITS)]);
          return comparisonView(compareDocuments(base.pages, compare.pages));
        },
        dashboardMetrics: async (_: unknown, args: { period?: string }, ctx: SubgraphContext) => {
          const { period } = parseOrThrow(MetricsQuery, args);
          return metricsView(await dashboard.metrics(clientOf(ctx), period));
        },
      },
    },
  };
};
