import { SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';
import { serveGateway } from '@perceptiq/gateway';
import { ConfigError, createLogger, Lifecycle, resolveSecrets, secureDataDir, serveMetrics } from '@perceptiq/platform';
import { serveRest } from '@perceptiq/rest-adapter';
import { loadStackConfig, openBus, openServiceBlobs, openServiceStore, startService, uploadRequestLimitBytes, type StackConfig } from './wiring.js';

/**
 * One role per process (distributed mode): `node launcher/dist/service.js <role>`, with
 * role one of the five services, `gateway` or `rest-adapter`. Each talks to the others over NATS.
 */
const ROLES = [...SERVICE_NAMES, 'gateway', 'rest-adapter'] as const;
type Role = (typeof ROLES)[number];

async function main(role: Role, config: StackConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel, name: role });
  const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
  lifecycle.installSignalHandlers();
  secureDataDir(config.dataDir);
  const secrets = resolveSecrets(config);
  const store = (SERVICE_NAMES as readonly string[]).includes(role) ? await openServiceStore(config, role, lifecycle) : undefined;
  const bus = await openBus(config, role, lifecycle, logger, async () => store ?? openServiceStore(config, `${role}-bus`, lifecycle));
  let url: string;
  if (role === 'gateway') {
    url = (await serveGateway({ config, settings: config.settings.gateway, secrets, bus, logger, lifecycle }, config.gateway.port)).url;
  } else if (role === 'rest-adapter') {
    url = (await serveRest({ config, secrets, bus, logger, lifecycle, streamBodyLimitBytes: uploadRequestLimitBytes(config) }, config.rest.port)).url;
  } else {
    const name = role as ServiceName;
    url = (await startService(name, { config, secrets, store: store!, bus, blobs: await openServiceBlobs(config, name), logger, lifecycle }, config)).url;
  }
  const metrics = await serveMetrics(config.host, config.metrics.port, lifecycle, logger);
  logger.info({ role, url, metrics: metrics.url, mode: config.mode }, 'serving');
}

const role = process.argv[2] as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(`usage: node launcher/dist/service.js <${ROLES.join('|')}>\n`);
  process.exit(2);
}
let config: StackConfig;
try {
  config = loadStackConfig();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
main(role, config).catch((err: Error) => {
  process.stderr.write(`${role} failed to start: ${err.message}\n`);
  process.exit(1);
});
