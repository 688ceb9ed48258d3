import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (as written by `node --cpu-prof`) read here. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }>;
  /** Monotonic clock, µs — the same clock as `process.hrtime`. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) time in the window. */
  share: number;
}

export interface PackageRow extends ProfileRow {
  /** Self time plus that of node built-ins and native code it called (charged to the nearest package frame above). */
  chargedMs: number;
  chargedShare: number;
}

export interface ProfileSummary {
  /** Whether the samples could be cut to the requested window (otherwise: the whole profile). */
  windowed: boolean;
  windowMs: number;
  busyMs: number;
  idleMs: number;
  /** Self time by function (`name (file:line)`), most first. */
  functions: ProfileRow[];
  /** Self time by package or repository directory, most time charged first. */
  packages: PackageRow[];
  /** Total (inclusive) time of this repository's own functions, most first: which product code the time is spent under. */
  repoFunctions: ProfileRow[];
}

/**
 * Self time per function and per package from a CPU profile, optionally only the samples taken
 * between two `process.hrtime` instants (µs) — V8 stamps samples with the same monotonic clock.
 * `repoRoot` is a file path; script URLs under it are shown relative to it.
 */
export function summarizeProfile(path: string, repoRoot: string, windowUs?: [number, number], top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let [from, to] = windowUs ?? [profile.startTime, profile.endTime];
  const windowed = windowUs !== undefined && from >= profile.startTime && to <= profile.endTime + 1_000_000 && from < to;
  if (!windowed) [from, to] = [profile.startTime, profile.endTime];

  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const next = t + (profile.timeDeltas[i + 1] ?? 0);
    const start = Math.max(t, from);
    const end = Math.min(next, to);
    if (end <= start) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (end - start));
  }

  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The package of the nearest frame at or above `id` that is neither a node built-in nor native code. */
  const chargedTo = new Map<number, string>();
  const chargeOf = (id: number): string => {
    const known = chargedTo.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)!.callFrame;
    let pkg: string;
    if (!frame.url && PSEUDO_FRAMES.has(frame.functionName)) pkg = frame.functionName;
    else if (frame.url && !frame.url.startsWith('node:')) pkg = packageOf(frame.url, frame.functionName, repoRoot);
    else {
      const up = parent.get(id);
      const above = up === undefined ? '(root)' : chargeOf(up);
      pkg = above === '(root)' ? packageOf(frame.url, frame.functionName, repoRoot) : above;
    }
    chargedTo.set(id, pkg);
    return pkg;
  };

  /** Distinct names of this repository's functions on the stack at `id` (inclusive time is charged once per sample). */
  const repoStack = new Map<number, string[]>();
  const repoNamesOf = (id: number): string[] => {
    const known = repoStack.get(id);
    if (known) return known;
    const up = parent.get(id);
    const above = up === undefined ? [] : repoNamesOf(up);
    const frame = byId.get(id)!.callFrame;
    const path = filePath(frame.url);
    const own = path !== undefined && path.startsWith(repoRoot) && !path.includes('/node_modules/');
    const name = own ? `${frame.functionName || '(anonymous)'} (${shortUrl(frame.url, repoRoot)}:${frame.lineNumber + 1})` : undefined;
    const names = name && !above.includes(name) ? [...above, name] : above;
    repoStack.set(id, names);
    return names;
  };

  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  const charged = new Map<string, number>();
  const repoTotal = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = shortUrl(frame.url, repoRoot);
    const name = where ? `${frame.functionName || '(anonymous)'} (${where}:${frame.lineNumber + 1})` : frame.functionName || '(anonymous)';
    fns.set(name, (fns.get(name) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName, repoRoot);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const to = chargeOf(id);
    charged.set(to, (charged.get(to) ?? 0) + us);
    for (const name of repoNamesOf(id)) repoTotal.set(name, (repoTotal.get(name) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 }));
  const packages = [...new Set([...pkgs.keys(), ...charged.keys()])]
    .map((name) => {
      const self = pkgs.get(name) ?? 0;
      const all = charged.get(name) ?? 0;
      return { name, selfMs: self / 1000, share: busyUs ? self / busyUs : 0, chargedMs: all / 1000, chargedShare: busyUs ? all / busyUs : 0 };
    })
    .sort((a, b) => b.chargedMs - a.chargedMs || b.selfMs - a.selfMs)
    .slice(0, top);
  return {
    windowed,
    windowMs: (to - from) / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: rows(fns),
    packages,
    repoFunctions: rows(repoTotal),
  };
}

const PSEUDO_FRAMES = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

function filePath(url: string): string | undefined {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('/')) return url;
  return undefined;
}

/** `express/lib/router/index.js`, `gateway/dist/app.js`, `node:internal/...` — whatever names the code best. */
function shortUrl(url: string, repoRoot: string): string {
  if (!url) return '';
  const path = filePath(url);
  if (!path) return url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** The npm package, the repository directory (`packages/platform`, `gateway`, …), node's own code, or a V8 pseudo-frame. */
function packageOf(url: string, functionName: string, repoRoot: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const path = filePath(url);
  if (!path) return url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const rel = shortUrl(url, repoRoot).split('/');
  const twoLevel = rel[0] === 'packages' || rel[0] === 'services';
  return (twoLevel ? rel.slice(0, 2) : rel.slice(0, 1)).join('/') + ' (Perceptiq)';
}
