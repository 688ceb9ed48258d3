import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ContextSigner,
  EdgeAuthenticator,
  createBaseApp,
  formatGraphQLError,
  isAppError,
  listen,
  toGraphQLError,
  type Bus,
  type Config,
  type Lifecycle,
  type Listening,
  type Logger,
  type Secrets,
  UsageRecorder,
} from '@perceptiq/platform';
import express, { type Express, type Request, type Response } from 'express';
import { print, type GraphQLFormattedError } from 'graphql';
import { analyzeOperation, type OperationAnalysis } from './analyze-operation.js';
import { readCommittedSupergraph } from './compose.js';
import { authenticate, type GatewayContext } from './context.js';
import { depthLimit } from './depth-limit.js';
import { GatewayFastPath, operationsByPath, wireError } from './fast-path.js';
import { enforceOperationPolicy, type OperationLimits } from './operation-policy.js';
import { SignedContextDataSource } from './signed-data-source.js';
import { SubgraphClient } from './subgraph-client.js';
import { indexSupergraph, withoutSecurityFeatures } from './supergraph-index.js';

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
/** Far above any real operation (the REST adapter's largest has 64 tokens); see `parseOptions` below. */
const MAX_TOKENS = 10_000;

// A self-hosted gateway must not phone home: @apollo/gateway otherwise reports usage to Apollo
// and probes cloud metadata endpoints at start-up. An operator can still opt in explicitly.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

/**
 * The federated gateway: Apollo Gateway over a static supergraph, plus what the Node gateway
 * lacks — authentication, per-field scopes, alias, depth and list-size-aware cost limits checked
 * before anything runs, masked errors, a signed client context to subgraphs and a size cap on
 * their answers — and a pass-through for operations one subgraph can answer alone
 * (most of them): the query planner's executor is skipped, and once Apollo has validated an
 * operation, later calls skip Apollo Server too (see fast-path.ts and bench/RESULTS.md).
 */
export async function createGatewayApp(deps: GatewayDeps): Promise<Express> {
  const { config, secrets, bus, logger, lifecycle } = deps;
  const supergraphSdl = deps.supergraphSdl ?? readCommittedSupergraph();
  const index = indexSupergraph(supergraphSdl);
  const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, 'gateway');
  const auth = new EdgeAuthenticator(bus, secrets.keySecret);
  const urlOf = (name: string): string => {
    const service = config.services[name as keyof Config['services']];
    if (!service) throw new Error(`Supergraph names an unknown subgraph "${name}"`);
    return service.url;
  };

  const subgraphs = new SubgraphClient({
    signer,
    url: urlOf,
    timeoutMs: config.bus.requestTimeoutMs,
    maxResponseBytes: config.gateway.maxResponseBytes,
  });
  const limits: OperationLimits = { maxAliases: config.gateway.maxAliases, maxCost: config.gateway.maxCost };

  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(supergraphSdl),
    buildService: ({ name }) => new SignedContextDataSource(name, subgraphs),
    logger,
  });
  const analyses = new Map<string, OperationAnalysis>();
  const usage = new UsageRecorder(bus, logger, lifecycle);
  const authenticateCall = (req: Request, res: Response) =>
    authenticate(req, res, signer, auth, (clientId) => res.on('finish', () => usage.record(clientId, 'graphql', res.statusCode)));
  const fastPath = new GatewayFastPath({ client: subgraphs, logger, limits, authenticate: authenticateCall });

  const policy: ApolloServerPlugin<GatewayContext> = {
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
          try {
            enforceOperationPolicy(analysis, rc.contextValue.principal, analysis.measure(rc.request.variables ?? {}), limits);
          } catch (err) {
            throw isAppError(err) ? toGraphQLError(err) : err;
          }
          if (config.gateway.passthrough && rc.request.query) fastPath.remember(rc.request.query, rc.request.operationName, analysis);
        },
        async responseForOperation(rc) {
          const target = rc.contextValue.analysis?.singleSubgraph;
          if (!config.gateway.passthrough || !target || rc.operation.operation === 'subscription') {
            operationsByPath().inc({ path: 'planned' });
            return null;
          }
          operationsByPath().inc({ path: 'apollo' });
          let res;
          try {
            res = await subgraphs.send(target, rc.contextValue, {
              query: rc.request.query ?? print(rc.document),
              variables: rc.request.variables ?? {},
              operationName: rc.request.operationName,
            });
          } catch (err) {
            // Answered, not thrown: Apollo turns anything thrown here into a bare 500.
            if (!isAppError(err)) throw err;
            return {
              http: { status: err.httpStatus, headers: new HeaderMap(Object.entries(err.headers ?? {})) },
              body: { kind: 'single', singleResult: { errors: [wireError(err)] } },
            };
          }
          const body = (res.body ?? {}) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
          return {
            // The subgraph's status, as the fast path answers it (e.g. an upload refused whole before anything ran).
            http: { status: res.status, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) } },
          };
        },
      };
    },
  };

  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGraphQLError(logger),
    plugins: [policy],
    validationRules: [depthLimit(config.gateway.maxDepth)],
    // graphql's validation recurses along fragment spreads: a chain of ~4,000 fragments overflows
    // its stack (a 500). Bounding the tokens bounds the chain (~1,200 fragments at most).
    parseOptions: { maxTokens: MAX_TOKENS },
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    logger,
    // The process's Lifecycle owns SIGTERM: Apollo re-raising the signal would cut the graceful stop short.
    stopOnTerminationSignals: false,
  });
  await server.start();
  lifecycle.onStop('gateway apollo', () => server.stop());

  const app = createBaseApp({ component: 'gateway', logger, lifecycle, readiness: () => bus.ping(), trustedProxies: config.trustedProxies });
  const graphql = expressMiddleware(server, {
    context: async ({ req, res }) => {
      try {
        return await authenticateCall(req, res);
      } catch (err) {
        throw isAppError(err) ? toGraphQLError(err) : err;
      }
    },
  });
  app.use('/graphql', express.json({ limit: config.rest.jsonBodyLimitBytes }), ...(config.gateway.passthrough ? [fastPath.middleware()] : []), graphql);
  return app;
}

export async function serveGateway(deps: GatewayDeps, port: number): Promise<Listening> {
  const app = await createGatewayApp(deps);
  return listen(app, deps.config.host, port, deps.lifecycle, 'gateway');
}
