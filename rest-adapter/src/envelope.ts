import { AppError, publicError, type Logger } from '@perceptiq/platform';
import type { Request, Response } from 'express';

/** Body-parser failures, by its `type`, as our codes. */
const BODY_ERRORS: Record<string, AppError> = {
  'entity.parse.failed': new AppError('invalid_request', 'The request body is not valid JSON.'),
  'entity.too.large': new AppError('payload_too_large', 'The request body is larger than the limit.'),
  'encoding.unsupported': new AppError('unsupported_media_type', 'The request body encoding is not supported.'),
  'charset.unsupported': new AppError('unsupported_media_type', 'The request body charset is not supported.'),
};

function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? BODY_ERRORS[type] : undefined;
}

/** Send any error in the API.md envelope: `{error: {code, message, request_id, details?}}`. Internal causes are logged, never sent. */
export function sendError(req: Request, res: Response, err: unknown, logger: Logger): void {
  const appError = asAppError(err);
  if (!appError) logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err, path: req.path }, 'unhandled error');
  const pub = publicError(appError ?? err);
  for (const [name, value] of Object.entries(appError?.headers ?? {})) res.setHeader(name, value);
  res.status(appError?.httpStatus ?? 500).json({
    error: { code: pub.code, message: pub.message, request_id: req.id, ...(pub.details ? { details: pub.details } : {}) },
  });
}
