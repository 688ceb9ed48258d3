import { SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';
import { serveGateway } from '@perceptiq/gateway';
import {
  ConfigError,
  createLogger,
  hopLimits,
  inProcessEndpoint,
  type GraphQLEndpoint,
  Lifecycle,
  resolveSecrets,
  secureDataDir,
  serveMetrics,
  type Config,
} from '@perceptiq/platform';
import { serveRest } from '@perceptiq/rest-adapter';
import { fileURLToPath } from 'node:url';
import { loadStackConfig, openBus, openServiceBlobs, openServiceStore, startService, uploadRequestLimitBytes, type StackConfig } from './wiring.js';

export interface EmbeddedStack {
  restUrl: string;
  gatewayUrl: string;
  /** Prometheus metrics of the whole process, on their own port. */
  metricsUrl: string;
  serviceUrls: Record<ServiceName, string>;
  adminToken: string;
  lifecycle: Lifecycle;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /**
   * `true` (the default): the REST adapter calls the gateway, and the gateway the subgraphs,
   * directly in this process. `false`: over loopback HTTP, as separate processes would (tests
   * compare the two).
   */
  inProcess?: boolean;
}

/**
 * Everything in one process: five subgraphs on loopback ports, the gateway and the REST adapter,
 * sharing one bus (in-process unless `NATS_URL` is set). Port 0 anywhere means "any free port".
 * Every server also listens on its own port, so each can be reached as in distributed mode.
 */
export async function startEmbedded(config: StackConfig, options: EmbeddedOptions = {}): Promise<EmbeddedStack> {
  const inProcess = options.inProcess ?? true;
  const logger = createLogger({ level: config.logLevel, name: 'perceptiq' });
  const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
  try {
    secureDataDir(config.dataDir);
    const secrets = resolveSecrets(config);
    if (secrets.adminTokenGenerated) {
      // Printed once, on the console only (never into the JSON logs); kept in the data dir with mode 0600.
      process.stdout.write(
        `\nPerceptiq admin token (shown once; also kept in ${config.dataDir}/admin-token):\n  ${secrets.adminToken}\n\n`,
      );
    }
    const bus = await openBus(config, 'perceptiq', lifecycle, logger, () => openServiceStore(config, 'bus', lifecycle));
    const serviceUrls = {} as Record<ServiceName, string>;
    const services = { ...config.services };
    const local: Partial<Record<ServiceName, GraphQLEndpoint>> = {};
    const limits = hopLimits(config);
    for (const name of SERVICE_NAMES) {
      const store = await openServiceStore(config, name, lifecycle);
      const shared = { config, secrets, store, bus, blobs: await openServiceBlobs(config, name), logger: logger.child({ component: name }), lifecycle };
      const listening = await startService(name, shared, config);
      serviceUrls[name] = `${listening.url}/graphql`;
      services[name] = { port: listening.port, url: serviceUrls[name] };
      if (inProcess) local[name] = inProcessEndpoint(listening.graphql, limits);
    }
    const wired: Config = { ...config, services };
    const gateway = await serveGateway(
      { config: wired, settings: config.settings.gateway, secrets, bus, logger: logger.child({ component: 'gateway' }), lifecycle, localSubgraphs: local },
      config.gateway.port,
    );
    const gatewayUrl = `${gateway.url}/graphql`;
    const rest = await serveRest(
      {
        config: { ...wired, gateway: { ...wired.gateway, url: gatewayUrl } },
        secrets,
        bus,
        logger: logger.child({ component: 'rest-adapter' }),
        lifecycle,
        streamBodyLimitBytes: uploadRequestLimitBytes(config),
        ...(inProcess ? { gateway: inProcessEndpoint(gateway.graphql, limits) } : {}),
      },
      config.rest.port,
    );
    const metrics = await serveMetrics(config.host, config.metrics.port, lifecycle, logger);
    logger.info({ rest: rest.url, gateway: gatewayUrl, metrics: metrics.url, mode: config.mode, inProcess }, 'Perceptiq is serving');
    return { restUrl: rest.url, gatewayUrl, metricsUrl: metrics.url, serviceUrls, adminToken: secrets.adminToken, lifecycle, stop: () => lifecycle.stop() };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  let config: StackConfig;
  try {
    config = loadStackConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const stack = await startEmbedded(config);
  stack.lifecycle.installSignalHandlers();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: Error) => {
    process.stderr.write(`Perceptiq failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
