import { counter, graphQLErrorResponse, type GraphQLAnswer, type Logger } from '@perceptiq/platform';
import type { OperationAnalysis } from './analyze-operation.js';
import type { GatewayContext } from './context.js';
import { enforceOperationPolicy, type OperationLimits } from './operation-policy.js';
import type { SubgraphClient } from './subgraph-client.js';

const CACHE_SIZE = 1_000;

/** How operations travel through the gateway (`fast`: straight to a subgraph; `apollo`: through Apollo Server, `planned` when the query planner ran). */
export const operationsByPath = () => counter('perceptiq_gateway_operations_total', 'GraphQL operations by the path they took through the gateway', ['path']);

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** An operation the fast path can answer, with this call's variables. */
export interface FastOperation {
  analysis: OperationAnalysis & { singleSubgraph: string };
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

/**
 * Operations that one subgraph answers alone and that Apollo Server has already parsed and
 * validated once are, from then on, sent straight to that subgraph: same authentication, same
 * scope, alias and cost policy (measured again for each request's variables when a list
 * size depends on them), but without a second GraphQL pipeline in front of the subgraph's own.
 * Everything else (first sight of an operation, introspection, operations spanning subgraphs, GET)
 * goes through Apollo Server and the query planner.
 */
export class GatewayFastPath {
  private readonly validated = new Map<string, OperationAnalysis & { singleSubgraph: string }>();

  constructor(
    private readonly client: SubgraphClient,
    private readonly limits: OperationLimits,
    private readonly logger: Logger,
  ) {}

  /** Called from the Apollo pipeline once an operation has passed validation and the policy. */
  remember(query: string, operationName: string | null | undefined, analysis: OperationAnalysis): void {
    if (!analysis.singleSubgraph) return;
    if (this.validated.size >= CACHE_SIZE) this.validated.delete(this.validated.keys().next().value!);
    this.validated.set(cacheKey(query, operationName), analysis as OperationAnalysis & { singleSubgraph: string });
  }

  /** The operation of a POSTed body if the fast path knows it, else undefined (Apollo's path). */
  lookup(body: unknown): FastOperation | undefined {
    const { query, operationName, variables, extensions } = (body ?? {}) as GraphQLBody;
    if (typeof query !== 'string' || extensions !== undefined) return undefined;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
    const analysis = this.validated.get(cacheKey(query, operationName));
    if (!analysis) return undefined;
    return { analysis, query, operationName: typeof operationName === 'string' ? operationName : null, variables: (variables ?? {}) as Record<string, unknown> };
  }

  /** Check the caller against the operation's policy, then let its subgraph answer. */
  async answer(op: FastOperation, ctx: GatewayContext): Promise<GraphQLAnswer> {
    try {
      enforceOperationPolicy(op.analysis, ctx.principal, op.analysis.measure(op.variables), this.limits);
      const answer = await this.client.send(op.analysis.singleSubgraph, ctx, { query: op.query, variables: op.variables, operationName: op.operationName });
      operationsByPath().inc({ path: 'fast' });
      // Status and body only: what a subgraph's HTTP answer carries through, whichever way it was reached.
      return { status: answer.status, body: answer.body };
    } catch (err) {
      return graphQLErrorResponse(err, this.logger);
    }
  }
}

const cacheKey = (query: string, operationName: unknown): string => `${typeof operationName === 'string' ? operationName : ''}\u0000${query}`;
