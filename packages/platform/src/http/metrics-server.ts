import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lifecycle } from '../lifecycle.js';
import { metricsRegistry } from './metrics.js';

/**
 * Prometheus `/metrics` on a port of its own (`METRICS_PORT`). Its figures span every tenant, so it
 * never shares a port with the partner-facing REST adapter or gateway: operators expose it to their
 * scraper only. One per process; in embedded mode it covers every component (they label themselves).
 */
export async function serveMetrics(host: string, port: number, lifecycle: Lifecycle): Promise<{ port: number; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only GET /metrics is served here.' } }));
      return;
    }
    const registry = metricsRegistry();
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: 'Metrics could not be collected.' } })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  lifecycle.onStop('metrics http', () => new Promise<void>((resolve) => server.close(() => resolve())));
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { port: actual, url: `http://${shownHost}:${actual}/metrics` };
}
