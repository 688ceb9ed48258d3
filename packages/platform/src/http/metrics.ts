import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; in embedded mode every component shares it and labels itself. */
let registry: Registry | undefined;

export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

let httpDuration: Histogram<'component' | 'method' | 'route' | 'status'> | undefined;

export function httpRequestDuration(): Histogram<'component' | 'method' | 'route' | 'status'> {
  httpDuration ??= new Histogram({
    name: 'perceptiq_http_request_duration_seconds',
    help: 'HTTP requests by component, route and status',
    labelNames: ['component', 'method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [metricsRegistry()],
  });
  return httpDuration;
}

const counters = new Map<string, Counter<string>>();

/** A named counter, created once per process (handlers call this on every event). */
export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  let c = counters.get(name);
  if (!c) {
    c = new Counter({ name, help, labelNames, registers: [metricsRegistry()] });
    counters.set(name, c);
  }
  return c;
}

/** What a scrape waits for one reading: a slow bus must not hang `/metrics`. */
const SCRAPE_READ_MS = 1_000;

/**
 * A gauge read when `/metrics` is scraped (nothing polls while nobody scrapes), one series per
 * source; a source slower than a second, or failing, keeps its last value.
 */
export function scrapedGauge(name: string, help: string, label: string, sources: Array<[string, () => Promise<number>]>): void {
  const last = new Map<string, number>();
  // A service started again in the same process (tests) reads its own sources.
  metricsRegistry().removeSingleMetric(name);
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [metricsRegistry()],
    async collect() {
      await Promise.all(
        sources.map(async ([value, read]) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SCRAPE_READ_MS)));
          const reading = await Promise.race([read().catch(() => undefined), late]);
          clearTimeout(timer);
          if (reading !== undefined) last.set(value, reading);
          const known = last.get(value);
          if (known !== undefined) this.set({ [label]: value }, known);
        }),
      );
    },
  });
}
