import { createBaseApp, crossOrigin, listen, type GraphQLEndpoint, type Listening } from '@perceptiq/platform';
import type { Express } from 'express';
import { GatewayEngine, type GatewayEngineDeps } from './gateway-engine.js';
import { mountGraphiql } from './graphiql-page.js';

export type GatewayDeps = GatewayEngineDeps;

/** The gateway's HTTP server: health and readiness, then `/graphql` (open to the allowed origins, GraphiQL for browsers); `engine` answers callers in this process. */
export async function createGatewayApp(deps: GatewayDeps): Promise<{ app: Express; engine: GatewayEngine }> {
  const engine = await GatewayEngine.start(deps);
  const { config, bus, logger, lifecycle } = deps;
  const app = createBaseApp({
    component: 'gateway',
    logger,
    lifecycle,
    readiness: () => bus.ping(),
    trustedProxies: config.trustedProxies,
    errorShape: 'graphql',
    notFoundHint: 'GraphQL is served at /graphql.',
  });
  const graphiql = mountGraphiql(app, logger);
  // CORS first: a preflight carries no key, and is answered before authentication; then a
  // browser's GET gets GraphiQL, with no key (it runs no operation).
  app.use('/graphql', crossOrigin(config.corsAllowedOrigins), graphiql, ...engine.routes());
  return { app, engine };
}

/** A gateway serving over HTTP, and callable directly by a REST adapter in the same process. */
export interface ServingGateway extends Listening {
  graphql: GraphQLEndpoint;
}

export async function serveGateway(deps: GatewayDeps, port: number): Promise<ServingGateway> {
  const { app, engine } = await createGatewayApp(deps);
  return { ...(await listen(app, deps.config.host, port, deps.lifecycle, 'gateway', engine.lane(deps.config.trustedProxies))), graphql: engine.handle };
}
