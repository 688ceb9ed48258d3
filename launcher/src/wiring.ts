import { accessSettings, createAccessService } from '@perceptiq/access';
import { createAnalyticsService } from '@perceptiq/analytics';
import type { ServiceName } from '@perceptiq/contracts';
import { gatewaySettings } from '@perceptiq/gateway';
import { createIngestService, ingestSettings } from '@perceptiq/ingest';
import {
  composeEnvSchema,
  connectNatsBus,
  createMemoryBus,
  openBlobStore,
  openStore,
  loadConfig,
  serveService,
  type Bus,
  type Config,
  type Lifecycle,
  type Logger,
  type ServiceDeps,
  type ServiceFactory,
  type ServingService,
  type SettingsOf,
  type Store,
} from '@perceptiq/platform';
import { createQaService, qaSettings } from '@perceptiq/qa';
import { createTemplatesService } from '@perceptiq/templates';

/** Each component's own settings, validated with the platform's in one pass at start-up (whatever the role). */
const SETTINGS = { ingest: ingestSettings, access: accessSettings, qa: qaSettings, gateway: gatewaySettings };

export type StackConfig = Config & { settings: SettingsOf<typeof SETTINGS> };

/** The platform's config and every component's settings, or a `ConfigError` naming every bad variable. */
export const loadStackConfig = (env: Record<string, string | undefined> = process.env): StackConfig => loadConfig(env, SETTINGS);

/** Every variable the stack reads, the platform's and each slice's. */
export const StackEnvSchema = composeEnvSchema(SETTINGS);

type ServiceSettings = { [N in ServiceName]: N extends keyof StackConfig['settings'] ? StackConfig['settings'][N] : undefined };

export const SERVICE_FACTORIES: { readonly [N in ServiceName]: ServiceFactory<ServiceSettings[N]> } = {
  ingest: createIngestService,
  qa: createQaService,
  templates: createTemplatesService,
  analytics: createAnalyticsService,
  access: createAccessService,
};

/** Build a service with its own settings and serve it on its configured port. */
export async function startService<N extends ServiceName>(name: N, shared: Omit<ServiceDeps, 'settings'>, config: StackConfig): Promise<ServingService> {
  const { ingest, access, qa } = config.settings;
  const settings: ServiceSettings = { ingest, access, qa, templates: undefined, analytics: undefined };
  const deps = { ...shared, settings: settings[name] };
  return serveService(await SERVICE_FACTORIES[name](deps), deps, config.services[name].port);
}

/** The largest upload request the REST adapter pipes to ingest: every file at ingest's limit, plus room for the multipart framing. */
export const uploadRequestLimitBytes = ({ settings: { ingest } }: StackConfig): number => ingest.maxFiles * ingest.maxFileBytes + 1024 * 1024;

/** A service's own database (embedded file or MongoDB database), closed last on shutdown. */
export async function openServiceStore(config: Config, service: string, lifecycle: Lifecycle): Promise<Store> {
  const store = await openStore({ dataDir: config.dataDir, mongodbUri: config.store.mongodbUri, service });
  lifecycle.onStop(`${service} store`, () => store.close(), { pastDeadline: true });
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

