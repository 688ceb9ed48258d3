/**
 * The REST adapter's route table against the gateway it calls, through both packages' public
 * exports only: every GraphQL operation a route sends is valid against the API schema of the
 * committed supergraph, receives exactly the variables it declares (of the declared types) from
 * the route's own validated input, and passes the gateway's default limits (depth, aliases, cost)
 * at the largest input the route accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCOPES, SERVICE_NAMES } from '@perceptiq/contracts';
import { createGatewayApp, gatewaySettings, readCommittedSupergraph } from '@perceptiq/gateway';
import {
  createLogger,
  createMemoryBus,
  Lifecycle,
  loadConfig,
  openStore,
  randomUrlSafe,
  type GraphQLEndpoint,
  type Principal,
} from '@perceptiq/platform';
import { ROUTES, type RouteDef } from '@perceptiq/rest-adapter';
import { getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';

type Json = Record<string, any>;

/**
 * One string for every string field: it is also a valid email, since the `email` fields are a
 * string piped into `z.email()`, which the input side's JSON Schema does not show.
 */
const STRING = 'partner@example.com';

/**
 * A value the JSON Schema accepts, with every optional property set (so every variable a route
 * can send is sent) and numbers at their maximum (so lists are sized at their largest).
 */
function sample(schema: Json, defs: Json = {}): unknown {
  const $defs = { ...defs, ...(schema.$defs ?? {}) };
  if (schema.$ref) return sample($defs[String(schema.$ref).replace('#/$defs/', '')], $defs);
  if (schema.anyOf) return sample(schema.anyOf[0], $defs);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Json>).map(([key, value]) => [key, sample(value, $defs)]));
    case 'array':
      if (schema.prefixItems) return (schema.prefixItems as Json[]).map((item) => sample(item, $defs));
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, $defs));
    case 'string':
      return STRING.slice(0, schema.maxLength ?? STRING.length);
    case 'integer':
    case 'number':
      return schema.maximum ?? schema.minimum ?? 1;
    case 'boolean':
      return true;
  }
  // `{}`: any value (a batch item is checked on its own, later).
  if (Object.keys(schema).filter((k) => k !== 'description').length === 0) return STRING;
  throw new Error(`no sample value for the JSON Schema ${JSON.stringify(schema)}`);
}

const sampleOf = (schema: z.ZodType): Json => sample(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) as Json;

/** The route's input as its handler gets it: sampled request parts, validated by the route's own schemas (query values as strings, as Express gives them). */
function inputOf(route: RouteDef) {
  const query = route.query ? Object.fromEntries(Object.entries(sampleOf(route.query)).map(([key, value]) => [key, String(value)])) : {};
  return {
    params: route.params ? route.params.parse(sampleOf(route.params)) : {},
    query: route.query ? route.query.parse(query) : {},
    body: route.body ? (bodyOf(route.body, route.example?.body) as Record<string, unknown>) : {},
  };
}

/** Every optional field set, or, for a body that takes one field or another (tagging: text or doc_id), the route's own example. */
function bodyOf(schema: z.ZodType, example: unknown): unknown {
  const full = schema.safeParse(sampleOf(schema));
  return full.success ? full.data : schema.parse(example);
}

/** Who the REST adapter sends each kind of route as; a key holding every scope, since scopes are checked elsewhere (scopes e2e). */
const PRINCIPALS: Record<RouteDef['auth'], Principal> = {
  key: { type: 'client', client: { client_id: 'cli_contract', company: 'Contract Inc', tier: 'enterprise', scopes: [...SCOPES], rate_limit_rpm: 60 } },
  admin: { type: 'admin' },
  public: { type: 'public' },
};

const OPERATIONS = ROUTES.flatMap((route) => {
  if (route.action.kind !== 'graphql') return [];
  const document = parse(route.action.document);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return [{ id: route.operationId, route, action: route.action, document, operations }];
});

