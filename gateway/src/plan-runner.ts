import { executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import { formatExecutionErrors, formatGraphQLError, type GraphQLAnswer, type Logger } from '@perceptiq/platform';
import { getVariableValues } from 'graphql';
import type { GatewayContext } from './context.js';
import { compilePlan, executePlan, type CompiledPlan } from './plan-executor.js';

type QueryPlan = Parameters<typeof executeQueryPlan>[0];
type OperationContext = Parameters<typeof executeQueryPlan>[3];
type RequestContext = Parameters<typeof executeQueryPlan>[2];

/** What the query planner made of one operation: it depends on the operation's text alone, never on a call. */
export interface PlannedOperation {
  queryPlan: QueryPlan;
  operationContext: OperationContext;
  /** The same plan, compiled for `executePlan`; absent when it holds what only Apollo's executor runs. */
  compiled?: CompiledPlan;
}

/**
 * Runs an operation's remembered query plan without Apollo Server's per-call work around it
 * (parsing, validation, query hashing and plan lookup, the plugin hooks, and an answer serialized
 * to a string that a caller in this process parses again): with `executePlan` when the plan
 * compiles, else with Apollo's own executor. Fetches go through the same data sources (signed
 * context, timeout, size cap); errors are formatted, and set the status, as Apollo Server does.
 */
export class PlanRunner {
  private readonly supergraphSchema: Parameters<typeof executeQueryPlan>[4];
  private readonly apiSchema: Parameters<typeof executeQueryPlan>[5];
  private readonly formatError: ReturnType<typeof formatGraphQLError>;

  constructor(
    supergraphSdl: string,
    private readonly serviceMap: ServiceMap,
    private readonly logger: Logger,
  ) {
    // As ApolloGateway builds them from the same SDL.
    const supergraph = Supergraph.build(supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.apiSchema = supergraph.apiSchema();
    this.formatError = formatGraphQLError(logger);
  }

  /** The plan as the runner keeps it: compiled once, here, when it can be. */
  prepare(queryPlan: QueryPlan, operationContext: OperationContext): PlannedOperation {
    const compiled = compilePlan(queryPlan, operationContext, this.apiSchema, this.supergraphSchema);
    return { queryPlan, operationContext, ...(compiled ? { compiled } : {}) };
  }

  /**
   * The answer, or undefined when these variables do not fit the operation: Apollo's pipeline
   * then answers the call, with its own wording of the refusal.
   */
  async run(plan: PlannedOperation, variables: Record<string, unknown>, context: GatewayContext): Promise<GraphQLAnswer | undefined> {
    const definitions = plan.operationContext.operation.variableDefinitions;
    if (definitions?.length && getVariableValues(plan.operationContext.schema, definitions, variables).errors) return undefined;
    const result = plan.compiled ? await executePlan(plan.compiled, variables, context, this.serviceMap) : await this.viaApollo(plan, variables, context);
    const formatted = result.errors?.length ? formatExecutionErrors(result.errors, this.formatError, 200) : undefined;
    const body = {
      ...(formatted ? { errors: formatted.errors } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.extensions ? { extensions: result.extensions } : {}),
    };
    return formatted ? { status: formatted.status, headers: formatted.headers, body } : { status: 200, body };
  }

  private viaApollo(plan: PlannedOperation, variables: Record<string, unknown>, context: GatewayContext) {
    // What the executor reads of a request context: the variables, the context for the data sources,
    // a logger and a metrics record (it notes the paths of subgraph errors there).
    const requestContext = { request: { variables }, context, logger: this.logger, metrics: {} } as unknown as RequestContext;
    return executeQueryPlan(plan.queryPlan, this.serviceMap, requestContext, plan.operationContext, this.supergraphSchema, this.apiSchema);
  }
}
