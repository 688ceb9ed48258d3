import { ERROR_HTTP_STATUS, type ErrorCode, isErrorCode } from '@perceptiq/contracts';

/**
 * The one error type. Domain code throws it with a code; each transport maps the code once
 * (HTTP envelope, GraphQL `extensions.code`, NATS error reply). Anything else that escapes is
 * an `internal` error whose message never reaches a caller.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers a transport should send (e.g. `Retry-After`). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** What any transport may show a caller for an error: never a stack, never an internal message. */
export function publicError(e: unknown): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
  if (e instanceof AppError) {
    return e.details ? { code: e.code, message: e.message, details: e.details } : { code: e.code, message: e.message };
  }
  return { code: 'internal', message: 'An internal error occurred. Quote the request id when reporting it.' };
}

/**
 * Rebuild an AppError from a code and message received over a wire (GraphQL, NATS). Headers do not
 * travel there, so a `rate_limited` error regains its `Retry-After` from its details.
 */
export function errorFromWire(code: unknown, message: string, details?: Record<string, unknown>): AppError {
  const retry = details?.retry_after_seconds;
  const headers = code === 'rate_limited' && typeof retry === 'number' ? { 'Retry-After': String(retry) } : undefined;
  return new AppError(isErrorCode(code) ? code : 'internal', message, details, headers);
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found.`);
