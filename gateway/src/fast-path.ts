import { counter, graphQLErrorResponse, type GraphQLAnswer, type Logger } from '@perceptiq/platform';
import type { OperationAnalysis } from './analyze-operation.js';
import type { GatewayContext } from './context.js';
import { enforceOperationPolicy, type OperationLimits } from './operation-policy.js';
import type { PlannedOperation, PlanRunner } from './plan-runner.js';
import type { SubgraphClient } from './subgraph-client.js';

const CACHE_SIZE = 1_000;

/**
 * How operations travel through the gateway (`fast`: straight to a subgraph; `plan`: a remembered
 * query plan run without Apollo Server; `apollo`: through Apollo Server, `planned` when the query
 * planner ran).
 */
export const operationsByPath = () => counter('perceptiq_gateway_operations_total', 'GraphQL operations by the path they took through the gateway', ['path']);

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** How the fast path answers an operation it knows: its one subgraph, or the plan made for it. */
type Route = { analysis: OperationAnalysis; subgraph: string; plan?: undefined } | { analysis: OperationAnalysis; plan: PlannedOperation; subgraph?: undefined };

/** An operation the fast path can answer, with this call's variables. */
export interface FastOperation {
  route: Route;
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

/**
 * Operations that Apollo Server has already parsed and validated once are, from then on, answered
 * without its pipeline: same authentication, same scope, alias and cost policy (measured again for
 * each request's variables when a list size depends on them). One that a single subgraph answers
 * alone goes straight to it, without a second GraphQL pipeline in front of the subgraph's own; one
 * that spans subgraphs runs the query plan made for it at first sight. Everything else (first
 * sight of an operation, introspection, GET, variables that do not fit) goes through Apollo Server.
 */
export class GatewayFastPath {
  private readonly validated = new Map<string, Route>();

  constructor(
    private readonly client: SubgraphClient,
    private readonly plans: PlanRunner,
    private readonly limits: OperationLimits,
    private readonly logger: Logger,
  ) {}

  /** Called from the Apollo pipeline once an operation one subgraph answers has passed validation and the policy. */
  remember(query: string, operationName: string | null | undefined, analysis: OperationAnalysis): void {
    if (analysis.singleSubgraph) this.keep(query, operationName, { analysis, subgraph: analysis.singleSubgraph });
  }

  /** Called by the gateway's executor once it has planned an operation that passed validation and the policy. */
  rememberPlan(query: string, operationName: string | null | undefined, analysis: OperationAnalysis, queryPlan: PlannedOperation['queryPlan'], operationContext: PlannedOperation['operationContext']): void {
    // A deferred or subscribed operation is answered in parts, and introspection by the gateway's own schema: Apollo Server does both.
    const kind = queryPlan.node?.kind;
    if (kind === 'Defer' || kind === 'Subscription' || analysis.singleSubgraph || analysis.introspective) return;
    this.keep(query, operationName, { analysis, plan: this.plans.prepare(queryPlan, operationContext) });
  }

  private keep(query: string, operationName: string | null | undefined, route: Route): void {
    if (this.validated.size >= CACHE_SIZE) this.validated.delete(this.validated.keys().next().value!);
    this.validated.set(cacheKey(query, operationName), route);
  }

  /** The operation of a POSTed body if the fast path knows it, else undefined (Apollo's path). */
  lookup(body: unknown): FastOperation | undefined {
    const { query, operationName, variables, extensions } = (body ?? {}) as GraphQLBody;
    if (typeof query !== 'string' || extensions !== undefined) return undefined;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
    const route = this.validated.get(cacheKey(query, operationName));
    if (!route) return undefined;
    return { route, query, operationName: typeof operationName === 'string' ? operationName : null, variables: (variables ?? {}) as Record<string, unknown> };
  }

  /**
   * Check the caller against the operation's policy, then let its subgraph or its plan answer;
   * undefined when the call is Apollo Server's to answer after all.
   */
  async answer(op: FastOperation, ctx: GatewayContext): Promise<GraphQLAnswer | undefined> {
    const { analysis, subgraph, plan } = op.route;
    try {
      enforceOperationPolicy(analysis, ctx.principal, analysis.measure(op.variables), this.limits);
      if (plan) {
        const answer = await this.plans.run(plan, op.variables, ctx);
        if (answer) operationsByPath().inc({ path: 'plan' });
        return answer;
      }
      const answer = await this.client.send(subgraph, ctx, { query: op.query, variables: op.variables, operationName: op.operationName });
      operationsByPath().inc({ path: 'fast' });
      // Status and body only: what a subgraph's HTTP answer carries through, whichever way it was reached.
      return { status: answer.status, body: answer.body };
    } catch (err) {
      return graphQLErrorResponse(err, this.logger);
    }
  }
}

const cacheKey = (query: string, operationName: unknown): string => `${typeof operationName === 'string' ? operationName : ''}\u0000${query}`;
