import { ApiUsageRecorded, DocumentDeleted, DocumentFailed, DocumentProcessed, MetricsQuery, QuestionAsked } from '@perceptiq/contracts';
import { JSONScalar, loadTypeDefs, parseOrThrow, requestBatch, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { Dashboard } from './dashboard.js';
import { DocumentTags } from './document-tags.js';
import { ProcessingLog } from './processing-log.js';
import { QuestionLog } from './question-log.js';
import { UsageLedger } from './usage-ledger.js';
import { metricsView } from './views.js';
import { WorkspaceDocuments } from './workspace-documents.js';

const clientOf = (ctx: SubgraphContext) => requireClient(ctx).client_id;

/** The analytics service: tagging, comparison, exports and usage metrics. */
export const createAnalyticsService: ServiceFactory = async ({ bus, store, logger, lifecycle }) => {
  const tags = new DocumentTags(store);
  const usage = new UsageLedger(store);
  const processing = new ProcessingLog(store);
  const questions = new QuestionLog(store);
  const workspace = new WorkspaceDocuments(bus, logger);
  const dashboard = new Dashboard({ usage, processing, questions, documents: workspace });
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
      ];
      lifecycle.onStop('analytics bus handlers', async () => {
        await Promise.all(subs.map((s) => s.stop()));
      });
    },
    resolvers: {
      JSON: JSONScalar,
      Document: {
        tags: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => ((await tagsOf(ctx, ref.id))?.tags ?? []).filter((t) => t.category !== 'language').map((t) => t.tag),
        language: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => (await tagsOf(ctx, ref.id))?.language ?? null,
      },
      Query: {
        dashboardMetrics: async (_: unknown, args: { period?: string }, ctx: SubgraphContext) => {
          const { period } = parseOrThrow(MetricsQuery, args);
          return metricsView(await dashboard.metrics(clientOf(ctx), period));
        },
      },
    },
  };
};
