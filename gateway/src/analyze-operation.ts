import {
  isAbstractType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { measureOperation, type OperationMeasure } from './operation-cost.js';
import type { SupergraphIndex } from './supergraph-index.js';

export interface OperationAnalysis {
  /** Every scope requirement of the selected fields (alternatives of all-of lists). */
  requirements: string[][][];
  /** The one subgraph that can answer the whole operation by itself, if there is one. */
  singleSubgraph: string | null;
  /** Whether it selects schema introspection (`__schema`, `__type`), which the gateway answers itself. */
  introspective: boolean;
  /**
   * Aliases and cost of the operation for these variables: measured once and remembered
   * when no list size comes from a variable, else measured for each request.
   */
  measure(variables: Record<string, unknown>): OperationMeasure;
}

/**
 * Look at an operation once (the result is cached per document): which scopes its fields need,
 * whether a single subgraph can resolve all of it, and how much answering it would take.
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
  let introspective = false;
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
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (name === '__typename') return;
        if (name.startsWith('__')) introspective = true;
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
  let fixed: OperationMeasure | undefined;
  // Clients repeat the same few variable sets (a page size, a flag): each is measured once.
  const byVariables = new Map<string, OperationMeasure>();
  const measure = (variables: Record<string, unknown>): OperationMeasure => {
    if (fixed) return fixed;
    const key = JSON.stringify(variables);
    const known = byVariables.get(key);
    if (known) return known;
    const { varies, ...measured } = measureOperation(schema, index, relevant, variables);
    if (!varies) fixed = measured;
    else if (key.length <= MEASURED_KEY_MAX_LENGTH) {
      if (byVariables.size >= MEASURED_VARIABLE_SETS) byVariables.delete(byVariables.keys().next().value!);
      byVariables.set(key, measured);
    }
    return measured;
  };
  return { requirements, singleSubgraph, introspective, measure };
}

/** Variable sets whose measure is kept per operation, and the longest (as JSON) worth keeping. */
const MEASURED_VARIABLE_SETS = 64;
const MEASURED_KEY_MAX_LENGTH = 1_024;

/** The first scope the caller lacks, or undefined when every requirement is met. */
export function missingScope(requirements: string[][][], granted: ReadonlySet<string>): string | undefined {
  for (const alternatives of requirements) {
    if (alternatives.some((all) => all.every((s) => granted.has(s)))) continue;
    const first = alternatives[0] ?? [];
    return first.find((s) => !granted.has(s)) ?? first[0];
  }
  return undefined;
}
