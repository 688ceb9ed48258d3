import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextSigner, type Principal } from '@perceptiq/platform';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { measure, type LoadResult, type LoadTarget } from './load.js';
import { SERVER_ENV, startEdgeServer, startHelloServer, type ServerExit, type ServerProcess } from './server-process.js';
import type { Suite, SuiteContext, SuiteReport } from './suite.js';

/**
 * The edge: authenticated `GET /v1/me` through the REST adapter, and what the federated gateway
 * costs against querying a subgraph directly — at one connection (added latency) and at 32
 * (throughput share) — for Perceptiq's gateway (single-subgraph pass-through) and, in a second
 * server process in the same run, for the stock `@apollo/gateway` executor path
 * (`GATEWAY_PASSTHROUGH=false`). A third server runs under `--cpu-prof` to show where the time goes.
 */

const TARGETS = {
  meRps: 3_000,
  meP99Ms: 15,
  gatewayAddedMs: 1,
  gatewayShare: 0.35,
};
/** STACK.md, "Measured here": a stock `@apollo/gateway` reaches about 18 % of direct on this kind of machine. */
const STOCK_SHARE_SEEN = 0.18;

const TRIVIAL = '{ me { clientId } }';
const CROSS = '{ me { clientId } summary { totalDocuments } }';
const MANY = 32;

interface Client {
  apiKey: string;
  clientId: string;
  /** Signed client contexts for this server (for the gateway, and for the access subgraph), valid for an hour. */
  context: Record<string, string>;
  accessContext: Record<string, string>;
}

interface Run {
  label: string;
  server: string;
  result: LoadResult;
}

export const edgeSuite: Suite = {
  name: 'edge',
  description: 'REST /v1/me and gateway overhead vs direct subgraph calls (embedded stack, separate server process)',
  run: runEdge,
};

interface ExitRecord extends ServerExit {
  label: string;
}

async function runEdge(ctx: SuiteContext): Promise<SuiteReport> {
  const exits: ExitRecord[] = [];
  const withServer = <T>(label: string, env: Record<string, string>, body: (server: ServerProcess, client: Client) => Promise<T>, nodeArgs: string[] = []) =>
    withEdgeServer(ctx, exits, label, env, body, nodeArgs);
  const runs: Run[] = [];
  /** Measure one target against one server process, and keep the run for the report. */
  const recorder = (server: string, pid: number) => async (label: string, target: LoadTarget, connections: number): Promise<LoadResult> => {
    ctx.log(`${server}: ${label}, ${connections} connection${connections === 1 ? '' : 's'}, ${ctx.durationSec} s (+${ctx.warmupSec} s warm-up)`);
    const result = await measure(`${server}: ${label}`, target, { connections, durationSec: ctx.durationSec, warmupSec: ctx.warmupSec, serverPid: pid });
    const cpu = result.cpu ? `; CPU cores: server ${result.cpu.server.toFixed(2)}, bench ${result.cpu.bench.toFixed(2)}, other ${result.cpu.other.toFixed(2)}` : '';
    ctx.log(`   ${fmtInt(result.rps)} req/s, p50 ${ms(result.latency.p50)}, p99 ${ms(result.latency.p99)}${cpu}`);
    runs.push({ label, server, result });
    return result;
  };

  // ── Calibration: what bare node:http, and one bare Express route, reach with this machine and load generator ──
  const calibrate = async (label: string, env: Record<string, string>, what: string): Promise<LoadResult> => {
    ctx.log(`starting the ${label} server (${what})`);
    const hello = await startHelloServer({ label, env });
    try {
      const target: LoadTarget = { url: hello.info.url, verify: (b) => b.includes('calibration') };
      await preflight([target]);
      return await recorder(label, hello.info.pid)(`${what}, fixed JSON body`, target, MANY);
    } finally {
      exits.push({ label, ...(await hello.stop()) });
    }
  };
  const calibration = await calibrate('calibration', {}, 'bare node:http');
  const expressCalibration = await calibrate('express', { HELLO_FRAMEWORK: 'express' }, 'one bare Express 5 route');

  // ── Perceptiq as configured by default (gateway pass-through on) ──
  const ours = await withServer('ours', {}, async (server, client) => {
    const t = targets(server, client);
    const record = recorder('ours', server.info.pid);
    await preflight([t.restMe, t.direct, t.gatewaySigned, t.gatewayKey, t.gatewayCross]);
    const me = await record('GET /v1/me (REST)', t.restMe, MANY);
    const direct1 = await record('trivial query, direct to access subgraph', t.direct, 1);
    const signed1 = await record('trivial query, gateway, signed context', t.gatewaySigned, 1);
    const key1 = await record('trivial query, gateway, API key', t.gatewayKey, 1);
    const directN = await record('trivial query, direct to access subgraph', t.direct, MANY);
    const signedN = await record('trivial query, gateway, signed context', t.gatewaySigned, MANY);
    const crossN = await record('cross-subgraph query, gateway, signed context', t.gatewayCross, MANY);
    return { me, direct1, signed1, key1, directN, signedN, crossN };
  });

  // ── The stock @apollo/gateway executor for every operation ──
  const stock = await withServer('stock', { GATEWAY_PASSTHROUGH: 'false' }, async (server, client) => {
    const t = targets(server, client);
    const record = recorder('stock', server.info.pid);
    await preflight([t.direct, t.gatewaySigned]);
    const direct1 = await record('trivial query, direct to access subgraph', t.direct, 1);
    const signed1 = await record('trivial query, gateway, signed context', t.gatewaySigned, 1);
    const directN = await record('trivial query, direct to access subgraph', t.direct, MANY);
    const signedN = await record('trivial query, gateway, signed context', t.gatewaySigned, MANY);
    return { direct1, signed1, directN, signedN };
  });

  // ── Where the time goes: the default server again, under the CPU profiler ──
  const profileDir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-prof-'));
  let profiles: Profiles;
  try {
    const windows = await withServer('profiled', {}, async (server, client) => {
      const t = targets(server, client);
      const record = recorder('profiled', server.info.pid);
      await preflight([t.restMe, t.gatewaySigned, t.direct]);
      const meRun = await record('GET /v1/me (REST)', t.restMe, MANY);
      const gatewayRun = await record('trivial query, gateway, signed context', t.gatewaySigned, MANY);
      const directRun = await record('trivial query, direct to access subgraph', t.direct, MANY);
      return { meRun, gatewayRun, directRun };
    }, ['--cpu-prof', '--cpu-prof-dir', profileDir]);
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
    profiles = {
      me: summarizeProfile(path, ctx.repoRoot, windows.meRun.windowUs),
      gateway: summarizeProfile(path, ctx.repoRoot, windows.gatewayRun.windowUs),
      direct: summarizeProfile(path, ctx.repoRoot, windows.directRun.windowUs),
      ...windows,
    };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }

  return report(ctx, calibration, expressCalibration, ours, stock, profiles, runs, exits);
}

