import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeProfile } from './cpu-profile.js';
import { startDistributedStack } from './distributed-server.js';
import { createClient, createLibrary, type Client, type EdgeStack } from './edge-fixtures.js';
import { fmtInt, ms, PROFILED, report, type Endpoints, type ExitRecord, type ModeRuns, type ProfiledKey, type Profiles, type Run, type SharePair } from './edge-report.js';
import { clientTargets, ENDPOINTS, labelOf, LIBRARY_SIZE, libraryTargets, preflight, SHARE_ROUNDS } from './edge-targets.js';
import { measure, type LoadResult, type LoadTarget } from './load.js';
import { startEdgeServer, startHelloServer } from './server-process.js';
import type { Suite, SuiteContext, SuiteReport } from './suite.js';

/**
 * The edge: the REST endpoints a partner calls most (`/v1/me`, the document listing empty and with
 * 100 documents, one document, the processing status) and the gateway's single- and cross-subgraph
 * queries, for the embedded stack (one server process) and the distributed one (seven role
 * processes and a nats-server). Then what the federated gateway costs against querying a subgraph
 * directly — at one connection (added latency) and at 32 (throughput share) — for Perceptiq's
 * gateway and, in a second server process, for the stock `@apollo/gateway` executor path
 * (`GATEWAY_PASSTHROUGH=false`). A third embedded server runs under `--cpu-prof` to show where the time goes.
 */

const MANY = 32;

export const edgeSuite: Suite = {
  name: 'edge',
  description: 'REST endpoints and gateway queries, embedded and distributed, and gateway overhead vs direct subgraph calls (servers in child processes)',
  run: runEdge,
};

/** A stack under test however it was started, and how to stop it (how each of its processes ended). */
interface Started {
  stack: EdgeStack;
  stop(): Promise<ExitRecord[]>;
}

