import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
