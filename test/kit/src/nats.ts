import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A real, disposable `nats-server` (JetStream on, storage in a temp dir) on free ports, for tests
 * that must not mock NATS. Readiness is its `/healthz` monitoring endpoint, not a sleep.
 */
export interface NatsServer {
  url: string;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read the port of a probe socket');
  return address.port;
}

/**
 * `freePort` for a set of processes started together: a port stays free until its process binds
 * it, so the OS may offer the same one twice; this never hands one out twice.
 */
export function distinctPorts(): () => Promise<number> {
  const taken = new Set<number>();
  return async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
}

/** Poll `check` until it returns true; fail after `timeoutMs`, or at once if `check` throws. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 20, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

/** Debian installs the binary in /usr/sbin, which is not on every user's PATH. */
async function findBinary(): Promise<string> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'nats-server');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error('nats-server not found: install it (apt-get install nats-server) — tests need a real NATS server');
}

export async function startNatsServer(): Promise<NatsServer> {
  const binary = await findBinary();
  const [port, monitorPort] = [await freePort(), await freePort()];
  const storeDir = await mkdtemp(join(tmpdir(), 'perceptiq-nats-'));
  const child: ChildProcess = spawn(
    binary,
    ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-js', '-sd', storeDir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // The server logs to stderr; keep the tail for error messages, and keep reading so it never blocks.
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  let exited = false;
  const exit = once(child, 'exit').then(() => (exited = true));

  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exit;
    await rm(storeDir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`nats-server exited:\n${log}`);
        // Refused until the server listens: keep polling.
        return fetch(`http://127.0.0.1:${monitorPort}/healthz`).then((res) => res.ok, () => false);
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'nats-server /healthz' },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, stop };
}
