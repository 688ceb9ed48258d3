import type { ServiceMap } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { evaluateCondition, type FetchNode, type PlanNode, type QueryPlan, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { GraphQLError, GraphQLObjectType, Kind, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from './context.js';

type Path = Array<string | number>;
type Json = Record<string, unknown>;
type OperationContext = { operation: import('graphql').OperationDefinitionNode; fragments: Record<string, import('graphql').FragmentDefinitionNode> };

/** An entity fetch's representation: its type and the plain key fields the planner asks for. */
interface EntityKey {
  typename: string;
  fields: string[];
}

/**
 * A query plan ready to run again and again: what Apollo's executor derives from the operation on
 * every call (its federation form, used to shape the answer) is derived here once.
 */
export interface CompiledPlan {
  root: PlanNode | undefined;
  operation: Operation;
  keys: Map<FetchNode, EntityKey>;
}

/** A value found under a plan's path, with where it lies in the answer (for error paths). */
interface Located {
  value: Json;
  path: Path;
}

interface Run {
  plan: CompiledPlan;
  variables: Record<string, unknown>;
  context: GatewayContext;
  services: ServiceMap;
  errors: GraphQLError[];
}

/**
 * The plans this executor runs: sequences, parallels, flattens, conditions and fetches, where an
 * entity fetch asks for plain key fields of one object type. Anything else a planner may produce
 * (rewrites for interface objects or `@fromContext`, composite keys, `@defer`) is undefined here
 * and stays with Apollo's own executor.
 */
export function compilePlan(queryPlan: QueryPlan, operationContext: OperationContext, apiSchema: Schema, supergraphSchema: GraphQLSchema): CompiledPlan | undefined {
  const keys = new Map<FetchNode, EntityKey>();
  const supported = (node: PlanNode | undefined): boolean => {
    if (!node) return true;
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        return node.nodes.every(supported);
      case 'Flatten':
        return node.path.every((p) => typeof p === 'string') && supported(node.node);
      case 'Condition':
        return supported(node.ifClause) && supported(node.elseClause);
      case 'Fetch': {
        if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length || node.hasDefers) return false;
        if (!node.requires) return true;
        const key = entityKey(node.requires, supergraphSchema);
        if (key) keys.set(node, key);
        return key !== undefined;
      }
      default:
        return false;
    }
  };
  const root = queryPlan.node;
  if (root?.kind === 'Subscription' || !supported(root)) return undefined;
  const document = { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...Object.values(operationContext.fragments)] } as const;
  return { root, operation: operationFromDocument(apiSchema, document, { validate: false }), keys };
}

/** `... on Type { __typename id }`: an object type and its plain fields, or undefined for anything richer. */
function entityKey(requires: QueryPlanSelectionNode[], schema: GraphQLSchema): EntityKey | undefined {
  const [fragment, ...others] = requires;
  if (others.length || fragment?.kind !== 'InlineFragment' || !fragment.typeCondition) return undefined;
  if (!(schema.getType(fragment.typeCondition) instanceof GraphQLObjectType)) return undefined;
  const fields: string[] = [];
  for (const s of fragment.selections) {
    if (s.kind !== 'Field' || s.alias || s.selections) return undefined;
    fields.push(s.name);
  }
  return { typename: fragment.typeCondition, fields };
}

/**
 * Runs a compiled plan as Apollo's executor would: the same fetches with the same variables and
 * representations through the same data sources, answers merged the same way, subgraph errors
 * given the path they have in the whole answer, then the answer shaped by Apollo's own
 * `computeResponse` to exactly the operation's selections.
 */
export async function executePlan(
  plan: CompiledPlan,
  variables: Record<string, unknown>,
  context: GatewayContext,
  services: ServiceMap,
): Promise<{ data: Json | null | undefined; errors: GraphQLError[]; extensions?: Json }> {
  const run: Run = { plan, variables, context, services, errors: [] };
  const data: Json = Object.create(null);
  if (plan.root) await execute(run, plan.root, [{ value: data, path: [] }], []);
  const shaped = computeResponse({
    operation: plan.operation,
    variables,
    input: data,
    // Introspection never reaches a compiled plan: the policy sends such operations to Apollo Server.
    introspectionHandling: () => null,
  });
  if (run.errors.length === 0 && shaped.errors.length > 0) return { data: shaped.data, errors: [], extensions: { valueCompletion: shaped.errors } };
  return { data: shaped.data, errors: run.errors };
}

