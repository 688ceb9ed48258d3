import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  AppError,
  ContextSigner,
  EdgeAuthenticator,
  formatGraphQLError,
  graphQLErrorResponse,
  hopLimits,
  httpEndpoint,
  jsonLane,
  readJsonBody,
  requestIdFrom,
  toGraphQLError,
  UsageRecorder,
  type Bus,
  type Config,
  type GraphQLAnswer,
  type GraphQLCall,
  type GraphQLEndpoint,
  type Lane,
  type Lifecycle,
  type Logger,
  type Secrets,
} from '@perceptiq/platform';
import type { ServiceName } from '@perceptiq/contracts';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readCommittedSupergraph } from './compose.js';
import type { GatewaySettings } from './config.js';
import { authenticate, type Authenticated, type CallerFacts, type GatewayContext } from './context.js';
import { depthLimit } from './depth-limit.js';
import { GatewayFastPath, type FastOperation } from './fast-path.js';
import { PlanRunner } from './plan-runner.js';
import { policyPlugin } from './policy-plugin.js';
import { SignedContextDataSource } from './signed-data-source.js';
import { SubgraphClient } from './subgraph-client.js';
import { indexSupergraph, withoutSecurityFeatures } from './supergraph-index.js';

export interface GatewayEngineDeps {
  config: Config;
  settings: GatewaySettings;
  secrets: Secrets;
  bus: Bus;
  logger: Logger;
  lifecycle: Lifecycle;
  /**
   * Subgraphs running in this process, by service name, called directly; every other one is
   * reached over HTTP at its configured URL with a context signed for it. The launcher decides.
   */
  localSubgraphs?: Partial<Record<ServiceName, GraphQLEndpoint>>;
  /** Defaults to the committed `gateway/supergraph.graphql`. */
  supergraphSdl?: string;
}

/** Far above any real operation (the REST adapter's largest has 64 tokens); see `parseOptions` below. */
const MAX_TOKENS = 10_000;

// A self-hosted gateway must not phone home: @apollo/gateway otherwise reports usage to Apollo
// and probes cloud metadata endpoints at start-up. An operator can still opt in explicitly.
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';

/**
 * The federated gateway, whichever way a call reaches it: Apollo Gateway over a static
 * supergraph, plus what the Node gateway lacks — authentication, per-field scopes, alias, depth and
 * list-size-aware cost limits checked before anything runs, masked errors, a signed client context
 * to subgraphs and a size cap on their answers — and a pass-through for operations one subgraph can
 * answer alone (most of them). `routes` serve it over HTTP; `handle` is the same for a caller in
 * this process (the REST adapter, when embedded).
 */
export class GatewayEngine {
  private constructor(
    private readonly server: ApolloServer<GatewayContext>,
    private readonly fastPath: GatewayFastPath | undefined,
    private readonly authenticate: (call: CallerFacts, onAnswered: (record: (status: number) => void) => void) => Promise<Authenticated>,
    private readonly logger: Logger,
    private readonly jsonBodyLimitBytes: number,
  ) {}

  static async start(deps: GatewayEngineDeps): Promise<GatewayEngine> {
    const { config, settings, secrets, bus, logger, lifecycle } = deps;
    const supergraphSdl = deps.supergraphSdl ?? readCommittedSupergraph();
    const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, 'gateway');
    const auth = new EdgeAuthenticator(bus, secrets.keySecret);
    const subgraphs = new SubgraphClient(subgraphEndpoints(config, signer, deps.localSubgraphs ?? {}));
    const limits = { maxAliases: settings.maxAliases, maxCost: settings.maxCost };
    const executableSdl = withoutSecurityFeatures(supergraphSdl);
    // One data source per subgraph, filled in as Apollo's gateway loads the supergraph: its executor and the fast path's share them.
    const dataSources: ServiceMap = Object.create(null);
    const fastPath = settings.passthrough ? new GatewayFastPath(subgraphs, new PlanRunner(executableSdl, dataSources, logger), limits, logger) : undefined;
    const usage = new UsageRecorder(bus, logger, lifecycle);

