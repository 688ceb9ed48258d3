import { DocumentDeleted, DocumentIndexed, IndexDocument, type DocumentFacts, type JobOf } from '@perceptiq/contracts';
import { ContextSigner, JSONScalar, loadTypeDefs, parseOrThrow, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { z } from 'zod';
import { Answers, type DocumentSummaryAnswer } from './answers.js';
import { mountAudioRoute } from './audio-route.js';
import { createAnswerWriter } from './generative/index.js';
import { createSpeaker } from './speech/index.js';
import type { QaSettings } from './config.js';
import { IndexCache } from './index/index-cache.js';
import { IndexedDocuments } from './index/indexed-documents.js';
import { createAnalyzer } from './index/analyzer.js';
import { Indexer } from './index/indexer.js';
import type { Citation } from './retrieval/index.js';
import { announceQuestion } from './question-events.js';
import { countByType, documentLines, summarizeWorkspace } from './workspace-summary.js';

/** What the workspace summary's field resolvers read. */
interface Workspace {
  facts: DocumentFacts[];
  clientId: string;
  types: () => Promise<Record<string, string>>;
}

export { qaSettings, type QaSettings } from './config.js';
export type { GenerativeOptions } from './generative/index.js';

// The same limits as the REST routes', for callers of the GraphQL schema.
const Id = z.string().min(1).max(64);
const AskArgs = z.object({
  question: z.string().trim().min(1).max(2_000),
  docId: Id.nullish(),
  docIds: z.array(Id).min(1).max(100).nullish(),
  topK: z.number().int().min(1).max(20).nullish(),
});
const SearchArgs = z.object({
  q: z.string().trim().min(1).max(1_000),
  docId: Id.nullish(),
  limit: z.number().int().min(1).max(100).nullish(),
  offset: z.number().int().min(0).max(10_000).nullish(),
});

/** A citation as the schema shows it: API.md's fields (its page offsets stay inside QA). */
const citationOut = ({ doc_id, filename, page, snippet, bbox, score }: Citation) => ({
  docId: doc_id,
  filename,
  page,
  snippet,
  bbox: bbox ?? null,
  score,
});

const INDEXING_FAILED = 'The document could not be indexed for questions and search. Retry it, or contact support with the document id.';

/** A document summary as the schema shows it. */
const summaryOut = ({ doc_id, doc_type, key_points, key_facts, ...rest }: DocumentSummaryAnswer) => ({ docId: doc_id, docType: doc_type, keyPoints: key_points, keyFacts: key_facts, ...rest });

/** The QA service: questions and search over its own index of the caller's documents, and summaries. */
export const createQaService: ServiceFactory<QaSettings> = async (deps) => {
  const { bus, store, logger, lifecycle } = deps;
  const documents = new IndexedDocuments(store);
  const writer = deps.settings.llm && createAnswerWriter(deps.settings.llm);
  const answers = new Answers(bus, new IndexCache(documents), documents, logger, writer);
  // Its worker starts with the first spoken summary.
  const speaker = createSpeaker();
  // Its worker starts with the first document to index.
  const analyzer = createAnalyzer();
  const indexed = bus.workQueue(DocumentIndexed);
  const indexer = new Indexer({
    bus,
    documents,
    indexed,
    analyze: (source) => analyzer.run(source),
    logger,
  });
  return {
    name: 'qa',
    typeDefs: loadTypeDefs(import.meta.url),
    async start() {
      await documents.init();
      lifecycle.onStop('qa workers', async () => {
        await Promise.all([speaker.close(), analyzer.close()]);
      });
      const subs = [
        bus.workQueue(IndexDocument).consume((job) => indexer.index(job), {
          // A document QA cannot index must not wait in `indexing` for good: ingest fails it, and a retry starts over.
          onGiveUp: (job, error) => {
            const { doc_id, client_id } = job as JobOf<typeof IndexDocument>;
            logger.error({ docId: doc_id, err: error.message }, 'indexing given up');
            return indexed.enqueue({ doc_id, client_id, chunks: 0, error: INDEXING_FAILED });
          },
        }),
        // One replica forgets a deleted document for all: the index lives in the shared store.
        bus.subscribe(DocumentDeleted, async (e) => void (await documents.remove(e.client_id, e.doc_id)), { queue: 'qa' }),
      ];
      lifecycle.onStop('qa bus handlers', async () => {
        await Promise.all(subs.map((s) => s.stop()));
      });
    },
    routes(app) {
      const signer = new ContextSigner(deps.secrets.contextSecret, deps.config.contextTtlSeconds * 1000, 'qa');
      mountAudioRoute(app, { signer, answers, documents, speaker, logger });
    },
    resolvers: {
      JSON: JSONScalar,
      // The documents' own summaries, and their types, are read only when a field needs them.
      Summary: {
        byType: async (ws: Workspace) => countByType(ws.facts, await ws.types()),
        documents: async (ws: Workspace) => {
          const [summaries, types] = await Promise.all([documents.summaries(ws.clientId), ws.types()]);
          return documentLines(ws.facts, summaries, types);
        },
      },
      Document: {
        summary: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => {
          const clientId = requireClient(ctx).client_id;
          const doc = await documents.get(clientId, ref.id);
          return doc?.summary ? summaryOut({ doc_id: ref.id, doc_type: null, pages: doc.page_count, ...doc.summary }) : null;
        },
        chunks: async (ref: { id: string }, _: unknown, ctx: SubgraphContext) => {
          const doc = await documents.get(requireClient(ctx).client_id, ref.id);
          return (doc?.chunks ?? []).map((c) => ({
            heading: c.heading,
            text: c.text,
            pages: [...new Set(c.spans.map((s) => s.page))],
          }));
        },
      },
      Query: {
        ask: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
          const { question, docId, docIds, topK } = parseOrThrow(AskArgs, args);
          const named = [...(docId ? [docId] : []), ...(docIds ?? [])];
          const clientId = requireClient(ctx).client_id;
          const result = await answers.ask(clientId, {
            question,
            ...(named.length ? { docIds: named } : {}),
            ...(topK ? { topK } : {}),
          });
          await announceQuestion(bus, logger, clientId, question, result);
          return {
            ...result,
            citations: result.citations.map(citationOut),
            parts: result.parts.map((p) => ({
              ...p,
              citations: p.citations.map(citationOut),
            })),
          };
        },
        search: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
          const { q, docId, limit, offset } = parseOrThrow(SearchArgs, args);
          const result = await answers.search(requireClient(ctx).client_id, {
            q,
            ...(docId ? { docId } : {}),
            ...(limit ? { limit } : {}),
            ...(offset ? { offset } : {}),
          });
          return {
            ...result,
            hits: result.hits.map(({ doc_id, ...hit }) => ({
              docId: doc_id,
              ...hit,
            })),
          };
        },
        summary: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
          const clientId = requireClient(ctx).client_id;
          const facts = await answers.active(clientId);
          // Another service's answer: asked once, and only when a field needs it (never for an empty workspace).
          let types: Promise<Record<string, string>> | undefined;
          const workspace: Workspace = { facts, clientId, types: () => (types ??= facts.length ? answers.docTypes(clientId) : Promise.resolve({})) };
          return { ...summarizeWorkspace(facts), ...workspace };
        },
        documentSummary: async (_: unknown, args: { docId: string }, ctx: SubgraphContext) => summaryOut(await answers.summary(requireClient(ctx).client_id, args.docId)),
      },
    },
  };
};
