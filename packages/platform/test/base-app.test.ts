import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, formatContentSecurityPolicy } from '../src/http/security-headers.js';
import { CORS_EXPOSED_HEADERS, crossOrigin } from '../src/http/cross-origin.js';
import { readJsonBody } from '../src/http/json-body.js';
import { serveMetrics } from '../src/http/metrics-server.js';
import { createBaseApp, listen } from '../src/http/server.js';
import type { ErrorShape } from '../src/http/error-response.js';
import { Lifecycle } from '../src/lifecycle.js';
import { send, type Answer } from './support/answer.js';

/**
 * What every server of ours gets from `createBaseApp` (and the metrics port from `serveMetrics`):
 * errors in the server's own JSON shape whatever went wrong (jest runs with NODE_ENV=test, where
 * Express's own last handler would answer an HTML page with the stack), security headers a page
 * can override, and CORS for the routes that ask for it. Real servers on loopback ports.
 */

const MARKER = 'body-marker-5c1e';
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString('utf8')), done()) }));
const lifecycle = new Lifecycle(logger, 2_000);
const PAGE_POLICY = formatContentSecurityPolicy({ ...CSP_DIRECTIVES, 'script-src': ["'self'", "'sha256-abc='"] });
const urls = {} as Record<ErrorShape | 'metrics', string>;

beforeAll(async () => {
  for (const shape of ['envelope', 'graphql'] as const) {
    const app = createBaseApp({ component: shape, logger, lifecycle, readiness: async () => {}, trustedProxies: [], errorShape: shape, notFoundHint: 'See the list.' });
    app.post('/echo', readJsonBody({ limitBytes: 1024 }), (req, res) => {
      res.json({ got: req.body });
    });
    app.get('/boom', () => {
      throw new Error(`kaboom at /srv/app.js`);
    });
    app.get('/page', (_req, res) => {
      res.setHeader('Content-Security-Policy', PAGE_POLICY);
      res.type('html').send('<!doctype html><title>page</title>');
    });
    app.options('/open', crossOrigin(['*']));
    app.post('/open', crossOrigin(['*']), (_req, res) => {
      res.setHeader('X-RateLimit-Remaining', '9');
      res.json({ ok: true });
    });
    app.options('/listed', crossOrigin(['https://app.example.com', 'http://localhost:3000']));
    urls[shape] = (await listen(app, '127.0.0.1', 0, lifecycle, shape)).url;
  }
  urls.metrics = (await serveMetrics('127.0.0.1', 0, lifecycle, logger)).url.replace(/\/metrics$/, '');
});
afterAll(() => lifecycle.stop());


/** Everything wrong with an error answer: not JSON, not the shape, a stack, HTML, or the body quoted back. */
function problems(answer: Answer, shape: ErrorShape, status: number, code: string): string[] {
  const found: string[] = [];
  if (answer.status !== status) found.push(`status ${answer.status}, expected ${status}`);
  if (!/^application\/json/.test(answer.headers.get('content-type') ?? '')) found.push(`content-type ${answer.headers.get('content-type')}`);
  if (/<html|\n\s+at |\.js:\d/i.test(answer.text) || answer.text.includes(MARKER)) found.push(`leaks: ${answer.text.slice(0, 200)}`);
  if (shape === 'envelope') {
    const error = answer.body?.error;
    if (error?.code !== code || typeof error.message !== 'string') found.push(`not the envelope: ${answer.text.slice(0, 200)}`);
    if (error?.request_id !== answer.headers.get('x-request-id')) found.push('request_id differs from X-Request-Id');
  } else {
    const errors = answer.body?.errors;
    if (!Array.isArray(errors) || errors[0]?.extensions?.code !== code || typeof errors[0]?.message !== 'string') found.push(`not GraphQL errors: ${answer.text.slice(0, 200)}`);
  }
  return found;
}

const json = (body: string, type = 'application/json'): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body });

