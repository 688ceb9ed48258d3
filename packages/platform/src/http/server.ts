import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { Lifecycle } from '../lifecycle.js';
import { requestIdFrom, runWithContext } from '../request-context.js';
import { sendError, type ErrorShape } from './error-response.js';
import { httpRequestDuration } from './metrics.js';
import { securityHeaders } from './security-headers.js';

export interface BaseAppOptions {
  /** Component name, used as a metrics label and in logs. */
  component: string;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Resolves when every dependency (bus, store, …) answers; `/readyz` is 503 otherwise. */
  readiness: () => Promise<void>;
  /**
   * Proxies whose `X-Forwarded-For` decides `req.ip` (`TRUSTED_PROXIES`). Empty: the socket's own
   * address, so no caller can choose the address that rate limits and lockouts key on.
   */
  trustedProxies: readonly string[];
  /** How this server words every error it answers, an unknown path included. */
  errorShape: ErrorShape;
  /** Appended to the `404` of an unknown path, e.g. where the server's endpoints are listed. */
  notFoundHint?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

type Handle = (req: Request, res: Response, done?: (err?: unknown) => void) => void;

/**
 * The part every process shares: request ids (echoed, carried in async context), the security
 * headers, `/healthz`, `/readyz`, a request-duration histogram (`/metrics` has a port of its own:
 * metrics-server.ts), and the last word on whatever no route answered. Routes are added by the caller.
 */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustedProxies.length ? [...options.trustedProxies] : false);
  const duration = httpRequestDuration();
  const { errorShape, logger } = options;

  // Express hands a request no route answered (no path matched, or an error no handler took) to
  // `finalhandler`, which answers an HTML page with the stack unless NODE_ENV=production and prints
  // the error (a JSON parser's quotes the body) with console.error. Every app made here ends in an
  // answer in its own shape instead, whatever routes are added to it later.
  const handle = (app as unknown as { handle: Handle }).handle.bind(app);
  (app as unknown as { handle: Handle }).handle = (req, res, done) =>
    handle(req, res, done ?? ((err) => sendError(req, res, err ?? notFound(req, options.notFoundHint), logger, errorShape)));

  app.use((req: Request, res: Response, next: NextFunction) => {
    req.id = requestIdFrom(req.get('x-request-id'));
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route pattern, never the raw path: ids in paths would explode label cardinality.
      const route = (req.route?.path as string | undefined) ?? (req.baseUrl || 'unmatched');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ component: options.component, method: req.method, route, status: String(res.statusCode) }, seconds);
      const line = { requestId: req.id, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 };
      // 501 is a documented answer (a capability not built yet), not a failure.
      if (res.statusCode >= 500 && res.statusCode !== 501) options.logger.error(line, 'request failed');
      else options.logger.debug(line, 'request');
    });
    runWithContext({ requestId: req.id }, next);
  });
  // Set before any route runs, so a page's own Content-Security-Policy replaces the default one.
  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (options.lifecycle.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await withTimeout(options.readiness(), 2_000);
      res.json({ status: 'ready' });
    } catch (err) {
      options.logger.warn({ err: (err as Error).message }, 'not ready');
      res.status(503).json({ status: 'not_ready' });
    }
  });
  return app;
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
}

/** Listen, and register a graceful close (idle sockets now, busy ones when the deadline fuse fires). */
export async function listen(app: Express, host: string, port: number, lifecycle: Lifecycle, name: string): Promise<Listening> {
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  lifecycle.onStop(`${name} http`, async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { server, port: actual, url: `http://${shownHost}:${actual}` };
}

const notFound = (req: Request, hint: string | undefined) =>
  new AppError('not_found', `No such endpoint: ${req.method} ${req.path}.${hint ? ` ${hint}` : ''}`);

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
