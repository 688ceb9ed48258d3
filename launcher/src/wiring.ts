import { createAccessService } from '@perceptiq/access';
import { createAnalyticsService } from '@perceptiq/analytics';
import type { ServiceName } from '@perceptiq/contracts';
import { createIngestService } from '@perceptiq/ingest';
import {
  connectNatsBus,
  createMemoryBus,
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
