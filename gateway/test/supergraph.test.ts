import { parse, type GraphQLSchema } from 'graphql';
import { analyzeOperation, missingScope } from '../src/analyze-operation.js';
import { composeSupergraph, readCommittedSupergraph } from '../src/compose.js';
import { indexSupergraph, withoutSecurityFeatures } from '../src/supergraph-index.js';
import { loadApiSchema } from './support/api-schema.js';

const committed = readCommittedSupergraph();
const index = indexSupergraph(committed);
let schema: GraphQLSchema;
let stopGateway: () => Promise<void>;

beforeAll(async () => {
  ({ schema, stop: stopGateway } = await loadApiSchema(committed));
});
afterAll(() => stopGateway());

describe('supergraph', () => {
  it('composes from the subgraph SDL files, and the committed gateway/supergraph.graphql is current', () => {
    const fresh = composeSupergraph();
    // A mismatch means an SDL file changed without `npm run compose`.
    expect(committed).toBe(fresh);
  });

  it('keeps @requiresScopes for every scoped root field', () => {
    expect(index.scopes.get('Query.documents')).toEqual([['documents']]);
    expect(index.scopes.get('Query.summary')).toEqual([['summary']]);
    expect(index.scopes.get('Query.templates')).toEqual([['templates']]);
    expect(index.scopes.get('Query.me')).toBeUndefined();
  });

  it('knows which subgraph resolves each field', () => {
    expect([...index.resolvableIn.get('Query.me')!]).toEqual(['access']);
    expect([...index.resolvableIn.get('Query.summary')!]).toEqual(['qa']);
    expect(index.subgraphs.sort()).toEqual(['access', 'analytics', 'ingest', 'qa', 'templates']);
  });

  it('carries the cost directives of the subgraph SDL into the supergraph', () => {
    expect(index.listSizes.get('Query.documents')).toEqual({ slicingArguments: ['limit'], sizedFields: ['documents'] });
    expect(index.listSizes.get('Document.pages')).toEqual({ assumedSize: 500 });
    expect(index.listSizes.get('Page.words')).toEqual({ assumedSize: 1000 });
    expect(index.costs.get('Document.text')).toBe(500);
  });

  it('strips only the security feature the Node gateway refuses', () => {
    const stripped = withoutSecurityFeatures(committed);
    expect(stripped).not.toMatch(/requiresScopes/);
    expect(stripped).toMatch(/@join__field\(graph: INGEST\)/);
    expect(schema.getQueryType()?.getFields().documents).toBeDefined();
  });
});

describe('analyzeOperation', () => {
  const analyze = (q: string, op?: string) => analyzeOperation(schema, index, parse(q), op);

  it('sends a single-subgraph operation straight to that subgraph', () => {
    expect(analyze('{ me { clientId tier } }').singleSubgraph).toBe('access');
    expect(analyze('query { documents { documents { id filename } nextCursor } }').singleSubgraph).toBe('ingest');
  });

  it('leaves operations spanning subgraphs, and introspection, to the query planner', () => {
    expect(analyze('{ me { clientId } summary { totalDocuments } }').singleSubgraph).toBeNull();
    expect(analyze('{ __schema { queryType { name } } }').singleSubgraph).toBeNull();
  });

  it('collects the scopes of fields reached through fragments, and only for the selected operation', () => {
    const q = 'query A { ...F } query B { me { clientId } } fragment F on Query { summary { totalDocuments } }';
    expect(analyze(q, 'A').requirements).toEqual([[['summary']]]);
    expect(analyze('query B { me { clientId } } query C { templates { name } }', 'B').requirements).toEqual([]);
  });
});

describe('missingScope', () => {
  it('names the first scope a caller lacks, honouring alternatives', () => {
    expect(missingScope([[['documents']]], new Set(['documents']))).toBeUndefined();
    expect(missingScope([[['documents']], [['compare']]], new Set(['documents']))).toBe('compare');
    expect(missingScope([[['a', 'b'], ['c']]], new Set(['c']))).toBeUndefined();
    expect(missingScope([[['a', 'b'], ['c']]], new Set(['a']))).toBe('b');
  });
});
