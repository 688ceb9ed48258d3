/**
 * The server side of the edge benchmark, in its own process so the load generator never shares
 * an event loop with the code it measures: the whole embedded stack on free loopback ports over
 * the data dir given as the first argument, silent logs, and signed contexts valid for an hour
 * (so a context the bench signs once stays valid for the whole run).
 *
 * Prints one JSON line on stdout once serving ({@link EdgeServerInfo}); stops gracefully on
 * SIGTERM/SIGINT (the stack's own handler), or when stdin closes because the runner went away
 * (then it also removes the data dir).
 * The only settings taken from the environment: `GATEWAY_PASSTHROUGH`, and `OCR_WORKERS` and `OCR_DPI`
 * when set (the ocr suite's scanned PDFs: workers = cores, and `--scan-dpi`); the rest are defaults.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadConfig, startEmbedded, type EmbeddedStack } from '@perceptiq/launcher';

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
    ...(process.env.OCR_WORKERS ? { OCR_WORKERS: process.env.OCR_WORKERS } : {}),
    ...(process.env.OCR_DPI ? { OCR_DPI: process.env.OCR_DPI } : {}),
  });
  // The runner went away without stopping us (stdin closed, or stdout broke): stop, and remove the
  // data dir it can no longer remove. Lifecycle.stop() is idempotent, so this cannot race a signal.
  let stack: EmbeddedStack | undefined;
  let orphaned = false;
  const orphan = () => {
    if (orphaned) return;
    orphaned = true;
    void (stack?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.stdin.on('end', orphan);
  process.stdout.on('error', orphan);
  process.stdin.resume();

  const started = await startEmbedded(config);
  stack = started;
  started.lifecycle.installSignalHandlers();
  const info: EdgeServerInfo = {
    pid: process.pid,
    restUrl: started.restUrl,
    gatewayUrl: started.gatewayUrl,
    serviceUrls: started.serviceUrls,
    adminToken: started.adminToken,
    dataDir,
    passthrough: config.settings.gateway.passthrough,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`edge-server failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
