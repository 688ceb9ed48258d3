import type { Request, Response } from 'express';
import type { ErrorCode } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { AppError, publicError } from '../errors.js';
import { wireGraphQLError } from '../graphql-errors.js';

/**
 * How a server words its errors: API.md's envelope `{error: {code, message, request_id, details?}}`
 * (the REST adapter, stream routes, the metrics port), or GraphQL's `{errors: [{message, extensions: {code}}]}`.
 */
export type ErrorShape = 'envelope' | 'graphql';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** What a middleware's own HTTP error (body-parser's: a `status`, `expose` and a `type`) means in our codes. */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = { 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };
/** Our words for body-parser's failures: its own messages may quote the body, so they are never sent or logged. */
const BODY_MESSAGES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is larger than the limit.',
  'encoding.unsupported': 'The request body encoding is not supported.',
  'charset.unsupported': 'The request body charset is not supported.',
  'request.aborted': 'The request body ended early.',
  'request.size.invalid': 'The request body is not as long as its Content-Length says.',
};

/** An AppError as it is; a middleware's refusal of the request (a 4xx it means to expose) as ours; anything else undefined. */
function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const { status, expose, type, limit } = (err ?? {}) as { status?: unknown; expose?: unknown; type?: unknown; limit?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  const message = (typeof type === 'string' && BODY_MESSAGES[type]) || 'The request could not be read.';
  return new AppError(CODE_BY_STATUS[status] ?? 'invalid_request', message, type === 'entity.too.large' && typeof limit === 'number' ? { max_bytes: limit } : undefined);
}

const describe = (err: unknown): unknown => (err instanceof Error ? { message: err.message, stack: err.stack } : err);

/** The caller's error this is, or undefined after logging it with its cause (it is answered `500 internal`). */
function callersError(err: unknown, logger: Logger): AppError | undefined {
  const appError = asAppError(err);
  if (!appError) logger.error({ err: describe(err) }, 'unhandled error');
  return appError;
}

/** An error as a GraphQL answer: its status and headers (e.g. `Retry-After`), never a stack or an internal message. */
export function graphQLErrorResponse(err: unknown, logger: Logger): ErrorResponse {
  const appError = callersError(err, logger);
  return { status: appError?.httpStatus ?? 500, headers: { ...appError?.headers }, body: { errors: [wireGraphQLError(appError ?? err)] } };
}

/** An error in API.md's envelope, with its status and headers (e.g. `Retry-After`), never a stack or an internal message. */
export function envelopeErrorResponse(err: unknown, logger: Logger, requestId: string): ErrorResponse {
  const appError = callersError(err, logger);
  const pub = publicError(appError ?? err);
  return {
    status: appError?.httpStatus ?? 500,
    headers: { ...appError?.headers },
    body: { error: { code: pub.code, message: pub.message, request_id: requestId, ...(pub.details ? { details: pub.details } : {}) } },
  };
}

/** Answer an error over HTTP in `shape`. */
export function sendError(req: Request, res: Response, err: unknown, logger: Logger, shape: ErrorShape = 'envelope'): void {
  if (res.headersSent) {
    // A stream already under way (a download cut short) cannot turn into an error answer: cutting
    // the connection is the only way left to tell the client its body is incomplete.
    logger.warn({ err: describe(err), path: req.path }, 'error after the response started; connection cut');
    res.destroy();
    return;
  }
  const scoped = logger.child({ path: req.path });
  const answer = shape === 'graphql' ? graphQLErrorResponse(err, scoped) : envelopeErrorResponse(err, scoped, req.id);
  res.status(answer.status).set(answer.headers).json(answer.body);
}
