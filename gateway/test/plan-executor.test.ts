import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { compilePlan, executePlan } from '../src/plan-executor.js';
import type { GatewayContext } from '../src/context.js';

// Two small subgraphs in the shape of ours: one owns an entity and lists it, the other extends it.
const booksSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Query { books(first: Int): [Book!]!  book(id: ID!): Book  shelves: [[Book]!]! }
  type Book @key(fields: "id") { id: ID!  title: String!  author: Author }
  type Author @key(fields: "id") { id: ID! }
`;
const reviewsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Query { topReview: Review }
  type Book @key(fields: "id") { id: ID!  rating: Int  reviews: [Review!]! }
  type Author @key(fields: "id") { id: ID!  name: String! }
  type Review { body: String!  stars: Int! }
`;

const BOOKS = [
  { id: 'b1', title: 'Dune', author: { id: 'a1' } },
  { id: 'b2', title: 'Emma', author: null },
  { id: 'bad', title: 'Broken', author: { id: 'a2' } },
];
const coded = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

const booksSchema = buildSubgraphSchema({
  typeDefs: parse(booksSdl),
  resolvers: {
    Query: {
      books: (_: unknown, { first }: { first?: number }) => (first === undefined ? BOOKS : BOOKS.slice(0, first)),
      book: (_: unknown, { id }: { id: string }) => {
        if (id === 'boom') throw coded('The book store is closed.', 'unavailable');
        return BOOKS.find((b) => b.id === id) ?? null;
      },
      shelves: () => [[BOOKS[0], null], [], [BOOKS[1]]],
    },
    Book: { __resolveReference: (ref: { id: string }) => BOOKS.find((b) => b.id === ref.id) },
  } as never,
});
const reviewsSchema = buildSubgraphSchema({
  typeDefs: parse(reviewsSdl),
  resolvers: {
    Query: { topReview: () => ({ body: 'Great', stars: 5 }) },
    Book: {
      __resolveReference: (ref: { id: string }) => (ref.id === 'b2' ? null : ref),
      rating: (book: { id: string }) => {
        if (book.id === 'bad') throw coded('No rating for this book.', 'not_found');
        return book.id.length;
      },
      reviews: (book: { id: string }) => [{ body: `About ${book.id}`, stars: 4 }],
    },
    Author: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `Author ${ref.id}` }) },
  } as never,
});

/** A subgraph answering as over the wire: JSON errors, data as executed. */
const dataSource = (schema: GraphQLSchema): GraphQLDataSource<GatewayContext> => ({
  async process(options) {
    const { query, variables } = options.request;
    const result = await execute({ schema, document: parse(query!), variableValues: variables ?? {} });
    return JSON.parse(JSON.stringify(result)) as never;
  },
});
const services: ServiceMap = { books: dataSource(booksSchema), reviews: dataSource(reviewsSchema) };

const composed = composeServices([
  { name: 'books', url: 'http://books', typeDefs: parse(booksSdl) },
  { name: 'reviews', url: 'http://reviews', typeDefs: parse(reviewsSdl) },
]);
if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
const supergraph = Supergraph.build(composed.supergraphSdl);
const apiSchema = supergraph.apiSchema();
const apiGraphQLSchema = apiSchema.toGraphQLJSSchema();
const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
const planner = new QueryPlanner(supergraph);
const context = { principal: { type: 'public' }, requestId: 'test', ip: '127.0.0.1' } as GatewayContext;

