import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Response headers a partner's browser code may read besides the CORS-safelisted ones: the request
 * id to quote, the rate-limit state, why a key was refused and the name of a download.
 */
export const CORS_EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'WWW-Authenticate',
  'Content-Disposition',
] as const;

/**
 * CORS for partner-facing routes (`CORS_ALLOWED_ORIGINS`: `*`, or the origins listed). A bearer key
 * is sent explicitly by the caller's code, never attached by the browser, so no credentials mode is
 * granted and `*` is safe. A preflight (`OPTIONS`) is answered `204` here, before authentication:
 * it carries no key. The admin token is not among the allowed headers, so no browser can send it
 * cross-origin; admin routes get no CORS at all.
 */
export function crossOrigin(allowedOrigins: readonly string[]): RequestHandler {
  return cors({
    origin: allowedOrigins.includes('*') ? '*' : [...allowedOrigins],
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    // Browsers cache a preflight this long (s): one preflight per path per ten minutes, not per call.
    maxAge: 600,
  });
}
