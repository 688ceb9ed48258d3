import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { Lifecycle } from '../lifecycle.js';
import { runWithContext } from '../request-context.js';
import { sendError, type ErrorShape } from './error-response.js';
import type { Lane } from './lane.js';
import { frameRequest } from './request-frame.js';

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
 * headers and a request-duration histogram (request-frame.ts; `/metrics` has a port of its own:
 * metrics-server.ts), `/healthz`, `/readyz`, and the last word on whatever no route answered.
 * Routes are added by the caller.
 */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustedProxies.length ? [...options.trustedProxies] : false);
  const { errorShape, logger } = options;

  // Express hands a request no route answered (no path matched, or an error no handler took) to
  // `finalhandler`, which answers an HTML page with the stack unless NODE_ENV=production and prints
  // the error (a JSON parser's quotes the body) with console.error. Every app made here ends in an
  // answer in its own shape instead, whatever routes are added to it later.
  const handle = (app as unknown as { handle: Handle }).handle.bind(app);
  (app as unknown as { handle: Handle }).handle = (req, res, done) =>
    handle(req, res, done ?? ((err) => sendError(req, res, err ?? notFound(req, options.notFoundHint), logger, errorShape)));

  app.use((req: Request, res: Response, next: NextFunction) => {
    req.id = frameRequest(req, res, options, () => (req.route?.path as string | undefined) ?? (req.baseUrl || 'unmatched'));
    runWithContext({ requestId: req.id }, next);
  });

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

/**
 * Listen, and register a graceful close (idle sockets now, busy ones when the deadline fuse fires).
 * A `lane` sees each request first and answers the few hot ones it takes without Express.
 */
export async function listen(app: Express, host: string, port: number, lifecycle: Lifecycle, name: string, lane?: Lane): Promise<Listening> {
  const server = createServer(lane ? (req, res) => lane(req, res) || app(req, res) : app);
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