async function execute(run: Run, node: PlanNode, at: Located[], path: Path): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await execute(run, child, at, path);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => execute(run, child, at, path)));
      return;
    case 'Flatten':
      return execute(run, node.node, flatten(at, node.path as string[]), path.concat(node.path));
    case 'Condition': {
      const branch = evaluateCondition(node, run.plan.operation.variableDefinitions, run.variables) ? node.ifClause : node.elseClause;
      if (branch) await execute(run, branch, at, path);
      return;
    }
    case 'Fetch':
      try {
        await fetch(run, node, at, path);
      } catch (err) {
        run.errors.push(err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err instanceof Error ? err : undefined }));
      }
      return;
    default:
      throw new Error(`A compiled plan holds a ${node.kind} node.`);
  }
}

/** The objects under `path` ("@" steps into every item of a list), skipping nulls. */
function flatten(at: Located[], path: string[]): Located[] {
  let current = at as Array<{ value: unknown; path: Path }>;
  for (const step of path) {
    const next: Array<{ value: unknown; path: Path }> = [];
    for (const { value, path: where } of current) {
      if (value === null || value === undefined) continue;
      if (step === '@') {
        if (Array.isArray(value)) value.forEach((item, i) => next.push({ value: item, path: [...where, i] }));
      } else if (!Array.isArray(value) && Object.hasOwn(value as Json, step)) {
        next.push({ value: (value as Json)[step], path: [...where, step] });
      }
    }
    current = next;
  }
  // A list reached at the end of a path is stepped into as well, as Apollo's executor does.
  return current.flatMap((c) => (Array.isArray(c.value) ? c.value.map((item, i) => ({ value: item, path: [...c.path, i] })) : [c])).filter(
    (c): c is Located => c.value !== null && c.value !== undefined,
  );
}

/** `path`: the plan's path to `at`, "@" for each list, which an error of a fetch without keys is placed under. */
async function fetch(run: Run, node: FetchNode, at: Located[], path: Path): Promise<void> {
  if (at.length === 0) return;
  const service = run.services[node.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${node.serviceName}"`);
  const variables: Json = Object.create(null);
  for (const name of node.variableUsages ?? []) {
    if (Object.hasOwn(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
  }
  const key = run.plan.keys.get(node);
  if (!key) {
    const received = await send(run, node, variables, (errorPath) => [...path, ...errorPath]);
    for (const target of at) deepMerge(target.value, received);
    return;
  }
  const representations: Json[] = [];
  const targets: Located[] = [];
  for (const target of at) {
    const representation = representationOf(target.value, key);
    if (representation) {
      representations.push(representation);
      targets.push(target);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  const received = await send(run, node, { ...variables, representations }, (errorPath) => {
    const index = errorPath[1];
    return typeof index === 'number' && targets[index] ? [...targets[index].path, ...errorPath.slice(2)] : errorPath;
  });
  if (!received) return;
  const entities = received._entities;
  if (!Array.isArray(entities)) throw new Error('Expected "data._entities" in response to be an array');
  if (entities.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  entities.forEach((entity: Json | null, i) => {
    if (entity && !entity.__typename) entity.__typename = key.typename;
    deepMerge(targets[i]!.value, entity);
  });
}

function representationOf(entity: Json, key: EntityKey): Json | undefined {
  if (entity.__typename !== key.typename) return undefined;
  const representation: Json = Object.create(null);
  for (const field of key.fields) {
    if (!Object.hasOwn(entity, field) || entity[field] === undefined) return undefined;
    representation[field] = entity[field];
  }
  return representation;
}

/** One fetch; its errors are kept, with their path in the whole answer; its data is returned. */
async function send(run: Run, node: FetchNode, variables: Json, pathOf: (errorPath: Path) => Path): Promise<Json | null | undefined> {
  // As Apollo's executor calls a data source, less the request context that ours do not read.
  const response = await run.services[node.serviceName]!.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: node.operation, variables, operationName: node.operationName },
    incomingRequestContext: undefined as never,
    context: run.context,
    document: node.operationDocumentNode,
  });
  for (const error of response.errors ?? []) {
    const { message, extensions, path } = error as { message?: string; extensions?: Json; path?: Path };
    run.errors.push(
      new GraphQLError(message || `Error while fetching subquery from service "${node.serviceName}"`, {
        path: path ? pathOf(path) : undefined,
        extensions: { ...extensions, code: extensions?.code ?? 'DOWNSTREAM_SERVICE_ERROR', serviceName: node.serviceName },
      }),
    );
  }
  return response.data as Json | null | undefined;
}

/** Apollo's merge of a fetch's answer into what is already there: objects key by key, lists of the same length item by item. */
function deepMerge(target: Json, source: Json | null | undefined): void {
  if (source === null || source === undefined) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const existing = target[key];
    if (existing && isObject(value)) deepMerge(existing as Json, value);
    else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      value.forEach((item, i) => {
        if (isObject(existing[i]) && isObject(item)) deepMerge(existing[i] as Json, item);
        else existing[i] = item;
      });
    } else target[key] = value;
  }
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
