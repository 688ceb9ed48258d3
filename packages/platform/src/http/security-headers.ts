import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/** A Content-Security-Policy as directive → sources, e.g. `{ 'script-src': ["'self'"] }`. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The policy every response of ours carries: pages served from our own origin (the reference
 * page, GraphiQL) load their bundled scripts, styles, fonts and workers from it and call only it.
 * No `upgrade-insecure-requests`: the stack is served over plain http (on localhost, or behind the
 * operator's TLS proxy), where it would send the browser to an https port nobody listens on.
 */
export const CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
};

/** Directives as a header value, as helmet writes it: `default-src 'self';script-src 'self';…`. */
export function formatContentSecurityPolicy(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join(';');
}

/**
 * `CSP_DIRECTIVES` as a header value. A page that needs more sets its own header on its response
 * (`res.setHeader('Content-Security-Policy', formatContentSecurityPolicy({ ...CSP_DIRECTIVES, … }))`):
 * the headers below are set before any route runs, so a route's own value replaces them.
 */
export const CONTENT_SECURITY_POLICY = formatContentSecurityPolicy(CSP_DIRECTIVES);

/**
 * helmet's security headers (`X-Content-Type-Options: nosniff`, `Referrer-Policy`, the
 * `Cross-Origin-*` policies, …) with our Content-Security-Policy, for every server we run.
 * Framing is refused outright, as `frame-ancestors 'none'` says for browsers that read only
 * `X-Frame-Options`. Their values depend on nothing in the request, so helmet runs once, here,
 * and each response gets the list it wrote: helmet itself per request is a measurable share of a
 * small GraphQL call.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = (() => {
  const written: Array<[string, string]> = [];
  const recorder = { setHeader: (name: string, value: string) => void written.push([name, String(value)]), removeHeader: () => {} };
  helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, xFrameOptions: { action: 'deny' } })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      if (err) throw err;
    },
  );
  return written;
})();

/** Set `SECURITY_HEADERS` on a response; a route may replace one afterwards (a page's own CSP). */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}
