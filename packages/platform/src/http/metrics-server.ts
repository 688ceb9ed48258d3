import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { Lifecycle } from '../lifecycle.js';
import { requestIdFrom } from '../request-context.js';
import { envelopeErrorResponse } from './error-response.js';
import { metricsRegistry } from './metrics.js';
import { setSecurityHeaders } from './security-headers.js';

/**
 * Prometheus `/metrics` on a port of its own (`METRICS_PORT`). Its figures span every tenant, so it
 * never shares a port with the partner-facing REST adapter or gateway: operators expose it to their
 * scraper only. One per process; in embedded mode it covers every component (they label themselves).
 * Everything else it is asked is answered in API.md's error envelope, with the same security headers
 * as every other server of ours.
 */
export async function serveMetrics(host: string, port: number, lifecycle: Lifecycle, logger: Logger): Promise<{ port: number; url: string }> {
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    const fail = (err: unknown) => {
      const { status, headers: extra, body } = envelopeErrorResponse(err, logger, requestId);
      res.writeHead(status, { ...extra, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      fail(new AppError('not_found', `No such endpoint: ${req.method} ${path}. Only GET /metrics is served here.`));
      return;
    }
    const registry = metricsRegistry();
    registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text), fail);
  };
  const server = createServer((req, res) => {
    setSecurityHeaders(res);
    answer(req, res);
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