    const server = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl: executableSdl,
        buildService: ({ name }) => (dataSources[name] = new SignedContextDataSource(name, subgraphs)),
        // Reached only by an operation that passed validation and the policy plugin (which set `analysis`).
        experimental_didResolveQueryPlan: ({ queryPlan, operationContext, requestContext }) => {
          const { query, operationName } = requestContext.request;
          const analysis = (requestContext.context as GatewayContext).analysis;
          if (query && analysis) fastPath?.rememberPlan(query, operationName, analysis, queryPlan, operationContext);
        },
        logger,
      }),
      formatError: formatGraphQLError(logger),
      // Apollo's own landing page loads from its CDN, which our CSP (and an offline host) refuses: browsers get our GraphiQL (graphiql-page.ts).
      plugins: [ApolloServerPluginLandingPageDisabled(), policyPlugin({ index: indexSupergraph(supergraphSdl), limits, subgraphs, logger, fastPath })],
      validationRules: [depthLimit(settings.maxDepth)],
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
    // A call made with an API key is counted here once it is answered (one made with a signed context was counted at the edge).
    const authenticateCall = (call: CallerFacts, onAnswered: (record: (status: number) => void) => void) =>
      authenticate(call, signer, auth, (clientId) => onAnswered((status) => usage.record(clientId, 'graphql', status)));
    return new GatewayEngine(server, fastPath, authenticateCall, logger, config.rest.jsonBodyLimitBytes);
  }

  /**
   * The gateway for a caller in this process: a POSTed JSON body and its headers, answered as HTTP
   * would be. A call that carries its caller (the REST adapter's, authenticated there) is answered
   * for that caller, as the same caller signed would be over HTTP.
   */
  readonly handle: GraphQLEndpoint = async (call: GraphQLCall) => {
    let record: ((status: number) => void) | undefined;
    const { headers, caller } = call;
    const known: Authenticated | undefined = caller && { context: { principal: caller.principal, requestId: caller.request_id, ip: caller.ip }, headers: {} };
    const facts = { headers, ip: 'in-process', requestId: requestIdFrom(headers['x-request-id']) };
    const answer = await this.run(facts, (r) => (record = r), call.body, this.fastPath?.lookup(call.body), known);
    record?.(answer.status);
    return answer;
  };

  /** `fast`: the body's operation when the fast path knows it (looked up once per call, by whoever routes it). */
  private async run(
    facts: CallerFacts,
    onAnswered: (record: (status: number) => void) => void,
    body: unknown,
    fast: FastOperation | undefined,
    known?: Authenticated,
  ): Promise<GraphQLAnswer> {
    let caller: Authenticated;
    try {
      caller = known ?? (await this.authenticate(facts, onAnswered));
    } catch (err) {
      return graphQLErrorResponse(err, this.logger);
    }
    const answer = (fast && (await this.fastPath!.answer(fast, caller.context))) || (await this.viaApollo(facts.headers, body, caller.context));
    return Object.keys(caller.headers).length ? { ...answer, headers: { ...caller.headers, ...answer.headers } } : answer;
  }

  /** Apollo Server's own pipeline, as its HTTP integration would drive it for a POST. */
  private async viaApollo(headers: CallerFacts['headers'], body: unknown, context: GatewayContext): Promise<GraphQLAnswer> {
    const httpHeaders = new HeaderMap([['content-type', 'application/json']]);
    for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') httpHeaders.set(name, value);
    const res = await this.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: httpHeaders, search: '', body },
      context: async () => context,
    });
    if (res.body.kind !== 'complete') throw new Error('The gateway answered in chunks, which no operation of ours asks for.');
    return { status: res.status ?? 200, headers: Object.fromEntries(res.headers), body: JSON.parse(res.body.string) as unknown };
  }

  /**
   * `POST /graphql` from a server (no `Origin`: a browser's call goes to `routes`, where CORS
   * answers it), ahead of Express: the same authentication before the body is read, the same body
   * limit, fast path and Apollo pipeline as `routes`. Only where the socket's address is the
   * caller's (`TRUSTED_PROXIES` unset, the default): behind a proxy, Express reads `X-Forwarded-For`.
   */
  lane(trustedProxies: readonly string[]): Lane {
    const facts = (req: IncomingMessage, requestId: string): CallerFacts => ({ headers: req.headers, ip: req.socket.remoteAddress ?? 'unknown', requestId });
    return jsonLane<Authenticated>({
      component: 'gateway',
      logger: this.logger,
      method: 'POST',
      path: '/graphql',
      accepts: (req) => trustedProxies.length === 0 && req.headers.origin === undefined,
      limitBytes: this.jsonBodyLimitBytes,
      authenticate: async (req, res, requestId) => {
        const caller = await this.authenticate(facts(req, requestId), (record) => res.once('finish', () => record(res.statusCode)));
        for (const [name, value] of Object.entries(caller.headers)) res.setHeader(name, value);
        return caller;
      },
      answer: (caller, body, req, requestId) => this.run(facts(req, requestId), () => {}, body, this.fastPath?.lookup(body), caller),
      errorResponse: (err) => graphQLErrorResponse(err, this.logger),
    });
  }

  /**
   * `/graphql` over HTTP: the caller authenticated before its body is read, then the fast path for
   * operations it knows, Apollo's Express integration for the rest (GET, first sight).
   */
  routes(): RequestHandler[] {
    const facts = (req: Request): CallerFacts => ({ headers: req.headers, ip: req.ip ?? 'unknown', requestId: req.id });
    const callerOf = (res: Response) => res.locals.caller as Authenticated | undefined;
    // A refusal goes to the app's error handler, which answers it in GraphQL's shape like every other error here.
    const authenticated = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const caller = await this.authenticate(facts(req), (record) => res.on('finish', () => record(res.statusCode)));
        res.set(caller.headers);
        res.locals.caller = caller;
      } catch (err) {
        return next(err);
      }
      next();
    };
    const fastPath = async (req: Request, res: Response, next: NextFunction) => {
      const fast = req.method === 'POST' ? this.fastPath?.lookup(req.body) : undefined;
      const caller = callerOf(res);
      const answer = fast && caller && (await this.fastPath!.answer(fast, caller.context));
      if (!answer) return next();
      res.status(answer.status).set(answer.headers ?? {}).json(answer.body);
    };
    const apollo = expressMiddleware(this.server, {
      context: async ({ res }) => {
        const caller = callerOf(res);
        if (!caller) throw toGraphQLError(new AppError('invalid_token', 'This operation needs an API key.'));
        return caller.context;
      },
    });
    return [authenticated, readJsonBody({ limitBytes: this.jsonBodyLimitBytes }), fastPath, apollo];
  }
}

/** Each subgraph of the supergraph: the local endpoint when it runs here, else HTTP with a context signed for it. */
function subgraphEndpoints(config: Config, signer: ContextSigner, local: Partial<Record<ServiceName, GraphQLEndpoint>>): (name: string) => GraphQLEndpoint {
  const limits = hopLimits(config);
  const endpoints = new Map<string, GraphQLEndpoint>();
  for (const [name, service] of Object.entries(config.services) as Array<[ServiceName, { url: string }]>) {
    endpoints.set(name, local[name] ?? httpEndpoint(service.url, limits, (caller) => signer.sign(caller, name)));
  }
  return (name) => {
    const endpoint = endpoints.get(name);
    if (!endpoint) throw new Error(`Supergraph names an unknown subgraph "${name}"`);
    return endpoint;
  };
}