describe.each(['envelope', 'graphql'] as const)('errors of a %s server', (shape) => {
  it.each([
    ['malformed JSON', '/echo', json(`{"q": ${MARKER}`), 400, 'invalid_request'],
    ['a body over the limit', '/echo', json(JSON.stringify({ q: MARKER.repeat(200) })), 413, 'payload_too_large'],
    ['a body that is not JSON', '/echo', json(MARKER, 'text/plain'), 415, 'unsupported_media_type'],
    ['a form body', '/echo', json(`q=${MARKER}`, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type'],
    ['an unknown path', '/nowhere', {}, 404, 'not_found'],
    ['an unknown method', '/echo', { method: 'PUT', body: MARKER }, 404, 'not_found'],
    ['an error thrown in a handler', '/boom', {}, 500, 'internal'],
  ])('%s is JSON in its shape, with no stack and nothing of the body', async (_label, path, init, status, code) => {
    const answer = await send(urls[shape] + path, init as RequestInit);
    expect(problems(answer, shape, status, code)).toEqual([]);
  });

  it('says where to look when the path is unknown', async () => {
    const answer = await send(`${urls[shape]}/nowhere`);
    expect(answer.text).toContain('No such endpoint: GET /nowhere. See the list.');
  });

  it('still answers a good body', async () => {
    const answer = await send(`${urls[shape]}/echo`, json(JSON.stringify({ q: 1 })));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { got: { q: 1 } } });
  });
});

it('logs an unexpected error with its cause, and never a request body', async () => {
  await send(`${urls.envelope}/boom`);
  await send(`${urls.graphql}/echo`, json(`{"q": ${MARKER}`));
  const log = logLines.join('');
  expect(log).toContain('kaboom');
  expect(log).not.toContain(MARKER);
  for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
});

describe('security headers', () => {
  it.each(['envelope', 'graphql', 'metrics'] as const)('are on every %s answer, errors included', async (server) => {
    for (const path of ['/healthz', '/nowhere', '/metrics']) {
      const { headers } = await send(urls[server] + path);
      expect({ path, nosniff: headers.get('x-content-type-options'), csp: headers.get('content-security-policy'), frame: headers.get('x-frame-options') }).toEqual({
        path,
        nosniff: 'nosniff',
        csp: CONTENT_SECURITY_POLICY,
        frame: 'DENY',
      });
    }
  });

  it('are the issue\'s policy, without upgrade-insecure-requests (the stack is served over http)', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:;worker-src 'self' blob:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self'",
    );
  });

  it("give way to a page's own Content-Security-Policy", async () => {
    const { headers } = await send(`${urls.envelope}/page`);
    expect(headers.get('content-security-policy')).toBe(PAGE_POLICY);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    send(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

  it('answers a preflight 204 with the methods and headers partners send', async () => {
    const answer = await preflight(`${urls.envelope}/open`, 'https://partner.example');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,POST,DELETE,OPTIONS');
    expect(answer.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,X-Request-Id');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets the caller read the request id and rate-limit headers', async () => {
    const answer = await send(`${urls.envelope}/open`, { method: 'POST', headers: { origin: 'https://partner.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')?.split(',')).toEqual([...CORS_EXPOSED_HEADERS]);
    expect(CORS_EXPOSED_HEADERS).toEqual(expect.arrayContaining(['X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After']));
  });

  it('grants a listed origin, and nothing to another', async () => {
    for (const origin of ['https://app.example.com', 'http://localhost:3000']) {
      expect((await preflight(`${urls.envelope}/listed`, origin)).headers.get('access-control-allow-origin')).toBe(origin);
    }
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'http://localhost:3001']) {
      expect((await preflight(`${urls.envelope}/listed`, origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('is not granted where a route does not ask for it', async () => {
    const answer = await send(`${urls.envelope}/echo`, { ...json('{}'), headers: { 'content-type': 'application/json', origin: 'https://partner.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
