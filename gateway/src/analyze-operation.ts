import { AppError } from '@perceptiq/platform';
import {
  GraphQLError,
  isAbstractType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { SupergraphIndex } from './supergraph-index.js';

export interface OperationAnalysis {
  /** Every scope requirement of the selected fields (alternatives of all-of lists). */
  requirements: string[][][];
  /** The one subgraph that can answer the whole operation by itself, if there is one. */
  singleSubgraph: string | null;
  /** The operation's definitions (the selected operation and the fragments), for complexity. */
  relevant: DocumentNode;
  /** True when @skip/@include make the complexity depend on the request's variables. */
  conditional: boolean;
  /** Complexity, remembered after the first request when it cannot depend on variables. */
  complexity?: number;
}

/**
 * Look at an operation once (the result is cached per document): which scopes its fields need
 * and whether a single subgraph can resolve all of it.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  index: SupergraphIndex,
  document: DocumentNode,
  operationName: string | undefined,
): OperationAnalysis {
  const requirements: string[][][] = [];
  let candidates: Set<string> | null = null;
  let passThrough = true;
  let conditional = false;
  const typeInfo = new TypeInfo(schema);
  const relevant: DocumentNode = {
    ...document,
    definitions: document.definitions.filter(
      (d) =>
        d.kind === Kind.FRAGMENT_DEFINITION ||
        (d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName)),
    ),
  };
  visit(
    relevant,
    visitWithTypeInfo(typeInfo, {
      Directive(node) {
        if (node.name.value === 'skip' || node.name.value === 'include') conditional = true;
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (name === '__typename') return;
        if (!parent || name.startsWith('__') || isAbstractType(parent)) {
          passThrough = false;
          return;
        }
        const key = `${parent.name}.${name}`;
        const scopes = index.scopes.get(key);
        if (scopes) requirements.push(scopes);
        const graphs = index.resolvableIn.get(key);
        if (!graphs) {
          passThrough = false;
          return;
        }
        candidates = candidates ? new Set([...candidates].filter((g) => graphs.has(g))) : new Set(graphs);
      },
    }),
  );
  const remaining = candidates as Set<string> | null;
  const singleSubgraph = passThrough && remaining && remaining.size > 0 ? [...remaining].sort()[0]! : null;
  return { requirements, singleSubgraph, relevant, conditional };
}

/**
 * Every selected field costs 1; @skip/@include are evaluated with the request's variables (which
 * graphql-query-complexity coerces, so it needs the real ones even when nothing depends on them).
 */
export function operationComplexity(
  schema: GraphQLSchema,
  analysis: OperationAnalysis,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  try {
    return getComplexity({
      schema,
      query: analysis.relevant,
      ...(operationName ? { operationName } : {}),
      variables,
      estimators: [simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    // Variables that do not coerce (missing, wrong type) are the caller's mistake.
    if (err instanceof GraphQLError) throw new AppError('invalid_request', err.message);
    throw err;
  }
}

/** The first scope the caller lacks, or undefined when every requirement is met. */
export function missingScope(requirements: string[][][], granted: ReadonlySet<string>): string | undefined {
  for (const alternatives of requirements) {
    if (alternatives.some((all) => all.every((s) => granted.has(s)))) continue;
    const first = alternatives[0] ?? [];
    return first.find((s) => !granted.has(s)) ?? first[0];
  }
  return undefined;
}
