import { loadConfig } from '@perceptiq/platform';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { analyzeOperation } from '../src/analyze-operation.js';
import { readCommittedSupergraph } from '../src/compose.js';
import { gatewaySettings } from '../src/config.js';
import { depthLimit } from '../src/depth-limit.js';
import { measureOperation } from '../src/operation-cost.js';
import { indexSupergraph } from '../src/supergraph-index.js';
import { loadApiSchema } from './support/api-schema.js';

const committed = readCommittedSupergraph();
const index = indexSupergraph(committed);
const defaults = loadConfig({}, { gateway: gatewaySettings }).settings.gateway;
let schema: GraphQLSchema;
let stopGateway: () => Promise<void>;

beforeAll(async () => {
  ({ schema, stop: stopGateway } = await loadApiSchema(committed));
});
afterAll(() => stopGateway());

const measure = (query: string, variables: Record<string, unknown> = {}) => measureOperation(schema, index, parse(query), variables);

/** The REST adapter's read of one document with its words (rest-adapter/src/routes/documents.ts). */
const WORDS = 'pages { page text words { text bbox confidence } }';
const aliased = (n: number, selection: string) =>
  Array.from({ length: n }, (_, i) => `a${i}: document(id: "doc_${i}") { ${selection} }`).join(' ');

describe('operation cost', () => {
  it('prices a document read by its assumed page and word counts: one fits, forty aliases of it do not', () => {
    const one = measure(`{ document(id: "doc_1") { id text ${WORDS} } }`);
    // document 1 + text @cost 500 + 500 pages × (1 + 1000 words × 1)
    expect(one).toEqual({ cost: 1 + 500 + 500 * 1001, aliases: 0, varies: false });
    expect(one.cost).toBeLessThanOrEqual(defaults.maxCost);

    const forty = measure(`{ ${aliased(40, WORDS)} }`);
    expect(forty.aliases).toBe(40);
    expect(forty.aliases).toBeGreaterThan(defaults.maxAliases);
    expect(forty.cost).toBe(40 * (1 + 500 * 1001));
    // Within the alias limit, the cost still refuses a handful of whole documents.
    const few = measure(`{ ${aliased(3, WORDS)} }`);
    expect(few.aliases).toBeLessThanOrEqual(defaults.maxAliases);
    expect(few.cost).toBeGreaterThan(defaults.maxCost);
  });

  it('counts aliases and cost through fragments, each time a fragment is spread', () => {
    const spread = measure(`fragment W on Document { ${WORDS} } fragment A on Query { ${aliased(40, '...W')} } { ...A }`);
    expect(spread).toMatchObject({ aliases: 40, cost: 40 * (1 + 500 * 1001) });
    const twice = measure(`fragment P on Document { p1: pages { page } p2: pages { page } } { a: document(id: "1") { ...P } b: document(id: "2") { ...P } }`);
    expect(twice).toMatchObject({ aliases: 6, cost: 2 * (1 + 2 * 500) });
  });

  it('sizes a list by its limit argument, literal or variable, and remeasures only when a variable sets a size', () => {
    // DocumentPage 1 + limit × (Document 1 + 500 pages × 1)
    expect(measure('{ documents(limit: 10) { documents { id pages(words: false) { page } } nextCursor } }')).toMatchObject({ cost: 1 + 10 * 501, varies: false });
    expect(measure('{ documents { documents { id } } }').cost).toBe(1 + 100); // the argument's default
    const query = 'query($n: Int) { documents(limit: $n) { documents { id } } }';
    expect(measure(query, { n: 7 })).toMatchObject({ cost: 8, varies: true });
    const analysis = analyzeOperation(schema, index, parse(query), undefined);
    expect(analysis.measure({ n: 7 }).cost).toBe(8);
    expect(analysis.measure({ n: 5_000 }).cost).toBe(5_001);
    expect(analysis.measure({}).cost).toBe(101);
    // Nothing set by a variable: measured once.
    const fixed = analyzeOperation(schema, index, parse('query($id: ID!) { document(id: $id) { id } }'), undefined);
    expect(fixed.measure({ id: 'a' })).toBe(fixed.measure({ id: 'b' }));
  });

  it('refuses variables that do not fit the operation', () => {
    expect(() => measure('query($n: Int!) { documents(limit: $n) { nextCursor } }', {})).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('measures nested fragments once each: a fragment bomb takes linear time', () => {
    const levels = 40;
    const fragments = [`fragment F0 on Query { x: me { clientId } }`];
    for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const started = Date.now();
    const bomb = measure(`${fragments.join(' ')} { ...F${levels} }`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(bomb.aliases).toBe(2 ** levels);
    expect(bomb.cost).toBe(2 ** levels);
  });

  it('never follows a fragment cycle: the walk stops at it (validation has refused it before)', () => {
    expect(() => measure('fragment F on Query { me { clientId } ...F } { ...F }')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('counts introspection only by its aliases', () => {
    expect(measure('{ __schema { types { name fields { name type { name ofType { name } } } } } }')).toMatchObject({ cost: 0, aliases: 0 });
    expect(measure('{ a: __schema { types { name } } b: __schema { t: types { name } } }').aliases).toBe(3);
    expect(measure('{ me { clientId } }')).toMatchObject({ cost: 1, aliases: 0 });
  });
});

describe('depth limit', () => {
  const errors = (query: string) => validate(schema, parse(query), [...specifiedRules, depthLimit(3)]).map((e) => e.message);

  it('refuses nesting past the limit, through fragments too, introspection aside', () => {
    expect(errors('{ document(id: "1") { pages { words { text } } } }')).toEqual([]);
    expect(errors('query Deep { documents { documents { pages { words { text } } } } }')).toEqual(['Operation depth 4 exceeds the limit of 3.']);
    expect(errors('fragment P on Document { pages { words { text } } } { documents { documents { ...P } } }')).toEqual(['Operation depth 4 exceeds the limit of 3.']);
    expect(errors('{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });

  it('reports a cyclic fragment as graphql does, instead of overflowing the stack', () => {
    expect(errors('fragment F on Query { me { clientId } ...F } { ...F }')).toEqual(['Cannot spread fragment "F" within itself.']);
    expect(errors('fragment A on Query { me { clientId } ...B } fragment B on Query { ...A } { ...A }')).toEqual(['Cannot spread fragment "A" within itself via "B".']);
  });
});
