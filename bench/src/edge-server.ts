/**
 * The server side of the edge benchmark, in its own process so the load generator never shares
 * an event loop with the code it measures: the whole embedded stack on free loopback ports over
 * the data dir given as the first argument, silent logs, and signed contexts valid for an hour
 * (so a context the bench signs once stays valid for the whole run).
 *
 * Prints one JSON line on stdout once serving ({@link EdgeServerInfo}); stops gracefully on
 * SIGTERM/SIGINT (the stack's own handler), or when stdin closes because the runner went away.
 * `GATEWAY_PASSTHROUGH` is the only setting taken from the environment.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@perceptiq/platform';
import { startEmbedded } from '@perceptiq/stack';

export interface EdgeServerInfo {
  pid: number;
  restUrl: string;
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  adminToken: string;
  dataDir: string;
  passthrough: boolean;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: edge-server <data dir>');
  const servicePorts = Object.fromEntries(Object.keys(loadConfig({}).services).map((name) => [`${name.toUpperCase()}_PORT`, '0']));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_PORT: '0',
    ...servicePorts,
    PERCEPTIQ_DATA_DIR: dataDir,
    // Given rather than generated, so start-up prints no token banner on stdout.
    PERCEPTIQ_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
    CONTEXT_TTL_SECONDS: '3600',
    GATEWAY_PASSTHROUGH: process.env.GATEWAY_PASSTHROUGH ?? 'true',
  });
  const stack = await startEmbedded(config);
  stack.lifecycle.installSignalHandlers();
  // Lifecycle.stop() is idempotent, so this cannot race a signal-driven stop.
  process.stdin.on('end', () => void stack.stop().then(() => process.exit(0)));
  process.stdin.resume();
  const info: EdgeServerInfo = {
    pid: process.pid,
    restUrl: stack.restUrl,
    gatewayUrl: stack.gatewayUrl,
    serviceUrls: stack.serviceUrls,
    adminToken: stack.adminToken,
    dataDir,
    passthrough: config.gateway.passthrough,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`edge-server failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
