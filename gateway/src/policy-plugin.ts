import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { graphQLErrorResponse, isAppError, toGraphQLError, type Logger } from '@perceptiq/platform';
import { print, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { analyzeOperation, type OperationAnalysis } from './analyze-operation.js';
import type { GatewayContext } from './context.js';
import { operationsByPath, type GatewayFastPath } from './fast-path.js';
import { enforceOperationPolicy, type OperationLimits } from './operation-policy.js';
import type { SubgraphClient } from './subgraph-client.js';
import type { SupergraphIndex } from './supergraph-index.js';

const ANALYSIS_CACHE_SIZE = 1_000;

export interface PolicyPluginOptions {
  index: SupergraphIndex;
  limits: OperationLimits;
  subgraphs: SubgraphClient;
  logger: Logger;
  /** Absent when pass-through is off (`GATEWAY_PASSTHROUGH=false`): every operation takes the stock executor. */
  fastPath?: GatewayFastPath;
}

/**
 * The gateway's checks inside Apollo Server's pipeline, once an operation is parsed and validated:
 * scopes, aliases and cost before anything runs (analyses kept per operation); then, for an
 * operation one subgraph answers alone, its answer straight from that subgraph (the query
 * planner's executor is skipped), and the operation is remembered for the fast path.
 */
export function policyPlugin(options: PolicyPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { index, limits, subgraphs, logger, fastPath } = options;
  const analyses = new Map<string, OperationAnalysis>();
  const analyze = (schema: GraphQLSchema, rc: { queryHash: string; operationName: string | null; document: Parameters<typeof analyzeOperation>[2] }) => {
    const cacheKey = `${rc.queryHash}:${rc.operationName ?? ''}`;
    let analysis = analyses.get(cacheKey);
    if (!analysis) {
      analysis = analyzeOperation(schema, index, rc.document, rc.operationName ?? undefined);
      if (analyses.size >= ANALYSIS_CACHE_SIZE) analyses.delete(analyses.keys().next().value!);
      analyses.set(cacheKey, analysis);
    }
    return analysis;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const analysis = analyze(rc.schema, rc);
          rc.contextValue.analysis = analysis;
          try {
            enforceOperationPolicy(analysis, rc.contextValue.principal, analysis.measure(rc.request.variables ?? {}), limits);
          } catch (err) {
            throw isAppError(err) ? toGraphQLError(err) : err;
          }
          if (rc.request.query) fastPath?.remember(rc.request.query, rc.request.operationName, analysis);
        },
        async responseForOperation(rc) {
          const target = rc.contextValue.analysis?.singleSubgraph;
          if (!fastPath || !target || rc.operation.operation === 'subscription') {
            operationsByPath().inc({ path: 'planned' });
            return null;
          }
          operationsByPath().inc({ path: 'apollo' });
          const res = await subgraphs
            .send(target, rc.contextValue, { query: rc.request.query ?? print(rc.document), variables: rc.request.variables ?? {}, operationName: rc.request.operationName })
            // Status and body only, as over HTTP; the headers of our own refusals below.
            .then((answer) => ({ status: answer.status, body: answer.body, headers: {} }))
            .catch((err: unknown) => {
              // Answered, not thrown: Apollo turns anything thrown here into a bare 500.
              if (!isAppError(err)) throw err;
              return graphQLErrorResponse(err, logger);
            });
          const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
          return {
            // The subgraph's status, as the fast path answers it (e.g. an upload refused whole before anything ran).
            http: { status: res.status, headers: new HeaderMap(Object.entries(res.headers ?? {})) },
            body: { kind: 'single', singleResult: { data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) } },
          };
        },
      };
    },
  };
}
