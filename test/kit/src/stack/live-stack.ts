import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';
import { distinctPorts } from '../nats.js';
import { launcherEntry } from './launcher-entry.js';

/**
 * The embedded stack exactly as `npm start` runs it: its own process, started from the built
 * `dist/`, with `NODE_ENV` unset unless `env` sets it (jest sets it to `test` in this process, so
 * in-process stacks cannot show what a user's start does). Hardening tests use it to watch the process from
 * outside: is it still alive, how much memory does it hold, does it still answer others.
 */
export interface LiveStack {
  restUrl: string;
  gatewayUrl: string;
  /** Each subgraph's `/graphql` on its own port. */
  serviceUrls: Record<ServiceName, string>;
  metricsPort: number;
  adminToken: string;
  dataDir: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident set size now, from /proc (bytes). */
  rssBytes(): number;
  /** Peak resident set size since start (VmHWM, bytes). */
  peakRssBytes(): number;
  alive(): boolean;
  stop(): Promise<void>;
}

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface LiveStackOptions {
  /** Runs on the fresh (empty) data dir before the process starts, e.g. to plant a secret file. */
  prepareDataDir?(dir: string): void;
}

export async function startLiveStack(env: Record<string, string> = {}, options: LiveStackOptions = {}): Promise<LiveStack> {
  const embeddedJs = launcherEntry('embedded.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'perceptiq-live-'));
  options.prepareDataDir?.(dataDir);
  const freePort = distinctPorts();
  const port = await freePort();
  const gatewayPort = await freePort();
  const metricsPort = await freePort();
  const servicePorts: Record<string, string> = {};
  for (const name of SERVICE_NAMES) servicePorts[`${name.toUpperCase()}_PORT`] = String(await freePort());
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PERCEPTIQ_DATA_DIR: dataDir,
    PORT: String(port),
    GATEWAY_PORT: String(gatewayPort),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    ...servicePorts,
    ...env,
  };
  // Only the variables above reach the child: no NODE_ENV unless `env` sets one, as `npm start` runs.
  const child: ChildProcess = spawn(process.execPath, [embeddedJs], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const restUrl = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!alive()) {
      await stop();
      throw new Error(`the stack exited (code ${child.exitCode}, signal ${child.signalCode}) before serving:\n${output.slice(-2000)}`);
    }
    try {
      if ((await fetch(`${restUrl}/readyz`)).ok && (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the stack did not become ready within 60 s:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    restUrl,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
    serviceUrls: Object.fromEntries(SERVICE_NAMES.map((name) => [name, `http://127.0.0.1:${servicePorts[`${name.toUpperCase()}_PORT`]}/graphql`])) as Record<ServiceName, string>,
    metricsPort,
    adminToken: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
    dataDir,
    pid: child.pid!,
    output: () => output,
    rssBytes: () => procStatusBytes(child.pid!, 'VmRSS'),
    peakRssBytes: () => procStatusBytes(child.pid!, 'VmHWM'),
    alive,
    stop,
  };
}
