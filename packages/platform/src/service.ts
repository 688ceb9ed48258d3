import { readFileSync } from 'node:fs';
import type { ServiceName } from '@perceptiq/contracts';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { BlobStore } from './blobs/types.js';
import type { Bus } from './bus/types.js';
import { ContextSigner } from './client-context.js';
import type { Config } from './config.js';
import type { Lifecycle } from './lifecycle.js';
import type { Secrets } from './secrets.js';
import type { Store } from './store/types.js';
import { createSubgraph, type SubgraphResolvers } from './subgraph.js';
import type { GraphQLEndpoint } from './graphql-endpoint.js';
import { createBaseApp, listen, type Listening } from './http/server.js';

/**
 * What a service gets from its runner: each adapter chosen once, at start-up, by configuration, and
 * the service's own settings (its slice, `defineSettings`), validated with the rest.
 */
export interface ServiceDeps<S = unknown> {
  config: Config;
  settings: S;
  secrets: Secrets;
  store: Store;
  bus: Bus;
  blobs: BlobStore;
  logger: Logger;
  lifecycle: Lifecycle;
}

/** A built (not yet listening) service: its subgraph, its bus handlers and any byte-stream routes. */
export interface ServiceModule {
  name: ServiceName;
  typeDefs: string;
  resolvers: SubgraphResolvers;
  /** Register bus handlers, consumers and timers; register their stops on the lifecycle. */
  start?(): Promise<void>;
  /** Extra HTTP routes for byte streams that do not go through GraphQL (uploads, exports, audio). */
  routes?(app: Express): void;
}

export type ServiceFactory<S = unknown> = (deps: ServiceDeps<S>) => Promise<ServiceModule>;

/** Read a service's schema file (from `src/` whether running from `src` under jest or from `dist`). */
export function loadTypeDefs(moduleUrl: string): string {
  return readFileSync(new URL('../src/schema.graphql', moduleUrl), 'utf8');
}

/** A service serving: its HTTP address, and its subgraph callable directly by a gateway in the same process. */
export interface ServingService extends Listening {
  graphql: GraphQLEndpoint;
}

/** Start a service's bus handlers and serve its subgraph (plus `/healthz` and `/readyz`) on `port`. */
export async function serveService(module: ServiceModule, deps: ServiceDeps, port: number): Promise<ServingService> {
  const { config, secrets, logger, lifecycle, bus, store } = deps;
  await module.start?.();
  const app = createBaseApp({
    component: module.name,
    logger,
    lifecycle,
    readiness: async () => {
      await Promise.all([bus.ping(), store.ping()]);
    },
    trustedProxies: config.trustedProxies,
    errorShape: 'graphql',
    notFoundHint: 'A service answers POST /graphql from the gateway.',
  });
  const subgraph = createSubgraph({
    name: module.name,
    typeDefs: module.typeDefs,
    resolvers: module.resolvers,
    signer: new ContextSigner(secrets.contextSecret, config.contextTtlSeconds * 1000, module.name),
    logger,
    edgeBodyLimitBytes: config.rest.jsonBodyLimitBytes,
  });
  module.routes?.(app);
  return { ...(await listen(app, config.host, port, lifecycle, module.name, subgraph.lane)), graphql: subgraph.handle };
}
