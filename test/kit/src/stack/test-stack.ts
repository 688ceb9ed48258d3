import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, type ServiceName } from '@perceptiq/contracts';
import { loadConfig, startEmbedded } from '@perceptiq/launcher';
import { distinctPorts, startNatsServer } from '../nats.js';
import { launcherEntry } from './launcher-entry.js';

export type StackMode = 'embedded' | 'distributed';

export interface TestStack {
  mode: StackMode;
  /** The first REST adapter; `restUrls` lists every replica. */
  restUrl: string;
  restUrls: string[];
  gatewayUrl: string;
  serviceUrls: Record<ServiceName, string>;
  /** Each process's Prometheus `/metrics` URL by role; embedded: one process, every role's URL is the same. */
  metricsUrls: Record<ServiceName | 'gateway' | 'rest-adapter', string>;
  adminToken: string;
  dataDir: string;
  /** Distributed only: SIGKILL one role's process (a crash), then start it again with the same settings. */
  crash?(role: string): Promise<void>;
  /** Distributed only: SIGKILL one role's process without starting it again. */
  kill?(role: string): Promise<void>;
  /** Distributed only: start a role's process again after `kill`. */
  revive?(role: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Distributed: how many REST adapter processes (default 1). */
  restReplicas?: number;
  env?: Record<string, string>;
  dataDir?: string;
  keepData?: boolean;
  /** Embedded: `false` wires the edge and the subgraphs over loopback HTTP instead of in process (the launcher's default). */
  inProcess?: boolean;
}

/**
 * Start the whole stack as a partner sees it, on free loopback ports with a fresh data dir:
 * embedded (in this process) or distributed (one process per role over a real nats-server,
 * started from the built `dist/`, as `npm test` builds it first).
 */
export async function startTestStack(mode: StackMode, options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `perceptiq-${mode}-`));
  const stack =
    mode === 'embedded'
      ? await startEmbeddedStack(dataDir, options.env ?? {}, options.inProcess)
      : await startDistributedStack(dataDir, options.restReplicas ?? 1, options.env ?? {});
  if (!options.keepData) return stack;
  // The caller starts another stack on the same data dir (a restart) and removes it itself.
  return { ...stack, stop: () => stack.stopKeepingData() };
}

async function startEmbeddedStack(
  dataDir: string,
  env: Record<string, string>,
  inProcess: boolean | undefined,
): Promise<TestStack & { stopKeepingData(): Promise<void> }> {
  const ports = Object.fromEntries(SERVICE_NAMES.map((n) => [`${n.toUpperCase()}_PORT`, '0']));
  const config = loadConfig({ PERCEPTIQ_DATA_DIR: dataDir, PORT: '0', GATEWAY_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'silent', ...ports, ...env });
  const stack = await startEmbedded(config, { inProcess });
  return {
    mode: 'embedded',
    restUrl: stack.restUrl,
    restUrls: [stack.restUrl],
    gatewayUrl: stack.gatewayUrl,
    serviceUrls: stack.serviceUrls,
    metricsUrls: Object.fromEntries([...SERVICE_NAMES, 'gateway', 'rest-adapter'].map((role) => [role, stack.metricsUrl])) as TestStack['metricsUrls'],
    adminToken: stack.adminToken,
    dataDir,
    stopKeepingData: () => stack.stop(),
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startDistributedStack(
  dataDir: string,
  restReplicas: number,
  env: Record<string, string>,
): Promise<TestStack & { stopKeepingData(): Promise<void> }> {
  const serviceJs = launcherEntry('service.js');
  const nats = await startNatsServer();
  const children: Array<{ role: string; child: ChildProcess }> = [];
  const secret = () => randomBytes(24).toString('base64url');
  const ports: Record<string, number> = {};
  const nextPort = distinctPorts();
  for (const name of SERVICE_NAMES) ports[name] = await nextPort();
  ports.gateway = await nextPort();
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NATS_URL: nats.url,
    PERCEPTIQ_DATA_DIR: dataDir,
    PERCEPTIQ_ADMIN_TOKEN: secret(),
    PERCEPTIQ_KEY_SECRET: secret(),
    PERCEPTIQ_CONTEXT_SECRET: secret(),
    LOG_LEVEL: process.env.PERCEPTIQ_TEST_LOG_LEVEL ?? 'warn',
    GATEWAY_PORT: String(ports.gateway),
    GATEWAY_URL: `http://127.0.0.1:${ports.gateway}/graphql`,
    ...Object.fromEntries(
      SERVICE_NAMES.flatMap((n) => [
        [`${n.toUpperCase()}_PORT`, String(ports[n])],
        [`${n.toUpperCase()}_URL`, `http://127.0.0.1:${ports[n]}/graphql`],
      ]),
    ),
    ...env,
  };
  const launches = new Map<string, { port: number; extra: Record<string, string> }>();
  const metricsUrls: Record<string, string> = {};
  const start = async (role: string, port: number, extra: Record<string, string> = {}) => {
    // Each process serves its metrics on a port of its own; a revived process keeps its port (in `extra`).
    const metricsPort = extra.METRICS_PORT ?? String(await nextPort());
    extra = { ...extra, METRICS_PORT: metricsPort };
    metricsUrls[role] ??= `http://127.0.0.1:${metricsPort}/metrics`;
    const child = spawn(process.execPath, [serviceJs, role], { env: { ...common, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push({ role, child });
    launches.set(role, { port, extra });
    await waitReady(`http://127.0.0.1:${port}/readyz`, role, child);
    return `http://127.0.0.1:${port}`;
  };
  const kill = async (role: string) => {
    const entry = [...children].reverse().find((c) => c.role === role && c.child.exitCode === null && c.child.signalCode === null);
    if (!entry) throw new Error(`no running ${role} process`);
    await new Promise<void>((resolve) => {
      entry.child.once('exit', () => resolve());
      entry.child.kill('SIGKILL');
    });
  };
  const revive = async (role: string) => {
    const launch = launches.get(role);
    if (!launch) throw new Error(`${role} was never started`);
    await start(role, launch.port, launch.extra);
  };
  const stopProcesses = async () => {
    await Promise.all(
      children.reverse().map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone (killed by a test)
            const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await nats.stop();
  };
  const stop = async () => {
    await stopProcesses();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const serviceUrls = {} as Record<ServiceName, string>;
    await Promise.all(
      SERVICE_NAMES.map(async (n) => {
        serviceUrls[n] = `${await start(n, ports[n]!)}/graphql`;
      }),
    );
    const gateway = await start('gateway', ports.gateway!);
    const restUrls: string[] = [];
    for (let i = 0; i < restReplicas; i++) {
      const restPort = await nextPort();
      restUrls.push(await start('rest-adapter', restPort, { PORT: String(restPort) }));
    }
    return {
      mode: 'distributed',
      restUrl: restUrls[0]!,
      restUrls,
      gatewayUrl: `${gateway}/graphql`,
      serviceUrls,
      metricsUrls: metricsUrls as TestStack['metricsUrls'],
      adminToken: common.PERCEPTIQ_ADMIN_TOKEN!,
      dataDir,
      kill,
      revive,
      crash: async (role) => {
        await kill(role);
        await revive(role);
      },
      stopKeepingData: stopProcesses,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitReady(url: string, role: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${role} exited with code ${child.exitCode} before becoming ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${role} was not ready at ${url} within ${timeoutMs} ms`);
}