/** Both executors on the same plan; errors compared as a caller sees them. */
async function bothWays(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const queryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document));
  const operationContext = buildOperationContext({ schema: apiGraphQLSchema, operationDocument: document, operationName: undefined });
  const compiled = compilePlan(queryPlan, operationContext, apiSchema, supergraphSchema);
  if (!compiled) throw new Error(`The plan for ${query} did not compile`);
  const requestContext = { request: { variables }, context, metrics: {}, logger: console } as never;
  const apollo = await executeQueryPlan(queryPlan, services, requestContext, operationContext, supergraphSchema, apiSchema);
  const ours = await executePlan(compiled, variables, context, services);
  const seen = (r: { data?: unknown; errors?: readonly GraphQLError[]; extensions?: unknown }) => ({
    data: JSON.parse(JSON.stringify(r.data ?? null)) as unknown,
    errors: (r.errors ?? []).map((e) => ({ message: e.message, path: e.path, code: e.extensions.code, service: e.extensions.serviceName })),
    extensions: r.extensions,
  });
  return { apollo: seen(apollo), ours: seen(ours) };
}

describe('executePlan answers as Apollo executor does', () => {
  const cases: Array<[string, string, Record<string, unknown>?]> = [
    ['a list of entities extended by another subgraph', '{ books { id title rating reviews { body stars } } }'],
    ['aliases, fragments and nested entities', 'query { all: books { ...B  author { name } } } fragment B on Book { t: title  r: rating }'],
    ['variables passed to the fetch that uses them', 'query($n: Int) { books(first: $n) { title rating } }', { n: 1 }],
    ['an entity field failing for one item (path into the list)', '{ books { id rating } }'],
    ['an entity the extending subgraph does not know (null)', '{ books { id reviews { stars } } }'],
    ['a root field failing', '{ book(id: "boom") { title rating } }'],
    ['a missing root object (no entity fetch)', '{ book(id: "nope") { title rating } }'],
    ['lists of lists with nulls', '{ shelves { title rating } }'],
    ['two root fields from two subgraphs in parallel', '{ books { title } topReview { body } }'],
    ['@include on a field from another subgraph', 'query($r: Boolean!) { books { title rating @include(if: $r) } }', { r: false }],
    ['@include on, same operation', 'query($r: Boolean!) { books { title rating @include(if: $r) } }', { r: true }],
    ['an empty list (no entity fetch at all)', '{ books(first: 0) { title rating } }'],
  ];
  // Rest parameters: a test function with more parameters than a case has values is taken for a `done` callback.
  it.each(cases)('%s', async (...[, query, variables]) => {
    const { apollo, ours } = await bothWays(query, variables);
    expect(ours).toEqual(apollo);
  });

  it('finds the failing item by its place in the answer', async () => {
    const { ours } = await bothWays('{ books { id rating } }');
    expect(ours.errors).toEqual([{ message: 'No rating for this book.', path: ['books', 2, 'rating'], code: 'not_found', service: 'reviews' }]);
    expect(ours.data).toEqual({ books: [{ id: 'b1', rating: 2 }, { id: 'b2', rating: null }, { id: 'bad', rating: null }] });
  });
});

describe('compilePlan', () => {
  it('compiles plans with entity fetches on plain keys', () => {
    const document = parse('{ books { title rating } }');
    const queryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document));
    const operationContext = buildOperationContext({ schema: apiGraphQLSchema, operationDocument: document, operationName: undefined });
    const compiled = compilePlan(queryPlan, operationContext, apiSchema, supergraphSchema);
    expect(compiled?.keys.size).toBe(1);
    expect([...compiled!.keys.values()]).toEqual([{ typename: 'Book', fields: ['__typename', 'id'] }]);
  });

  it('leaves a plan with rewrites to Apollo executor', () => {
    const document = parse('{ books { title rating } }');
    const queryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document));
    const operationContext = buildOperationContext({ schema: apiGraphQLSchema, operationDocument: document, operationName: undefined });
    const flatten = (queryPlan.node as { nodes: Array<{ node: { inputRewrites?: unknown[] } }> }).nodes[1]!;
    flatten.node.inputRewrites = [{ kind: 'ValueSetter', path: ['__typename'], setValueTo: 'Book' }];
    expect(compilePlan(queryPlan, operationContext, apiSchema, supergraphSchema)).toBeUndefined();
  });
});
