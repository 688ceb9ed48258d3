import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestIdFrom } from '../request-context.js';
import { httpRequestDuration } from './metrics.js';
import { setSecurityHeaders } from './security-headers.js';

export interface FrameOptions {
  /** Component name, used as a metrics label. */
  component: string;
  logger: Logger;
}

/**
 * What every request to a server of ours gets, whether Express or a lane (lane.ts) answers it: its
 * request id (the caller's, when short and plain) echoed in `X-Request-Id`, the security headers,
 * and once answered a point in the request-duration histogram and a log line. `routeOf` names the
 * matched route pattern, never the raw path: ids in paths would explode label cardinality.
 * Returns the request id.
 */
export function frameRequest(req: IncomingMessage, res: ServerResponse, options: FrameOptions, routeOf: () => string): string {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', requestId);
  setSecurityHeaders(res);
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const route = routeOf();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.statusCode;
    httpRequestDuration().observe({ component: options.component, method: req.method ?? '', route, status: String(status) }, seconds);
    const line = { requestId, method: req.method, route, status, ms: Math.round(seconds * 1e4) / 10 };
    // 501 is a documented answer (a capability not built yet), not a failure.
    if (status >= 500 && status !== 501) options.logger.error(line, 'request failed');
    else options.logger.debug(line, 'request');
  });
  return requestId;
}