/**
 * The API schema partners see: the committed supergraph without its join and security metadata.
 * Built with the router's feature set, which knows `requiresScopes` (the Node gateway refuses the
 * supergraph unless it strips those itself).
 */
const apiSchema = Supergraph.build(readCommittedSupergraph(), { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES }).apiSchema().toGraphQLJSSchema();

it('covers the GraphQL routes of the table (an empty or renamed table cannot pass)', () => {
  expect(OPERATIONS.map((o) => o.id)).toEqual(expect.arrayContaining(['requestAccess', 'enableAccess', 'listDocuments', 'getDocument', 'getSummary']));
});

describe.each(OPERATIONS.map((o) => [o.id, o] as const))('%s', (_id, { route, action, document, operations }) => {
  it('is one operation, valid against the supergraph API schema', () => {
    expect(operations).toHaveLength(1);
    expect(validate(apiSchema, document).map((e) => e.message)).toEqual([]);
  });

  it("gets every variable it declares, and no other, of the declared types, from the route's validated input", () => {
    const variables = action.variables(inputOf(route));
    const declared = (operations[0]!.variableDefinitions ?? []).map((v) => v.variable.name.value);
    expect(Object.keys(variables).sort()).toEqual([...declared].sort());
    // With every input field set, an unset variable is one the route never fills.
    expect(declared.filter((name) => variables[name] === undefined)).toEqual([]);
    const coerced = getVariableValues(apiSchema, operations[0]!.variableDefinitions ?? [], variables);
    expect((coerced.errors ?? []).map((e) => e.message)).toEqual([]);
  });
});

describe("the gateway's default limits", () => {
  /** Subgraphs called so far: only an operation the gateway let through gets to one. */
  const reached: string[] = [];
  let dir: string;
  let lifecycle: Lifecycle;
  let gateway: GraphQLEndpoint;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perceptiq-contract-'));
    const config = loadConfig({}, { gateway: gatewaySettings });
    const logger = createLogger({ level: 'silent', name: 'contract' });
    lifecycle = new Lifecycle(logger, 5_000);
    const store = await openStore({ dataDir: dir, service: 'gateway' });
    lifecycle.onStop('store', () => store.close());
    const bus = createMemoryBus({ store, requestTimeoutMs: 2_000 });
    lifecycle.onStop('bus', () => bus.close());
    // Every subgraph answers without data: what is checked here is that the call got this far.
    const subgraph = (name: string): GraphQLEndpoint => async () => {
      reached.push(name);
      return { status: 200, body: { data: null } };
    };
    const { engine } = await createGatewayApp({
      config,
      settings: config.settings.gateway,
      secrets: { adminToken: randomUrlSafe(48), keySecret: randomUrlSafe(48), contextSecret: randomUrlSafe(48), adminTokenGenerated: false },
      bus,
      logger,
      lifecycle,
      localSubgraphs: Object.fromEntries(SERVICE_NAMES.map((name) => [name, subgraph(name)])),
    });
    gateway = engine.handle;
  });
  afterAll(async () => {
    await lifecycle?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(OPERATIONS.map((o) => [o.id, o] as const))('let %s through at its largest input', async (id, { route, action }) => {
    const before = reached.length;
    // As the REST adapter in the same process calls it: the caller it authenticated, handed over.
    const answer = await gateway({
      headers: { 'x-request-id': `req_${id}` },
      caller: { principal: PRINCIPALS[route.auth], request_id: `req_${id}`, ip: '127.0.0.1' },
      body: { query: action.document, variables: action.variables(inputOf(route)) },
    });
    const errors = ((answer.body as { errors?: Array<{ message: string; extensions?: { code?: string } }> }).errors ?? []).map((e) => `${e.extensions?.code}: ${e.message}`);
    expect({ id, reachedSubgraph: reached.length > before, errors: reached.length > before ? [] : errors }).toEqual({ id, reachedSubgraph: true, errors: [] });
  });
});