async function runEdge(ctx: SuiteContext): Promise<SuiteReport> {
  const exits: ExitRecord[] = [];
  const runs: Run[] = [];
  /** Measure one target against one stack, and keep the run for the report. */
  const recorder = (server: string, pids: number[]) => async (label: string, target: LoadTarget, connections: number, durationSec = ctx.durationSec): Promise<LoadResult> => {
    ctx.log(`${server}: ${label}, ${connections} connection${connections === 1 ? '' : 's'}, ${durationSec} s (+${ctx.warmupSec} s warm-up)`);
    const result = await measure(`${server}: ${label}`, target, { connections, durationSec, warmupSec: ctx.warmupSec, serverPids: pids });
    const cpu = result.cpu ? `; CPU cores: server ${result.cpu.server.toFixed(2)}, bench ${result.cpu.bench.toFixed(2)}, other ${result.cpu.other.toFixed(2)}` : '';
    ctx.log(`   ${fmtInt(result.rps)} req/s, p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}${cpu}`);
    runs.push({ label, server, result });
    return result;
  };
  /** Start a stack, create the (empty-workspace) client through the API, run `body`, and always stop every process. */
  const withStack = async <T>(label: string, start: () => Promise<Started>, body: (stack: EdgeStack, client: Client, record: ReturnType<typeof recorder>) => Promise<T>) => {
    const started = await start();
    try {
      const client = await createClient(started.stack, 'bench@example.com');
      return await body(started.stack, client, recorder(label, started.stack.pids));
    } finally {
      const ended = await started.stop();
      for (const e of ended) ctx.log(`${e.label} stopped: ${e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`}`);
      exits.push(...ended);
    }
  };
  const embedded = (label: string, env: Record<string, string> = {}, nodeArgs: string[] = []) => async (): Promise<Started> => {
    const settings = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...nodeArgs.slice(0, 1)];
    ctx.log(`starting the ${label} server (embedded${settings.length ? `, ${settings.join(' ')}` : ''})`);
    const server = await startEdgeServer({ label, env, nodeArgs });
    const { pid, restUrl, gatewayUrl, serviceUrls, adminToken, dataDir } = server.info;
    const stop = async () => [{ label, ...(await server.stop()) }];
    let contextSecret: string;
    try {
      contextSecret = readFileSync(join(dataDir, 'context-secret'), 'utf8').trim();
    } catch (err) {
      await stop();
      throw err;
    }
    return { stack: { pids: [pid], restUrl, gatewayUrl, serviceUrls, adminToken, contextSecret }, stop };
  };
  const distributed = (label: string) => async (): Promise<Started> => {
    ctx.log(`starting the ${label} stack (nats-server and one process per role)`);
    const { info, stop } = await startDistributedStack(label);
    return { stack: info, stop };
  };
  /**
   * Every endpoint of {@link ENDPOINTS} at MANY connections, `/v1/me` first, on a fresh client with
   * documents; then `/v1/me` and the empty listing again, in turns, for the share's further rounds.
   */
  const measureEndpoints = async (stack: EdgeStack, client: Client, record: ReturnType<typeof recorder>): Promise<ModeRuns> => {
    const library = await createLibrary(stack, LIBRARY_SIZE, ctx.log);
    const t = { ...clientTargets(stack, client), ...libraryTargets(stack, library) };
    await preflight(ENDPOINTS.map(([key]) => t[key]));
    const endpoints = {} as Endpoints;
    for (const [key, label] of ENDPOINTS) endpoints[key] = await record(label, t[key], MANY);
    const shareRounds: SharePair[] = [{ me: endpoints.me, documents: endpoints.documents }];
    for (let round = 2; round <= SHARE_ROUNDS; round++) {
      const me = await record(`${labelOf('me')}, share round ${round}`, t.me, MANY);
      const documents = await record(`${labelOf('documents')}, share round ${round}`, t.documents, MANY);
      shareRounds.push({ me, documents });
    }
    return { endpoints, shareRounds };
  };

  // ── Calibration: what bare node:http, and one bare Express route, reach with this machine and load generator ──
  const calibrate = async (label: string, env: Record<string, string>, what: string): Promise<LoadResult> => {
    ctx.log(`starting the ${label} server (${what})`);
    const hello = await startHelloServer({ label, env });
    try {
      const target: LoadTarget = { url: hello.info.url, verify: (b) => b.includes('calibration') };
      await preflight([target]);
      return await recorder(label, [hello.info.pid])(`${what}, fixed JSON body`, target, MANY);
    } finally {
      exits.push({ label, ...(await hello.stop()) });
    }
  };
  const calibration = await calibrate('calibration', {}, 'bare node:http');
  const expressCalibration = await calibrate('express', { HELLO_FRAMEWORK: 'express' }, 'one bare Express 5 route');

  // ── Perceptiq embedded, as configured by default (gateway pass-through on) ──
  const ours = await withStack('ours', embedded('ours'), async (stack, client, record) => {
    const { endpoints, shareRounds } = await measureEndpoints(stack, client, record);
    const t = clientTargets(stack, client);
    await preflight([t.direct, t.gatewayKey]);
    const direct1 = await record('trivial query, direct to access subgraph', t.direct, 1);
    const signed1 = await record('trivial query, gateway, signed context', t.single, 1);
    const key1 = await record('trivial query, gateway, API key', t.gatewayKey, 1);
    const directN = await record('trivial query, direct to access subgraph', t.direct, MANY);
    return { endpoints, shareRounds, direct1, signed1, key1, directN };
  });

  // ── The stock @apollo/gateway executor for every operation. The direct runs are the ours server's:
  // the setting changes only the gateway, and two more runs would push the suite past its time budget. ──
  const stock = await withStack('stock', embedded('stock', { GATEWAY_PASSTHROUGH: 'false' }), async (stack, client, record) => {
    const t = clientTargets(stack, client);
    await preflight([t.single]);
    const signed1 = await record('trivial query, gateway, signed context', t.single, 1);
    const signedN = await record('trivial query, gateway, signed context', t.single, MANY);
    return { signed1, signedN };
  });

  // ── Distributed: the same endpoints, each role in its own process over NATS ──
  const dist = await withStack('distributed', distributed('distributed'), measureEndpoints);

  // ── Where the time goes: the default embedded server again, under the CPU profiler. Half-length
  // windows: a profile's shares settle sooner than a throughput figure, and the suite must stay
  // within about eight minutes. ──
  const profileSec = Math.max(1, Math.round(ctx.durationSec / 2));
  const profileDir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-prof-'));
  let profiles: Profiles;
  try {
    const windows = await withStack('profiled', embedded('profiled', {}, ['--cpu-prof', '--cpu-prof-dir', profileDir]), async (stack, client, record) => {
      const t = clientTargets(stack, client);
      await preflight(PROFILED.map((key) => t[key]));
      const out = {} as Record<ProfiledKey, LoadResult>;
      for (const key of PROFILED) out[key] = await record(labelOf(key), t[key], MANY, profileSec);
      return out;
    });
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`the profiled server wrote no .cpuprofile into ${profileDir}`);
    let path = join(profileDir, file);
    if (ctx.keepProfilesIn) {
      mkdirSync(ctx.keepProfilesIn, { recursive: true });
      const kept = join(ctx.keepProfilesIn, `edge-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      copyFileSync(path, kept);
      ctx.log(`CPU profile kept in ${kept}`);
      path = kept;
    }
    profiles = Object.fromEntries(PROFILED.map((key) => [key, { run: windows[key], summary: summarizeProfile(path, ctx.repoRoot, windows[key].windowUs) }])) as Profiles;
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }

  return report({ ctx, connections: MANY, profileSec, calibration, expressCalibration, ours, stock, dist, profiles, runs, exits });
}
