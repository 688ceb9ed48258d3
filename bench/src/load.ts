import autocannon from 'autocannon';
import { CpuMeter, type CpuUse } from './cpu.js';

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Checked on every response; a falsy answer is a mismatch, and any mismatch fails the run. */
  verify?: (body: string) => boolean;
}

export interface LoadOptions {
  connections: number;
  /** Seconds of measured load. */
  durationSec: number;
  /** Seconds of unmeasured load just before, on fresh connections. */
  warmupSec: number;
  /** The server's processes, for CPU accounting of the measured window (their sum). */
  serverPids?: readonly number[];
}

export interface Latency {
  mean: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  /** Completed requests in the measured window. */
  requests: number;
  /** autocannon's `requests.average`: the mean of its per-second request counts. */
  rps: number;
  /** Exact per-response latency (ms, sub-millisecond precision), from autocannon's `response` events. */
  latency: Latency;
  /** autocannon's own histogram (whole milliseconds), for comparison with other autocannon runs. */
  autocannonLatency: { mean: number; p50: number; p97_5: number; p99: number };
  /** Monotonic clock (µs, `process.hrtime`) at the start and end of the measured window. */
  windowUs: [number, number];
  /** Cores used by the server's processes, this load generator and everything else during the window (Linux). */
  cpu?: CpuUse;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

/** Warm up, then measure one target with autocannon; throws unless every response was a verified 2xx. */
export async function measure(label: string, target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSec > 0) await once(target, options.connections, options.warmupSec, `${label} (warm-up)`);
  return once(target, options.connections, options.durationSec, label, options.serverPids);
}

function once(target: LoadTarget, connections: number, durationSec: number, what: string, serverPids?: readonly number[]): Promise<LoadResult> {
  let samples = new Float64Array(1 << 16);
  let count = 0;
  const started = nowUs();
  const meter = new CpuMeter(serverPids);
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method ?? 'GET',
        headers: target.headers ?? {},
        ...(target.body === undefined ? {} : { body: target.body }),
        connections,
        duration: durationSec,
        timeout: 10,
        ...(target.verify ? { verifyBody: target.verify } : {}),
      },
      (err, result) => {
        const ended = nowUs();
        const cpu = meter.stop();
        if (err) return reject(new LoadError(`${what}: autocannon failed: ${err.message}`));
        const problems: string[] = [];
        if (result.non2xx) problems.push(`${result.non2xx} non-2xx responses (status codes: ${JSON.stringify(result.statusCodeStats)})`);
        if (result.errors) problems.push(`${result.errors} connection errors`);
        if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
        if (result.mismatches) problems.push(`${result.mismatches} responses whose body failed verification`);
        if (result.requests.total === 0 || count === 0) problems.push('no completed requests');
        if (problems.length) return reject(new LoadError(`${what} against ${target.url}: ${problems.join('; ')}`));
        const sorted = samples.subarray(0, count).sort();
        let sum = 0;
        for (let i = 0; i < count; i++) sum += sorted[i]!;
        resolve({
          connections,
          durationSec: result.duration,
          requests: result.requests.total ?? count,
          rps: result.requests.average,
          latency: {
            mean: sum / count,
            p50: percentile(sorted, 50),
            p97_5: percentile(sorted, 97.5),
            p99: percentile(sorted, 99),
            max: sorted[count - 1]!,
          },
          autocannonLatency: {
            mean: result.latency.mean,
            p50: result.latency.p50,
            p97_5: result.latency.p97_5,
            p99: result.latency.p99,
          },
          windowUs: [started, ended],
          ...(cpu ? { cpu } : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (count === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = ms;
    });
  });
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
