import { createAccessService } from '@perceptiq/access';
import { createAnalyticsService } from '@perceptiq/analytics';
import type { ServiceName } from '@perceptiq/contracts';
import { createIngestService } from '@perceptiq/ingest';
import {
  connectNatsBus,
  createMemoryBus,
  httpEndpoint,
  type EndpointLimits,
  type GraphQLEndpoint,
  openBlobStore,
  openStore,
  type Bus,
  type Config,
  type Lifecycle,
  type Logger,
  type ServiceFactory,
  type Store,
} from '@perceptiq/platform';
import { createQaService } from '@perceptiq/qa';
import { createTemplatesService } from '@perceptiq/templates';

export const SERVICE_FACTORIES: Readonly<Record<ServiceName, ServiceFactory>> = {
  ingest: createIngestService,
  qa: createQaService,
  templates: createTemplatesService,
  analytics: createAnalyticsService,
  access: createAccessService,
};

/** A service's own database (embedded file or MongoDB database), closed last on shutdown. */
export async function openServiceStore(config: Config, service: string, lifecycle: Lifecycle): Promise<Store> {
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.store.mongodbUri, service });
  lifecycle.onStop(`${service} store`, () => store.close());
  return store;
}

/**
 * The bus, chosen once by configuration: NATS when `NATS_URL` is set, else the in-process bus
 * (whose durable work queues live in `queueStore`).
 */
export async function openBus(config: Config, name: string, lifecycle: Lifecycle, logger: Logger, queueStore: () => Promise<Store>): Promise<Bus> {
  const bus = config.bus.natsUrl
    ? await connectNatsBus({ url: config.bus.natsUrl, name, requestTimeoutMs: config.bus.requestTimeoutMs, logger })
    : createMemoryBus({ store: await queueStore(), requestTimeoutMs: config.bus.requestTimeoutMs, logger });
  lifecycle.onStop(`${name} bus`, () => bus.close());
  return bus;
}

export async function openServiceBlobs(config: Config, service: string) {
  return openBlobStore({ dataDir: config.dataDir, mongodbUri: config.store.mongodbUri, service });
}

/** The time and size limits of one hop between our GraphQL servers, the same in process and over HTTP. */
export const hopLimits = (config: Config): EndpointLimits => ({ timeoutMs: config.bus.requestTimeoutMs, maxResponseBytes: config.gateway.maxResponseBytes });

/**
 * How the gateway reaches each subgraph: directly when it runs in this process (`local`), else
 * over HTTP at its configured URL. Decided here once, for every path through the gateway.
 */
export function subgraphEndpoints(config: Config, local: Partial<Record<ServiceName, GraphQLEndpoint>> = {}): (name: string) => GraphQLEndpoint {
  const endpoints = new Map<string, GraphQLEndpoint>();
  for (const [name, service] of Object.entries(config.services)) {
    endpoints.set(name, local[name as ServiceName] ?? httpEndpoint(service.url, hopLimits(config)));
  }
  return (name) => {
    const endpoint = endpoints.get(name);
    if (!endpoint) throw new Error(`Supergraph names an unknown subgraph "${name}"`);
    return endpoint;
  };
}