/** Start a server process, create a client through the API, run `body`, and always stop the server. */
async function withEdgeServer<T>(
  ctx: SuiteContext,
  exits: ExitRecord[],
  label: string,
  env: Record<string, string>,
  body: (server: ServerProcess, client: Client) => Promise<T>,
  nodeArgs: string[] = [],
): Promise<T> {
  ctx.log(`starting the ${label} server${Object.keys(env).length ? ` (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''}${nodeArgs.length ? ` with ${nodeArgs[0]}` : ''}`);
  const server = await startEdgeServer({ label, env, nodeArgs });
  try {
    const client = await createClient(server);
    return await body(server, client);
  } finally {
    const ended = await server.stop();
    ctx.log(`the ${label} server stopped: ${ended.signal ? `killed by ${ended.signal}` : `exit code ${ended.code}`}`);
    exits.push({ label, ...ended });
  }
}

/** Request access, enable it with the highest rate limit, and sign a context for direct subgraph calls. */
async function createClient(server: ServerProcess): Promise<Client> {
  const { restUrl, adminToken, dataDir } = server.info;
  const person = { email: 'bench@example.com', company: 'Perceptiq Bench' };
  await call('POST', `${restUrl}/api/access/request`, 202, {
    body: { full_name: 'Bench Runner', ...person, requested_tier: 'enterprise', use_case: 'Benchmarking the edge.', expected_monthly_documents: 1000 },
  });
  const enabled = (await call('POST', `${restUrl}/api/access/enable`, 201, {
    headers: { 'x-admin-token': adminToken },
    body: { ...person, tier: 'enterprise', rate_limit_rpm: 1_000_000 },
  })) as { api_key: string };
  const me = (await call('GET', `${restUrl}/v1/me`, 200, { headers: { authorization: `Bearer ${enabled.api_key}` } })) as { client_id: string };
  const secret = readFileSync(join(dataDir, 'context-secret'), 'utf8').trim();
  const principal = { type: 'client', client: me } as Principal;
  // The servers accept hour-long contexts because SERVER_ENV sets CONTEXT_TTL_SECONDS for the bench.
  const signer = new ContextSigner(secret, 3600_000, 'rest-adapter');
  const caller = { principal, request_id: 'bench', ip: '127.0.0.1' };
  return { apiKey: enabled.api_key, clientId: me.client_id, context: { ...signer.sign(caller, 'gateway') }, accessContext: { ...signer.sign(caller, 'access') } };
}

async function call(method: string, url: string, status: number, init: { headers?: Record<string, string>; body?: unknown }): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${url}: expected HTTP ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

function targets(server: ServerProcess, client: Client) {
  const { restUrl, gatewayUrl, serviceUrls } = server.info;
  const accessUrl = serviceUrls.access;
  if (!accessUrl) throw new Error('the server reported no access subgraph URL');
  const hasMe = (body: string) => !body.includes('"errors"') && body.includes(client.clientId);
  const graphql = (url: string, headers: Record<string, string>, query: string, verify: (body: string) => boolean): LoadTarget => ({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    verify,
  });
  return {
    restMe: { url: `${restUrl}/v1/me`, headers: { authorization: `Bearer ${client.apiKey}` }, verify: hasMe } satisfies LoadTarget,
    direct: graphql(accessUrl, client.accessContext, TRIVIAL, hasMe),
    gatewaySigned: graphql(gatewayUrl, client.context, TRIVIAL, hasMe),
    gatewayKey: graphql(gatewayUrl, { authorization: `Bearer ${client.apiKey}` }, TRIVIAL, hasMe),
    gatewayCross: graphql(gatewayUrl, client.context, CROSS, (b) => hasMe(b) && b.includes('"totalDocuments"')),
  };
}

/** One request per target before any load, so a wrong answer fails with its body rather than as a count. */
async function preflight(list: LoadTarget[]): Promise<void> {
  for (const t of list) {
    const res = await fetch(t.url, { method: t.method ?? 'GET', headers: t.headers ?? {}, ...(t.body === undefined ? {} : { body: t.body }) });
    const text = await res.text();
    if (!res.ok || (t.verify && !t.verify(text))) {
      throw new Error(`preflight ${t.method ?? 'GET'} ${t.url} ${t.body ?? ''}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
  }
}

