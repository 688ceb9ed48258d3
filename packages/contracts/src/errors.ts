/**
 * Error codes shared by every transport. Each transport maps a code once: HTTP status here,
 * GraphQL `extensions.code` (the code itself) and NATS error replies (the code in a header).
 */
export const ERROR_HTTP_STATUS = {
  invalid_request: 400,
  /** A GraphQL operation whose estimated cost (list sizes included) or depth is over the limit. */
  query_too_complex: 400,
  /** A GraphQL operation with more aliased fields than allowed (each alias repeats work). */
  too_many_aliases: 400,
  /** An answer larger than one response may be: ask for less (fewer documents, no words). Not retryable as is. */
  response_too_large: 400,
  invalid_token: 401,
  invalid_admin_token: 401,
  insufficient_scope: 403,
  /** Authenticated, but this operation is not for this kind of caller (e.g. a partner key asking for access). */
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

export const ERROR_CODES = Object.keys(ERROR_HTTP_STATUS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ERROR_HTTP_STATUS;
}
