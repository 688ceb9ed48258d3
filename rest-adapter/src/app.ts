import {
  AppError,
  ContextSigner,
  EdgeAuthenticator,
  createBaseApp,
  crossOrigin,
  hopLimits,
  httpEndpoint,
  type GraphQLEndpoint,
  listen,
  type Bus,
  type Config,
  type Lifecycle,
  type Listening,
  type Logger,
  type Secrets,
  UsageRecorder,
} from '@perceptiq/platform';
import type { Express } from 'express';
import { authenticateRoute } from './authenticate-route.js';
import { executeRoute, type Upstreams } from './execute-route.js';
import { GatewayClient } from './gateway-client.js';
import { jsonBody } from './json-body.js';
import { buildOpenApiDocument } from './openapi.js';
import { mountReferencePage } from './reference-page.js';
import { expressPath, type RouteDef } from './route.js';
import { ROUTES } from './routes/index.js';
import { createStreamProxy } from './stream-proxy.js';

export interface RestDeps {
  config: Config;
  secrets: Secrets;
  bus: Bus;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Largest upload request let through to ingest (its own limits, checked again there): past it, refused before any byte is piped. */
  streamBodyLimitBytes: number;
  /** How to reach the gateway: directly when it runs in this process (embedded), else over HTTP at the configured URL. */
  gateway?: GraphQLEndpoint;
}

/**
 * The REST adapter: the published `/v1` and `/api/access` paths, built from the route table.
 * Each call is authenticated, counted and scope-checked here once, then answered by one GraphQL
 * operation against the gateway, or piped to the owning service when it is a byte stream; either
 * way the caller travels as a signed context.
 */
export function createRestApp(deps: RestDeps, routes: RouteDef[] = ROUTES): Express {
  const { config, secrets, bus, logger, lifecycle } = deps;
  const edge = { auth: new EdgeAuthenticator(bus, secrets.keySecret), usage: new UsageRecorder(bus, logger, lifecycle) };
  const signer = new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, 'rest-adapter');
  const upstreams: Upstreams = {
    gateway: new GatewayClient(
      deps.gateway ??
        httpEndpoint(config.gateway.url, hopLimits(config), (caller) =>
          signer.sign(caller, 'gateway'),
        ),
    ),
    streams: createStreamProxy({
      signer,
      serviceBase: (name) => config.services[name].url.replace(/\/graphql$/, '/'),
      maxBodyBytes: deps.streamBodyLimitBytes,
    }),
  };
  const json = jsonBody(config.rest.jsonBodyLimitBytes);

  const app = createBaseApp({
    component: 'rest-adapter',
    logger,
    lifecycle,
    readiness: () => bus.ping(),
    trustedProxies: config.trustedProxies,
    errorShape: 'envelope',
    notFoundHint: 'See /v1/openapi.json.',
  });
  const openToBrowsers = crossOrigin(config.corsAllowedOrigins);
  const openapi = buildOpenApiDocument(routes);
  app.get('/v1/openapi.json', openToBrowsers, (_req, res) => {
    res.json(openapi);
  });
  mountReferencePage(app);

  // Browsers may call every route but the admin ones, whose preflights are refused (no CORS grant).
  const adminPaths = new Set(routes.filter((route) => route.auth === 'admin').map((route) => route.path));
  const closedToBrowsers = () => {
    throw new AppError('forbidden', 'The admin routes take no calls from other origins.');
  };
  for (const path of new Set(routes.map((route) => route.path))) {
    app.options(expressPath(path), adminPaths.has(path) ? closedToBrowsers : openToBrowsers);
  }
  for (const route of routes) {
    const cors = route.auth === 'admin' ? [] : [openToBrowsers];
    app[route.method](expressPath(route.path), ...cors, authenticateRoute(route, edge), ...(route.body ? [json] : []), executeRoute(route, upstreams));
  }
  return app;
}

export async function serveRest(deps: RestDeps, port: number): Promise<Listening> {
  return listen(createRestApp(deps), deps.config.host, port, deps.lifecycle, 'rest-adapter');
}
