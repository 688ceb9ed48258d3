import { AppError, sendErrorEnvelope, type Logger } from '@perceptiq/platform';
import type { Request, Response } from 'express';

/** Body-parser failures, by its `type`, as our codes. */
const BODY_ERRORS: Record<string, AppError> = {
  'entity.parse.failed': new AppError('invalid_request', 'The request body is not valid JSON.'),
  'entity.too.large': new AppError('payload_too_large', 'The request body is larger than the limit.'),
  'encoding.unsupported': new AppError('unsupported_media_type', 'The request body encoding is not supported.'),
  'charset.unsupported': new AppError('unsupported_media_type', 'The request body charset is not supported.'),
};

function bodyError(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? BODY_ERRORS[type] : undefined;
}

/** Send any error in the API.md envelope, a JSON body parser's own failures included. */
export function sendError(req: Request, res: Response, err: unknown, logger: Logger): void {
  sendErrorEnvelope(req, res, err instanceof AppError ? err : (bodyError(err) ?? err), logger);
}
