import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, publicError } from '../errors.js';

const describe = (err: unknown): unknown => (err instanceof Error ? { message: err.message, stack: err.stack } : err);

/**
 * Answer an error over HTTP in API.md's envelope, `{error: {code, message, request_id, details?}}`,
 * with its status and headers (e.g. `Retry-After`). Anything but an AppError is logged and answered
 * `500 internal`: its cause is never sent.
 */
export function sendErrorEnvelope(req: Request, res: Response, err: unknown, logger: Logger): void {
  if (res.headersSent) {
    // A stream already under way (a download cut short) cannot turn into an envelope: cutting the
    // connection is the only way left to tell the client its body is incomplete.
    logger.warn({ err: describe(err), path: req.path }, 'error after the response started; connection cut');
    res.destroy();
    return;
  }
  const appError = err instanceof AppError ? err : undefined;
  if (!appError) logger.error({ err: describe(err), path: req.path }, 'unhandled error');
  const pub = publicError(err);
  for (const [name, value] of Object.entries(appError?.headers ?? {})) res.setHeader(name, value);
  res.status(appError?.httpStatus ?? 500).json({
    error: { code: pub.code, message: pub.message, request_id: req.id, ...(pub.details ? { details: pub.details } : {}) },
  });
}
