import { ListDocumentFacts } from '@perceptiq/contracts';
import { AppError, loadTypeDefs, notFound, requireClient, type ServiceFactory, type SubgraphContext } from '@perceptiq/platform';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { QaSettings } from './config.js';
import { summarizeWorkspace } from './workspace-summary.js';

export { qaSettings, type QaSettings } from './config.js';

/** Opaque JSON values (used for maps keyed by data). */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: function parse(ast: ValueNode): unknown {
    switch (ast.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return ast.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(ast.value);
      case Kind.LIST:
        return ast.values.map(parse);
      case Kind.OBJECT:
        return Object.fromEntries(ast.fields.map((f) => [f.name.value, parse(f.value)]));
      default:
        return null;
    }
  },
});

/** The QA service: questions, search and summaries (the index arrives with its own issue). */
export const createQaService: ServiceFactory<QaSettings> = async (deps) => ({
  name: 'qa',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers: {
    JSON: JSONScalar,
    Query: {
      summary: async (_: unknown, args: { docId?: string | null }, ctx: SubgraphContext) => {
        const client = requireClient(ctx);
        const { documents } = await deps.bus.request(ListDocumentFacts, { client_id: client.client_id, include_archived: Boolean(args.docId) });
        if (!args.docId) return summarizeWorkspace(documents);
        if (!documents.some((d) => d.doc_id === args.docId)) throw notFound(`Document ${args.docId}`);
        throw new AppError('not_implemented', 'Per-document summaries are not available in this version yet.');
      },
    },
  },
});
