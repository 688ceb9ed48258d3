import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  AppError,
  ContextSigner,
  EdgeAuthenticator,
  createBaseApp,
  formatGraphQLError,
  isAppError,
  listen,
  postJson,
  toGraphQLError,
  type Bus,
  type Config,
  type Lifecycle,
  type Listening,
  type Logger,
  type Secrets,
  UsageRecorder,
} from '@perceptiq/platform';
import express, { type Express } from 'express';
import depthLimit from 'graphql-depth-limit';
import { print, type GraphQLFormattedError } from 'graphql';
import { analyzeOperation, missingScope, operationComplexity, type OperationAnalysis } from './analyze-operation.js';
import { readCommittedSupergraph } from './compose.js';
import { authenticate, type GatewayContext } from './context.js';
import { SignedContextDataSource } from './signed-data-source.js';
import { indexSupergraph, withoutSecurityFeatures, type SupergraphIndex } from './supergraph-index.js';

export interface GatewayDeps {
  config: Config;
  secrets: Secrets;
  bus: Bus;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Defaults to the committed `gateway/supergraph.graphql`. */
  supergraphSdl?: string;
}

const ANALYSIS_CACHE_SIZE = 1_000;

// A self-hosted gateway must not phone home: @apollo/gateway otherwise reports usage to Apollo
// and probes cloud metadata endpoints at start-up. An operator can still opt in explicitly.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

/**
 * The federated gateway: Apollo Gateway over a static supergraph, plus what the Node gateway
 * lacks — authentication, per-field scopes, depth and complexity limits, masked errors, a signed
 * client context to subgraphs — and a pass-through for operations one subgraph can answer alone
 * (most of them), which skips the query planner's executor (see bench/RESULTS.md).
 */
export async function createGatewayApp(deps: GatewayDeps): Promise<Express> {
  const { config, secrets, bus, logger, lifecycle } = deps;
  const supergraphSdl = deps.supergraphSdl ?? readCommittedSupergraph();
  const index = indexSupergraph(supergraphSdl);
  const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000);
  const auth = new EdgeAuthenticator(bus, secrets.keySecret);
  const urlOf = (name: string): string => {
    const service = config.services[name as keyof Config['services']];
    if (!service) throw new Error(`Supergraph names an unknown subgraph "${name}"`);
    return service.url;
  };

  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(supergraphSdl),
    buildService: ({ name }) => new SignedContextDataSource(urlOf(name), signer),
    logger,
  });
  const analyses = new Map<string, OperationAnalysis>();

  const limits: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const cacheKey = `${rc.queryHash}:${rc.operationName ?? ''}`;
          let analysis = analyses.get(cacheKey);
          if (!analysis) {
            analysis = analyzeOperation(rc.schema, index, rc.document, rc.operationName ?? undefined);
            if (analyses.size >= ANALYSIS_CACHE_SIZE) analyses.delete(analyses.keys().next().value!);
            analyses.set(cacheKey, analysis);
          }
          rc.contextValue.analysis = analysis;
          const principal = rc.contextValue.principal;
          const granted = new Set<string>(principal.type === 'client' ? principal.client.scopes : []);
          const missing = missingScope(analysis.requirements, granted);
          if (missing) {
            throw toGraphQLError(
              new AppError('insufficient_scope', `This operation needs the "${missing}" scope.`, { required_scope: missing }),
            );
          }
          const complexity =
            analysis.complexity ?? operationComplexity(rc.schema, analysis, rc.operationName ?? undefined, rc.request.variables ?? {});
          if (!analysis.conditional) analysis.complexity = complexity;
          if (complexity > config.gateway.maxComplexity) {
            throw toGraphQLError(
              new AppError('invalid_request', `Operation complexity ${complexity} exceeds the limit of ${config.gateway.maxComplexity}.`, {
                complexity,
                limit: config.gateway.maxComplexity,
              }),
            );
          }
        },
        async responseForOperation(rc) {
          const target = rc.contextValue.analysis?.singleSubgraph;
          if (!config.gateway.passthrough || !target || rc.operation.operation === 'subscription') return null;
          const ctx = rc.contextValue;
          const headers = {
            ...signer.sign({ principal: ctx.principal, request_id: ctx.requestId, ip: ctx.ip }),
            'x-request-id': ctx.requestId,
          };
          const res = await postJson(
            urlOf(target),
            { query: rc.request.query ?? print(rc.document), variables: rc.request.variables ?? {}, operationName: rc.request.operationName },
            headers,
            config.bus.requestTimeoutMs,
          );
          const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) } },
          };
        },
      };
    },
  };

  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGraphQLError(logger),
    plugins: [limits],
    validationRules: [depthLimit(config.gateway.maxDepth)],
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    logger,
    // The process's Lifecycle owns SIGTERM: Apollo re-raising the signal would cut the graceful stop short.
    stopOnTerminationSignals: false,
  });
  await server.start();
  lifecycle.onStop('gateway apollo', () => server.stop());

  const app = createBaseApp({ component: 'gateway', logger, lifecycle, readiness: () => bus.ping() });
  const usage = new UsageRecorder(bus, logger, lifecycle);
  const graphql = expressMiddleware(server, {
    context: async ({ req, res }) => {
      try {
        return await authenticate(req, res, signer, auth, (clientId) => res.on('finish', () => usage.record(clientId, 'graphql', res.statusCode)));
      } catch (err) {
        if (isAppError(err)) throw toGraphQLError(err);
        throw err;
      }
    },
  });
  app.use('/graphql', express.json({ limit: config.rest.jsonBodyLimitBytes }), graphql);
  return app;
}

export async function serveGateway(deps: GatewayDeps, port: number): Promise<Listening> {
  const app = await createGatewayApp(deps);
  return listen(app, deps.config.host, port, deps.lifecycle, 'gateway');
}
