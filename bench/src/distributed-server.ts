import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@perceptiq/launcher';
import type { EdgeStack } from './edge-fixtures.js';
import { SERVER_ENV, spawnOwned, type OwnedChild, type OwnedOptions, type ServerExit } from './server-process.js';

/**
 * The distributed stack for the edge suite, as README.md "Running it distributed" starts it: a
 * real `nats-server` (JetStream on) and `launcher/dist/service.js <role>` once per role, each in
 * its own process, on free loopback ports over one fresh data dir, with secrets generated here.
 */
export interface DistributedStack {
  /** `pids`: the seven roles and nats-server; `contextSecret`: the `PERCEPTIQ_CONTEXT_SECRET` every role was given. */
  info: EdgeStack;
  /** Stop every role (SIGTERM, in parallel), then nats-server; removes the data dir; how each process ended. */
  stop(): Promise<Array<ServerExit & { label: string }>>;
}

const SERVICE_JS = fileURLToPath(new URL('./service.js', import.meta.resolve('@perceptiq/launcher')));
const ORPHAN_GUARD = new URL('./orphan-guard.js', import.meta.url).href;
const READY_TIMEOUT_MS = 60_000;

export async function startDistributedStack(label: string): Promise<DistributedStack> {
  const services = Object.keys(loadConfig({}).services);
  const dir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-'));
  const [natsPort, natsMonitor, restPort, gatewayPort, ...servicePorts] = await freePorts(4 + services.length);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const serviceUrls = Object.fromEntries(services.map((name, i) => [name, `${url(servicePorts[i]!)}/graphql`]));
  const secret = () => randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    // Only what the roles need: settings left in the runner's environment (NATS_URL, MONGODB_URI, …) must not leak in.
    PATH: process.env.PATH ?? '',
    ...SERVER_ENV,
    HOST: '127.0.0.1',
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
    PERCEPTIQ_DATA_DIR: join(dir, 'data'),
    PERCEPTIQ_ADMIN_TOKEN: secret(),
    PERCEPTIQ_KEY_SECRET: secret(),
    PERCEPTIQ_CONTEXT_SECRET: secret(),
    LOG_LEVEL: 'silent', // as the embedded server: logging is no part of what is measured
    PORT: String(restPort),
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_URL: `${url(gatewayPort!)}/graphql`,
    // Nobody scrapes the metrics here; port 0 spares seven more port picks.
    METRICS_PORT: '0',
    ...Object.fromEntries(services.flatMap((name, i) => [[`${name.toUpperCase()}_PORT`, String(servicePorts[i])], [`${name.toUpperCase()}_URL`, serviceUrls[name]!]])),
  };

  const processes: Array<{ label: string; owned: OwnedChild }> = [];
  const stop = async () => {
    const [nats, ...roles] = processes;
    const exits = await Promise.all(roles.map(async (p) => ({ label: p.label, ...(await p.owned.stop()) })));
    // Last, so the roles drain over a live bus.
    if (nats) exits.push({ label: nats.label, ...(await nats.owned.stop()) });
    rmSync(dir, { recursive: true, force: true });
    return exits;
  };
  const start = async (name: string, command: string, args: string[], readyUrl: string, extra: Pick<OwnedOptions, 'stdio' | 'stopSignal'>) => {
    const owned = spawnOwned(command, args, { env, ...extra });
    processes.push({ label: `${label} ${name}`, owned });
    await waitReady(readyUrl, `${label} ${name}`, owned);
  };
  const role = (name: string, port: number) =>
    start(name, process.execPath, ['--import', ORPHAN_GUARD, SERVICE_JS, name], `${url(port)}/readyz`, { stdio: ['ignore', 'inherit', 'inherit'] });

  try {
    const natsDir = join(dir, 'nats');
    mkdirSync(natsDir);
    // Its banner goes to stderr: silenced. SIGINT is the same graceful shutdown as SIGTERM, but exits 0 rather than 1.
    // Unlike the roles it cannot watch for the runner going away: only a runner killed outright leaves it behind.
    const natsArgs = ['-a', '127.0.0.1', '-p', String(natsPort), '-m', String(natsMonitor), '-js', '-sd', natsDir];
    await start('nats-server', 'nats-server', natsArgs, `${url(natsMonitor!)}/healthz`, { stdio: 'ignore', stopSignal: 'SIGINT' });
    // All at once, as the README's loop does: a role's readiness needs only the bus and its own store.
    await Promise.all([...services.map((name, i) => role(name, servicePorts[i]!)), role('gateway', gatewayPort!), role('rest-adapter', restPort!)]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    info: {
      pids: processes.map((p) => p.owned.child.pid!),
      restUrl: url(restPort!),
      gatewayUrl: env.GATEWAY_URL!,
      serviceUrls,
      adminToken: env.PERCEPTIQ_ADMIN_TOKEN!,
      contextSecret: env.PERCEPTIQ_CONTEXT_SECRET!,
    },
    stop,
  };
}

/** Poll until `url` answers 2xx; fail if the process ends first or takes too long. */
async function waitReady(url: string, label: string, owned: OwnedChild): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (owned.ended) throw new Error(`${label} ended before it was ready (exit code ${owned.child.exitCode ?? 'none: not started; is it on PATH?'})`);
    if (await fetch(url).then((res) => res.ok, () => false)) return; // refused until it listens
    if (Date.now() > deadline) throw new Error(`${label} was not ready at ${url} within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` distinct free loopback ports: bound all at once (so the OS cannot hand one out twice), then released for the stack. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer().once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
