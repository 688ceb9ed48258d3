import { createBaseApp, crossOrigin, listen, type GraphQLEndpoint, type Listening } from '@perceptiq/platform';
import type { Express } from 'express';
import { GatewayEngine, type GatewayEngineDeps } from './gateway-engine.js';

export type GatewayDeps = GatewayEngineDeps;

/** The gateway's HTTP server: health and readiness, then `/graphql` (open to the allowed origins); `engine` answers callers in this process. */
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
  // CORS first: a preflight carries no key, and is answered before authentication.
  app.use('/graphql', crossOrigin(config.corsAllowedOrigins), ...engine.routes());
  return { app, engine };
}

/** A gateway serving over HTTP, and callable directly by a REST adapter in the same process. */
export interface ServingGateway extends Listening {
  graphql: GraphQLEndpoint;
}

export async function serveGateway(deps: GatewayDeps, port: number): Promise<ServingGateway> {
  const { app, engine } = await createGatewayApp(deps);
  return { ...(await listen(app, deps.config.host, port, deps.lifecycle, 'gateway')), graphql: engine.handle };
}
