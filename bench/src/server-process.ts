import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdgeServerInfo } from './edge-server.js';
import type { HelloServerInfo } from './hello-server.js';

/**
 * Set for every server under test. `@apollo/gateway` otherwise probes the AWS/GCP/Azure metadata
 * endpoints at start-up and exports usage metrics to apollographql.com; the bench stays on 127.0.0.1.
 */
// The edge bench signs one context per target for its whole run (a direct subgraph call is its
// baseline), so the servers accept contexts that live an hour.
export const SERVER_ENV: Readonly<Record<string, string>> = { APOLLO_TELEMETRY_DISABLED: 'true', CONTEXT_TTL_SECONDS: '3600' };

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** A server under test, in its own process: what it printed on start, and how to stop it. */
export interface ServerProcess<I extends { pid: number } = EdgeServerInfo> {
  info: I;
  /** Graceful stop (SIGTERM, SIGKILL after a deadline); removes its temp dir; resolves with how the process ended. */
  stop(): Promise<ServerExit>;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerOptions {
  label: string;
  /** Extra environment for the child (on top of the runner's own and {@link SERVER_ENV}). */
  env?: Record<string, string>;
  /** Node flags placed before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** Every child process still running, so the runner can stop them all if it is interrupted. */
const running = new Set<{ stop(): Promise<ServerExit> }>();

export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

/** `edge-server.js` (the whole embedded stack) over a fresh temp data dir. */
export function startEdgeServer(options: ServerOptions): Promise<ServerProcess<EdgeServerInfo>> {
  return startServer<EdgeServerInfo>(new URL('./edge-server.js', import.meta.url), options, (info) => typeof info.restUrl === 'string');
}

/** `hello-server.js`: bare node:http, the machine's ceiling for this load generator. */
export function startHelloServer(options: ServerOptions): Promise<ServerProcess<HelloServerInfo>> {
  return startServer<HelloServerInfo>(new URL('./hello-server.js', import.meta.url), options, (info) => typeof info.url === 'string');
}

/** A child process the runner owns until it ends. */
export interface OwnedChild {
  child: ChildProcess;
  /** Set once the process has ended (or could not be started). */
  readonly ended: boolean;
  /** Graceful stop (the stop signal, SIGKILL after a deadline), then `cleanup`; idempotent. */
  stop(): Promise<ServerExit>;
}

export interface OwnedOptions {
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
  /** Runs once the process has ended. */
  cleanup?: () => void;
  /** What `stop()` sends first (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
}

/** Spawn a child that {@link stopAllServers} stops too. */
export function spawnOwned(command: string, args: string[], options: OwnedOptions): OwnedChild {
  const child = spawn(command, args, { env: options.env, stdio: options.stdio });
  let ended = false;
  // 'error' without 'exit' when the command cannot be started at all (e.g. not on PATH).
  const exit = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }));
  }).finally(() => (ended = true));
  let stopped: Promise<ServerExit> | undefined;
  const owned: OwnedChild = {
    child,
    get ended() {
      return ended;
    },
    stop: () =>
      (stopped ??= stopChild(child, exit, options.stopSignal ?? 'SIGTERM').finally(() => {
        running.delete(owned);
        options.cleanup?.();
      })),
  };
  running.add(owned);
  return owned;
}

/**
 * Start `script <temp dir>` with this node in a child process and wait for the JSON line it prints
 * once serving. The child stops itself if its stdin closes, so it cannot outlive the runner.
 */
async function startServer<I extends { pid: number }>(script: URL, options: ServerOptions, isInfo: (line: I) => boolean): Promise<ServerProcess<I>> {
  const dir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-'));
  const owned = spawnOwned(process.execPath, [...(options.nodeArgs ?? []), script.pathname, dir], {
    env: { ...process.env, ...SERVER_ENV, ...options.env },
    stdio: ['pipe', 'pipe', 'inherit'],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  try {
    return { info: await readInfo(owned.child, options.label, isInfo), stop: owned.stop };
  } catch (err) {
    await owned.stop();
    throw err;
  }
}

function readInfo<I>(child: ChildProcess, label: string, isInfo: (line: I) => boolean): Promise<I> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`${label} server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const onExit = (code: number | null) => fail(new Error(`${label} server exited (code ${code}) before it was serving`));
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        let info: I;
        try {
          info = JSON.parse(line) as I;
        } catch {
          continue; // not our line
        }
        if (!isInfo(info)) continue;
        done();
        return resolve(info);
      }
    };
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining, or a chatty child would block on a full pipe
    };
    const fail = (err: Error) => {
      done();
      reject(err);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess, exit: Promise<ServerExit>, signal: NodeJS.Signals): Promise<ServerExit> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.kill(signal);
    const ended = await exit;
    clearTimeout(killer);
    child.stdin?.destroy();
    return ended;
  }
  child.stdin?.destroy();
  return exit;
}
