import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CONTENT_SECURITY_POLICY } from '@perceptiq/platform';
import { ROUTES } from '@perceptiq/rest-adapter';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { enableClient, type EnabledClient } from '../support/api.js';

/**
 * Browsers (issue 9): a partner's web page on another origin may call the REST adapter and the
 * gateway's /graphql with its key (CORS from `cors`, origins from CORS_ALLOWED_ORIGINS, `*` by
 * default), preflights included and answered before authentication; the admin routes never
 * answer another origin. Every answer carries helmet's headers.
 */

const PARTNER = 'https://partner.example';
const ADMIN_ROUTES = ROUTES.filter((route) => route.auth === 'admin');

function preflight(url: string, origin: string, method = 'POST', headers = 'authorization,content-type'): Promise<Response> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
}

/** The header as a lower-cased list (CORS lists are case-insensitive). */
const list = (res: Response, name: string): string[] => (res.headers.get(name) ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);

describe.each(['embedded', 'distributed'] as const)('%s, any origin (the default)', (mode) => {
  let stack: TestStack;
  let client: EnabledClient;
  beforeAll(async () => {
    stack = await startTestStack(mode);
    client = await enableClient(stack, { tier: 'growth', request: false });
  }, 90_000);
  afterAll(() => stack?.stop());

  test('OPTIONS /v1/upload is a 204 preflight granting any origin, with no key and no credentials mode', async () => {
    const res = await preflight(`${stack.restUrl}/v1/upload`, PARTNER);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(res, 'access-control-allow-methods')).toEqual(['get', 'post', 'delete', 'options']);
    expect(list(res, 'access-control-allow-headers')).toEqual(['authorization', 'content-type', 'x-request-id']);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('every keyed and public path answers its preflight', async () => {
    const paths = new Set(ROUTES.filter((route) => route.auth !== 'admin').map((route) => route.path.replace(/\{\w+\}/g, 'doc_x')));
    for (const path of paths) {
      const res = await preflight(`${stack.restUrl}${path}`, PARTNER, 'GET');
      expect({ path, status: res.status, origin: res.headers.get('access-control-allow-origin') }).toEqual({ path, status: 204, origin: '*' });
    }
  });

  test('a keyed answer, and a refusal, can be read by the page: origin granted, request id and rate-limit headers exposed', async () => {
    const ok = await fetch(`${stack.restUrl}/v1/me`, { headers: { origin: PARTNER, authorization: `Bearer ${client.api_key}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(ok, 'access-control-expose-headers')).toEqual(
      expect.arrayContaining(['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']),
    );
    expect(ok.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    const refused = await fetch(`${stack.restUrl}/v1/me`, { headers: { origin: PARTNER } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('the admin routes answer no other origin: no grant on their preflight or on the call itself', async () => {
    expect(ADMIN_ROUTES.length).toBeGreaterThan(0);
    for (const route of ADMIN_ROUTES) {
      const url = `${stack.restUrl}${route.path}`;
      const pre = await preflight(url, PARTNER, route.method.toUpperCase(), 'x-admin-token,content-type');
      expect({ path: route.path, status: pre.status, origin: pre.headers.get('access-control-allow-origin'), methods: pre.headers.get('access-control-allow-methods') }).toEqual({
        path: route.path,
        status: 403,
        origin: null,
        methods: null,
      });
    }
    const call = await fetch(`${stack.restUrl}/api/access/clients`, { headers: { origin: PARTNER, 'x-admin-token': stack.adminToken } });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("the gateway's /graphql answers its preflight and grants its answers, but not the admin token header", async () => {
    const pre = await preflight(stack.gatewayUrl, PARTNER);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(pre, 'access-control-allow-headers')).not.toContain('x-admin-token');
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { origin: PARTNER, authorization: `Bearer ${client.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { clientId } }' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { me: { clientId: string } } }).data.me.clientId).toBe(client.client_id);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(list(res, 'access-control-expose-headers')).toEqual(expect.arrayContaining(['x-request-id', 'x-ratelimit-remaining']));
  });

  test("helmet's headers are on the REST adapter's and the gateway's answers", async () => {
    const answers = [
      await fetch(`${stack.restUrl}/v1/me`, { headers: { authorization: `Bearer ${client.api_key}` } }),
      await fetch(`${stack.restUrl}/v1/openapi.json`),
      await fetch(`${stack.restUrl}/healthz`),
      await preflight(`${stack.restUrl}/v1/upload`, PARTNER),
      await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/readyz')),
      await fetch(stack.serviceUrls.qa.replace(/\/graphql$/, '/healthz')),
    ];
    for (const res of answers) {
      expect({ url: res.url, nosniff: res.headers.get('x-content-type-options'), csp: res.headers.get('content-security-policy'), referrer: res.headers.get('referrer-policy') }).toEqual({
        url: res.url,
        nosniff: 'nosniff',
        csp: CONTENT_SECURITY_POLICY,
        referrer: 'no-referrer',
      });
    }
  });
});

describe('a configured list of origins (CORS_ALLOWED_ORIGINS)', () => {
  const LISTED = ['https://app.example.com', 'http://localhost:5173'];
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('embedded', { env: { CORS_ALLOWED_ORIGINS: LISTED.join(',') } });
  }, 90_000);
  afterAll(() => stack?.stop());

  test('grants each listed origin by name, and no other', async () => {
    for (const url of [`${stack.restUrl}/v1/upload`, stack.gatewayUrl]) {
      for (const origin of LISTED) {
        const res = await preflight(url, origin);
        expect({ url, origin, status: res.status, granted: res.headers.get('access-control-allow-origin'), vary: list(res, 'vary') }).toEqual({
          url,
          origin,
          status: 204,
          granted: origin,
          vary: expect.arrayContaining(['origin']),
        });
      }
      for (const origin of [PARTNER, 'https://app.example.com.evil.example', 'http://localhost:5174']) {
        const res = await preflight(url, origin);
        expect({ url, origin, granted: res.headers.get('access-control-allow-origin') }).toEqual({ url, origin, granted: null });
      }
    }
  });
});
