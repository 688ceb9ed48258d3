import { SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';
import { serveGateway } from '@perceptiq/gateway';
import { ConfigError, createLogger, Lifecycle, loadConfig, resolveSecrets, secureDataDir, serveMetrics, serveService, type Config } from '@perceptiq/platform';
import { serveRest } from '@perceptiq/rest-adapter';
import { openBus, openServiceBlobs, openServiceStore, SERVICE_FACTORIES, subgraphEndpoints } from './wiring.js';

/**
 * One role per process (distributed mode): `node launcher/dist/service.js <role>`, with
 * role one of the five services, `gateway` or `rest-adapter`. Each talks to the others over NATS.
 */
const ROLES = [...SERVICE_NAMES, 'gateway', 'rest-adapter'] as const;
type Role = (typeof ROLES)[number];

async function main(role: Role, config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel, name: role });
  const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
  lifecycle.installSignalHandlers();
  secureDataDir(config.dataDir);
  const secrets = resolveSecrets(config);
  const store = (SERVICE_NAMES as readonly string[]).includes(role) ? await openServiceStore(config, role, lifecycle) : undefined;
  const bus = await openBus(config, role, lifecycle, logger, async () => store ?? openServiceStore(config, `${role}-bus`, lifecycle));
  let url: string;
  if (role === 'gateway') {
    url = (await serveGateway({ config, secrets, bus, logger, lifecycle, subgraph: subgraphEndpoints(config) }, config.gateway.port)).url;
  } else if (role === 'rest-adapter') {
    url = (await serveRest({ config, secrets, bus, logger, lifecycle }, config.rest.port)).url;
  } else {
    const name = role as ServiceName;
    const deps = { config, secrets, store: store!, bus, blobs: await openServiceBlobs(config, name), logger, lifecycle };
    url = (await serveService(await SERVICE_FACTORIES[name](deps), deps, config.services[name].port)).url;
  }
  const metrics = await serveMetrics(config.host, config.metrics.port, lifecycle);
  logger.info({ role, url, metrics: metrics.url, mode: config.mode }, 'serving');
}

const role = process.argv[2] as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(`usage: node launcher/dist/service.js <${ROLES.join('|')}>\n`);
  process.exit(2);
}
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
main(role, config).catch((err: Error) => {
  process.stderr.write(`${role} failed to start: ${err.message}\n`);
  process.exit(1);
});