// ── Report ──

type Ours = { me: LoadResult; direct1: LoadResult; signed1: LoadResult; key1: LoadResult; directN: LoadResult; signedN: LoadResult; crossN: LoadResult };
type Profiles = {
  me: ProfileSummary;
  gateway: ProfileSummary;
  direct: ProfileSummary;
  meRun: LoadResult;
  gatewayRun: LoadResult;
  directRun: LoadResult;
};
type Stock = { direct1: LoadResult; signed1: LoadResult; directN: LoadResult; signedN: LoadResult };

function report(
  ctx: SuiteContext,
  calibration: LoadResult,
  expressCalibration: LoadResult,
  ours: Ours,
  stock: Stock,
  profiles: Profiles,
  runs: Run[],
  exits: ExitRecord[],
): SuiteReport {
  const added = (via: LoadResult, direct: LoadResult) => ({ p50: via.latency.p50 - direct.latency.p50, mean: via.latency.mean - direct.latency.mean });
  const addedSigned = added(ours.signed1, ours.direct1);
  const addedKey = added(ours.key1, ours.direct1);
  const addedStock = added(stock.signed1, stock.direct1);
  const share = ours.signedN.rps / ours.directN.rps;
  const stockShare = stock.signedN.rps / stock.directN.rps;
  const crossShare = ours.crossN.rps / ours.directN.rps;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'SHORT');
  const addedOk = (a: { p50: number; mean: number }) => a.p50 <= TARGETS.gatewayAddedMs && a.mean <= TARGETS.gatewayAddedMs;
  const d = ctx.durationSec;

  const targetRows: string[][] = [
    [`\`GET /v1/me\` throughput (REST, ${MANY} connections, ${d} s)`, `≥ ${fmtInt(TARGETS.meRps)} req/s`, `${fmtInt(ours.me.rps)} req/s`, verdict(ours.me.rps >= TARGETS.meRps)],
    [`\`GET /v1/me\` p99 (same run)`, `≤ ${TARGETS.meP99Ms} ms`, ms(ours.me.latency.p99), verdict(ours.me.latency.p99 <= TARGETS.meP99Ms)],
    [
      'Gateway added latency, 1 connection, signed context (REST adapter path): p50 / mean',
      `≤ ${TARGETS.gatewayAddedMs} ms`,
      `${delta(addedSigned.p50)} / ${delta(addedSigned.mean)}`,
      verdict(addedOk(addedSigned)),
    ],
    [
      'Gateway added latency, 1 connection, API key (key auth + rate count): p50 / mean',
      `≤ ${TARGETS.gatewayAddedMs} ms`,
      `${delta(addedKey.p50)} / ${delta(addedKey.mean)}`,
      verdict(addedOk(addedKey)),
    ],
    [`Gateway throughput as a share of direct (trivial query, ${MANY} connections)`, `≥ ${pct(TARGETS.gatewayShare)}`, pct(share), verdict(share >= TARGETS.gatewayShare)],
  ];

  const referenceRows: string[][] = [
    [
      `Machine ceiling: bare \`node:http\` with a fixed JSON body, ${MANY} connections (calibration server)`,
      '',
      `${fmtInt(calibration.rps)} req/s, p99 ${ms(calibration.latency.p99)}`,
    ],
    ['`GET /v1/me` throughput as a share of that ceiling', '', pct(ours.me.rps / calibration.rps)],
    [
      `One bare Express 5 route doing \`res.json\`, ${MANY} connections (what any Express adapter starts from)`,
      '',
      `${fmtInt(expressCalibration.rps)} req/s, p99 ${ms(expressCalibration.latency.p99)}`,
    ],
    ['`GET /v1/me` throughput as a share of the bare Express route', '', pct(ours.me.rps / expressCalibration.rps)],
    ['Direct subgraph trivial query as a share of that ceiling', '', pct(ours.directN.rps / calibration.rps)],
    ['Stock `@apollo/gateway` executor (`GATEWAY_PASSTHROUGH=false`): throughput share of direct', `~${pct(STOCK_SHARE_SEEN)} seen before (STACK.md)`, pct(stockShare)],
    ['Stock executor: added latency at 1 connection, p50 / mean', '~0.6 ms seen before (STACK.md)', `${delta(addedStock.p50)} / ${delta(addedStock.mean)}`],
    ['Perceptiq gateway throughput ÷ stock gateway throughput', '', `${(ours.signedN.rps / stock.signedN.rps).toFixed(2)}×`],
    [
      `Cross-subgraph \`${CROSS}\` through the gateway (executor path) as a share of the direct trivial query`,
      '',
      `${pct(crossShare)} (${fmtInt(ours.crossN.rps)} req/s)`,
    ],
    ['`GET /v1/me` under the CPU profiler as a share of the same without it (profiler cost)', '', pct(profiles.meRun.rps / ours.me.rps)],
    [
      'Gateway throughput share of direct measured again in the profiled server (second estimate, under the profiler)',
      '',
      `${pct(profiles.gatewayRun.rps / profiles.directRun.rps)} (${fmtInt(profiles.gatewayRun.rps)} / ${fmtInt(profiles.directRun.rps)} req/s)`,
    ],
  ];

  const runRows = runs.map(({ label, server, result: r }) => [
    server,
    label,
    String(r.connections),
    fmtInt(r.rps),
    fmtInt(r.requests),
    ms(r.latency.mean),
    ms(r.latency.p50),
    ms(r.latency.p97_5),
    ms(r.latency.p99),
    ms(r.latency.max),
    `${r.autocannonLatency.p50} / ${r.autocannonLatency.p97_5} / ${r.autocannonLatency.p99}`,
    r.cpu ? `${r.cpu.server.toFixed(2)} / ${r.cpu.bench.toFixed(2)} / ${r.cpu.other.toFixed(2)}` : 'n/a',
    r.cpu ? ms((r.cpu.server * 1000) / r.rps) : 'n/a',
  ]);
  const maxOther = Math.max(0, ...runs.map((r) => r.result.cpu?.other ?? 0));

  const profileSection = (title: string, p: ProfileSummary, run: LoadResult) =>
    [
      `#### ${title}`,
      '',
      `${run.connections} connections, ${fmtInt(run.rps)} req/s under the profiler. ` +
        `Server main thread busy ${pct(p.busyMs / p.windowMs)} of the ${(p.windowMs / 1000).toFixed(1)} s window ` +
        `(${fmtInt(p.busyMs)} ms; idle ${fmtInt(p.idleMs)} ms)${p.windowed ? '' : ' — could not cut the profile to the load window: whole profile shown'}.`,
      '',
      table(
        ['Package', 'Self ms', 'Self share', 'With built-ins it called, ms', 'With built-ins it called, share'],
        p.packages.slice(0, 12).map((r) => [r.name, fmtInt(r.selfMs), pct(r.share), fmtInt(r.chargedMs), pct(r.chargedShare)]),
      ),
      '',
      table(
        ['Top functions by self time', 'ms', 'share of busy'],
        p.functions.map((r) => [code(r.name), fmtInt(r.selfMs), pct(r.share)]),
      ),
      '',
      table(
        ['Perceptiq functions by total time (inclusive of everything they call)', 'ms', 'share of busy'],
        p.repoFunctions.slice(0, 12).map((r) => [code(r.name), fmtInt(r.selfMs), pct(r.share)]),
      ),
    ].join('\n');

  const markdown = [
    `Embedded stack (\`startEmbedded\`, in-process bus, embedded store) in a child process started by the runner; ` +
      `the load generator is autocannon 9 in the runner's own process, on the same cores. Every run is ` +
      `${d} s after ${ctx.warmupSec} s of warm-up, keep-alive, 127.0.0.1 only; every response was checked (2xx and the ` +
      `expected body) and none failed. One client, enabled through the API with \`rate_limit_rpm: 1000000\`.`,
    '',
    '- `GET /v1/me`: REST adapter → key authorization and rate count over the bus (access service) → answered by ' +
      'the adapter from the authorized identity (no gateway hop); a usage event is published per call.',
    `- Trivial query \`${TRIVIAL}\`: *direct* is POSTed straight to the access subgraph with a client context ` +
      'signed by the bench; *signed context* sends the same to the gateway (the REST adapter\'s path); *API key* ' +
      'sends `Authorization: Bearer pa_live_…` to the gateway (internal apps\' path: key auth and rate count included).',
    '- *ours* is the default configuration (single-subgraph operations passed through to their subgraph); *stock* ' +
      'is a second server process with `GATEWAY_PASSTHROUGH=false`, so every operation goes through the stock ' +
      '`@apollo/gateway` executor; *profiled* is a third, the default configuration under `node --cpu-prof`.',
    `- Every server process runs with ${Object.entries(SERVER_ENV).map(([k, v]) => `\`${k}=${v}\``).join(', ')}: otherwise \`@apollo/gateway\` ` +
      'probes cloud metadata endpoints at start-up and exports usage metrics to apollographql.com, and the bench stays on 127.0.0.1.',
    ...exitNote(exits),
    '',
    '### Targets',
    '',
    table(['Measure', 'Target', 'Measured', 'Verdict'], targetRows),
    '',
    'Added latency is the gateway run minus the direct run at one connection (both in the *ours* server): on ' +
      'p50 and on the mean; both must be within the target.',
    '',
    '### Reference figures (same run)',
    '',
    table(['Measure', 'Seen before', 'Measured'], referenceRows),
    '',
    '### Every run',
    '',
    'Latencies in ms from every response\'s exact duration; the last column is autocannon\'s own histogram, ' +
      'which keeps whole milliseconds only. req/s is autocannon\'s `requests.average` (mean of per-second counts).',
    '',
    table(['Server', 'Run', 'Conn', 'req/s', 'Requests', 'Mean', 'p50', 'p97.5', 'p99', 'Max', 'autocannon p50 / p97.5 / p99', 'CPU cores: server / bench / other', 'Server CPU per request'], runRows, 2),
    '',
    `CPU use during the measured window, in cores, from /proc: the server process (all its threads), ` +
      `this load generator, and every other process on the machine (at most ${maxOther.toFixed(2)} cores in any run` +
      `${maxOther > 0.15 ? ' — **other processes competed for the cores; absolute figures are pessimistic**' : ''}). ` +
      'Server CPU per request is the server\'s CPU time divided by the requests it answered: the embedded stack runs ' +
      'the REST adapter, the gateway, the five subgraphs, the bus and the store on one event loop, so once that ' +
      'loop is saturated (about one core) throughput is roughly the inverse of this figure.',
    '',
    '### Where the time goes (CPU profile of the server process)',
    '',
    'Self time of the server\'s main thread during each measured window (`node --cpu-prof`, samples cut to the ' +
      'window). Shares are of the busy (non-idle) time; `(garbage collector)` and `(program)` are V8/native time. ' +
      'In the package table, *with built-ins it called* charges the time of Node built-in modules and native code to ' +
      'the nearest package frame above them on the stack (what is left under `node (built-in modules)` had no package ' +
      'above it: socket reads, HTTP parsing, timers). Total time of Perceptiq functions counts what they call ' +
      'synchronously; work continued after an `await` starts a new stack and is counted under whatever resumes it.',
    '',
    profileSection('`GET /v1/me` through the REST adapter', profiles.me, profiles.meRun),
    '',
    profileSection(`\`${TRIVIAL}\` through the gateway with a signed context (pass-through)`, profiles.gateway, profiles.gatewayRun),
    '',
    profileSection(`\`${TRIVIAL}\` straight to the access subgraph (the baseline)`, profiles.direct, profiles.directRun),
  ].join('\n');

  const top = (p: ProfileSummary, n: number) => p.packages.slice(0, n).map((r) => `${r.name} ${pct(r.chargedShare)}`).join(', ');
  const inclusive = (p: ProfileSummary, n: number) => p.repoFunctions.slice(0, n).map((r) => `${r.name} ${pct(r.share)}`).join('; ');
  const summary = [
    `calibration (bare node:http, ${MANY} conn): ${fmtInt(calibration.rps)} req/s`,
    `GET /v1/me (REST, ${MANY} conn): ${fmtInt(ours.me.rps)} req/s [${verdict(ours.me.rps >= TARGETS.meRps)} ≥ ${fmtInt(TARGETS.meRps)}], ` +
      `p50 ${ms(ours.me.latency.p50)}, p99 ${ms(ours.me.latency.p99)} [${verdict(ours.me.latency.p99 <= TARGETS.meP99Ms)} ≤ ${TARGETS.meP99Ms} ms]`,
    `gateway added latency @1 conn: signed context p50 ${delta(addedSigned.p50)} / mean ${delta(addedSigned.mean)} [${verdict(addedOk(addedSigned))}], ` +
      `API key p50 ${delta(addedKey.p50)} / mean ${delta(addedKey.mean)} [${verdict(addedOk(addedKey))}] (direct p50 ${ms(ours.direct1.latency.p50)})`,
    `gateway throughput share of direct @${MANY} conn: ${pct(share)} (${fmtInt(ours.signedN.rps)} / ${fmtInt(ours.directN.rps)} req/s) [${verdict(share >= TARGETS.gatewayShare)} ≥ ${pct(TARGETS.gatewayShare)}]; ` +
      `stock executor ${pct(stockShare)} (${fmtInt(stock.signedN.rps)} / ${fmtInt(stock.directN.rps)}); cross-subgraph ${fmtInt(ours.crossN.rps)} req/s`,
    `profile, /v1/me: ${top(profiles.me, 5)}`,
    `profile, gateway: ${top(profiles.gateway, 5)}`,
    `profile, /v1/me, under Perceptiq functions: ${inclusive(profiles.me, 4)}`,
    `profile, gateway, under Perceptiq functions: ${inclusive(profiles.gateway, 4)}`,
  ];
  return { title: 'Edge: REST `/v1/me` and gateway overhead', markdown, summary };
}

/** How the server processes ended, when any did not exit 0 through the stack's own signal handler. */
function exitNote(exits: ExitRecord[]): string[] {
  const odd = exits.filter((e) => e.code !== 0);
  if (!odd.length) return [];
  const how = odd.map((e) => `${e.label}: ${e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`}`).join(', ');
  const note = odd.every((e) => e.signal === 'SIGTERM')
    ? " (not exit 0 from the stack's `Lifecycle` handler: `@apollo/server` registers its own SIGTERM/SIGINT handlers " +
      'unless `NODE_ENV=test` or `stopOnTerminationSignals: false`, and re-raises the signal once its server has stopped, ' +
      'which ends the process before the stack has finished stopping; the CPU profile is written either way)'
    : '';
  return [`- Server processes stopped with SIGTERM ended as follows: ${how}${note}.`];
}

/** A markdown table; the first `textColumns` columns are left-aligned, the rest (figures) right-aligned. */
function table(head: string[], rows: string[][], textColumns = 1): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i < textColumns ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ms(n: number): string {
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
}

function delta(n: number): string {
  return `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)} ms`;
}

function pct(n: number): string {
  return `${(n * 100).toFixed(n < 0.1 ? 1 : 0)} %`;
}
