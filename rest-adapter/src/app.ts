import {
  AppError,
  ContextSigner,
  EdgeAuthenticator,
  createBaseApp,
  httpEndpoint,
  type GraphQLEndpoint,
  listen,
  parseOrThrow,
  rateHeaders,
  type Bus,
  type Config,
  type Lifecycle,
  type Listening,
  type Logger,
  type Principal,
  type Secrets,
  UsageRecorder,
} from '@perceptiq/platform';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { sendError } from './envelope.js';
import { GatewayClient } from './gateway-client.js';
import { checkJsonLimits } from './json-limits.js';
import { proxyStream } from './stream-proxy.js';
import { buildOpenApiDocument, renderDocsPage } from './openapi.js';
import { expressPath, type RouteDef, type RouteInput } from './route.js';
import { ROUTES } from './routes.js';

export interface RestDeps {
  config: Config;
  secrets: Secrets;
  bus: Bus;
  logger: Logger;
  lifecycle: Lifecycle;
  /** How to reach the gateway: directly when it runs in this process (embedded), else over HTTP at the configured URL. */
  gateway?: GraphQLEndpoint;
}

interface Caller {
  principal: Principal;
  ip: string;
}

/**
 * The REST adapter: the published `/v1` and `/api/access` paths, built from the route table.
 * Each call is authenticated, counted and scope-checked here once, then mapped onto one GraphQL
 * operation that reaches the gateway with a signed context.
 */
export function createRestApp(deps: RestDeps, routes: RouteDef[] = ROUTES): Express {
  const { config, secrets, bus, logger, lifecycle } = deps;
  const auth = new EdgeAuthenticator(bus, secrets.keySecret);
  const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, 'rest-adapter');
  const gateway = new GatewayClient(
    deps.gateway ?? httpEndpoint(config.gateway.url, { timeoutMs: config.bus.requestTimeoutMs, maxResponseBytes: config.gateway.maxResponseBytes }),
    signer,
  );
  const usage = new UsageRecorder(bus, logger, lifecycle);
  // A whole upload request: every file at its limit, plus room for the multipart framing.
  const uploadLimit = config.ingest.maxFiles * config.ingest.maxFileBytes + 1024 * 1024;
  const serviceBase = (name: 'ingest') => config.services[name].url.replace(/\/graphql$/, '/');
  const json = express.json({ limit: config.rest.jsonBodyLimitBytes, strict: true, type: () => true });

  const app = createBaseApp({ component: 'rest-adapter', logger, lifecycle, readiness: () => bus.ping(), trustedProxies: config.trustedProxies });
  const openapi = buildOpenApiDocument(routes);
  const docs = renderDocsPage(openapi);
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docs);
  });

  for (const route of routes) {
    const handlers = [
      authenticate(route),
      ...(route.action.kind === 'later' ? [notImplemented(route.action.capability)] : []),
      ...(route.body ? [parseJsonBody] : []),
      execute(route),
    ];
    app[route.method](expressPath(route.path), ...handlers);
  }

  app.use((req: Request, res: Response) => {
    sendError(req, res, new AppError('not_found', `No such endpoint: ${req.method} ${req.path}. See /v1/openapi.json.`), logger);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(req, res, err, logger);
  });
  return app;

  function authenticate(route: RouteDef) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const ip = req.ip ?? 'unknown';
      if (route.auth === 'public') {
        // The access service counts the address against its budget, whichever edge the call came through.
        res.locals.caller = { principal: { type: 'public' }, ip } satisfies Caller;
        return next();
      }
      if (route.auth === 'admin') {
        const token = req.get('x-admin-token');
        await auth.authorizeAdmin(token, ip);
        res.locals.caller = { principal: { type: 'admin' }, ip } satisfies Caller;
        return next();
      }
      const { client, rate } = await auth.authorizeKey(req.get('authorization'), (clientId) =>
        res.on('finish', () => usage.record(clientId, route.scope ?? 'me', res.statusCode)),
      );
      for (const [name, value] of Object.entries(rateHeaders(rate))) res.setHeader(name, value);
      res.locals.caller = { principal: { type: 'client', client }, ip } satisfies Caller;
      if (route.scope && !client.scopes.includes(route.scope)) {
        throw new AppError('insufficient_scope', `This call needs the "${route.scope}" scope.`, { required_scope: route.scope });
      }
      next();
    };
  }

  function notImplemented(capability: string) {
    return (_req: Request, _res: Response): void => {
      throw new AppError('not_implemented', `${capability[0]!.toUpperCase()}${capability.slice(1)} is not available in this version yet.`);
    };
  }

  function parseJsonBody(req: Request, res: Response, next: NextFunction): void {
    const type = req.get('content-type');
    if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new AppError('unsupported_media_type', 'Send a JSON body with Content-Type: application/json.');
    }
    json(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.body === undefined) return next(new AppError('invalid_request', 'A JSON body is required.'));
      try {
        checkJsonLimits(req.body);
      } catch (e) {
        return next(e);
      }
      next();
    });
  }

  function execute(route: RouteDef) {
    return async (req: Request, res: Response): Promise<void> => {
      const caller = res.locals.caller as Caller;
      const input: RouteInput = {
        params: route.params ? parseOrThrow(route.params, req.params) : {},
        query: route.query ? parseOrThrow(route.query, req.query) : {},
        body: route.body ? (parseOrThrow(route.body, req.body) as Record<string, unknown>) : {},
      };
      const action = route.action;
      if (action.kind === 'identity') {
        if (caller.principal.type !== 'client') throw new AppError('invalid_token', 'An API key is required.');
        const { client_id, company, tier, scopes, rate_limit_rpm } = caller.principal.client;
        res.status(route.status).json({ client_id, company, tier, scopes, rate_limit_rpm });
        return;
      }
      if (action.kind === 'stream') {
        const target = new URL(action.path, serviceBase(action.service));
        target.search = new URLSearchParams(req.query as Record<string, string>).toString();
        await proxyStream(req, res, { url: target, service: action.service }, caller, signer, uploadLimit);
        return;
      }
      if (action.kind !== 'graphql') throw new AppError('not_implemented', 'Not available in this version yet.');
      const data = await gateway.execute(action.document, action.variables(input), { principal: caller.principal, requestId: req.id, ip: caller.ip });
      res.status(route.status).json(action.shape(data));
    };
  }
}

export async function serveRest(deps: RestDeps, port: number): Promise<Listening> {
  return listen(createRestApp(deps), deps.config.host, port, deps.lifecycle, 'rest-adapter');
}
