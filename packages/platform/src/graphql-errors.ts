import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isErrorCode } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { AppError, publicError } from './errors.js';

/** Apollo's own codes for a bad operation: the caller's fault, so `invalid_request`. */
const CALLER_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST']);

/** An AppError as a GraphQL error: the code in `extensions.code`, plus the HTTP status for pre-execution refusals. */
export function toGraphQLError(e: AppError): GraphQLError {
  return new GraphQLError(e.message, {
    extensions: { code: e.code, ...(e.details ? { details: e.details } : {}), http: { status: e.httpStatus, headers: new Map(Object.entries(e.headers ?? {})) } },
  });
}

/** An error as a GraphQL response carries it, in the shape `formatGraphQLError` gives (never a stack or an internal message). */
export function wireGraphQLError(err: unknown): GraphQLFormattedError {
  const pub = publicError(err);
  return { message: pub.message, extensions: { code: pub.code, ...(pub.details ? { details: pub.details } : {}) } };
}

/**
 * The GraphQL error mapping, used by every subgraph and the gateway: our codes pass through,
 * Apollo's caller errors become `invalid_request`, and everything else is masked as `internal`
 * (logged here with the real cause, never sent).
 */
export function formatGraphQLError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (original instanceof AppError) {
      const pub = publicError(original);
      return { message: pub.message, path: formatted.path, extensions: { code: pub.code, ...(pub.details ? { details: pub.details } : {}) } };
    }
    const code = formatted.extensions?.code;
    if (isErrorCode(code)) {
      const details = formatted.extensions?.details;
      return { message: formatted.message, path: formatted.path, extensions: { code, ...(details ? { details } : {}) } };
    }
    if (typeof code === 'string' && CALLER_ERRORS.has(code)) {
      return { message: formatted.message, extensions: { code: 'invalid_request' } };
    }
    logger.error({ err: original instanceof Error ? { message: original.message, stack: original.stack } : original, path: formatted.path }, 'unhandled GraphQL error');
    const pub = publicError(original);
    return { message: pub.message, path: formatted.path, extensions: { code: pub.code } };
  };
}

/**
 * Errors as Apollo Server answers them: each through `format` (with the code
 * `INTERNAL_SERVER_ERROR` when it has none), and the HTTP status and headers the last of them asks
 * for in `extensions.http`, else `status`.
 */
export function formatExecutionErrors(
  errors: readonly GraphQLError[],
  format: ReturnType<typeof formatGraphQLError>,
  status: number,
): { status: number; headers: Record<string, string>; errors: GraphQLFormattedError[] } {
  const headers: Record<string, string> = {};
  const formatted = errors.map((error) => {
    const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> }; code?: unknown };
    if (http?.status) status = http.status;
    for (const [name, value] of http?.headers ?? []) headers[name] = value;
    return format({ ...error.toJSON(), extensions: { ...extensions, code: extensions.code ?? 'INTERNAL_SERVER_ERROR' } }, error);
  });
  return { status, headers, errors: formatted };
}
