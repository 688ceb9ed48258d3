import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import {
  PUBLISHED_TIER_RPM,
  PUBLISHED_TIER_SCOPES,
  WHOLE_KEY,
  call,
  enableClient,
  envelopeProblems,
  gql,
  pollUntil,
  sorted,
  uniqueIdentity,
  type ApiResponse,
  type EnabledClient,
} from '../support/api.js';

/**
 * The access lifecycle as the published page and API.md describe it: the quickstart exactly as
 * written, then every access call with its success and error answers.
 *
 * Budgets: the public request endpoint allows 10 calls a minute from one address and ten wrong
 * admin tokens lock the address out, so this file makes at most 9 request calls and 3 wrong-token
 * calls per stack (the lockout and the request limit are tested in admin-lockout.e2e.test.ts).
 */

const KEY_SHAPE = /^pa_live_[A-Za-z0-9_-]{32,}$/;
const CLIENT_ID = /^cli_[a-z0-9]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The published page's "Enablement syntax" body. */
const PUBLISHED_REQUEST = {
  full_name: 'John Doe',
  email: 'john@company.com',
  company: 'Company Inc',
  requested_tier: 'growth',
  use_case: 'Integrate analysis workflow',
  expected_monthly_documents: 2500,
};
/** The published page's "Admin lifecycle syntax" enable body. */
const PUBLISHED_ENABLE = { email: 'john@company.com', company: 'Company Inc', tier: 'growth', rate_limit_rpm: 180 };

const requestBody = (identity: { email: string; company: string }, tier = 'starter') => ({
  full_name: 'Jane Roe',
  email: identity.email,
  company: identity.company,
  requested_tier: tier,
  use_case: 'Contract review',
  expected_monthly_documents: 40,
});

const randomKey = () => `pa_live_${randomBytes(30).toString('base64url')}`;

function expectInvalidKey(res: ApiResponse): void {
  expect(envelopeProblems(res, 401, 'invalid_token')).toEqual([]);
  expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
}

function expectRateHeaders(res: ApiResponse, limit: number): { remaining: number; reset: number } {
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  const remaining = Number(res.headers.get('x-ratelimit-remaining'));
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  expect(Number.isInteger(remaining) && remaining >= 0 && remaining < limit).toBe(true);
  expect(Number.isInteger(reset) && reset >= 1 && reset <= 60).toBe(true);
  return { remaining, reset };
}

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  /** Every key the stack issued, to prove no list ever shows one. */
  const issuedKeys: string[] = [];
  let quickstart: { request_id: string; client: EnabledClient };
  let pending: { request_id: string; email: string; company: string };
  let revoked: { client_id: string; revoked_at: string };

  const admin = (method: string, path: string, body?: unknown) => call(stack.restUrl, method, path, { adminToken: stack.adminToken, body });
  const enable = async (options: Parameters<typeof enableClient>[1]) => {
    const client = await enableClient(stack, options);
    issuedKeys.push(client.api_key);
    return client;
  };

  beforeAll(async () => {
    stack = await startTestStack(mode);
  }, 60_000);
  afterAll(() => stack?.stop());

  test('the published quickstart works exactly as written', async () => {
    const requested = await call(stack.restUrl, 'POST', '/api/access/request', { body: PUBLISHED_REQUEST });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual({ request_id: expect.stringMatching(/^req_/), status: 'pending' });

    const enabled = await call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: stack.adminToken, body: PUBLISHED_ENABLE });
    expect(enabled.status).toBe(201);
    expect(sorted(Object.keys(enabled.body))).toEqual(sorted(['client_id', 'api_key', 'key_prefix', 'tier', 'scopes', 'rate_limit_rpm', 'created_at']));
    const client = enabled.body as EnabledClient;
    issuedKeys.push(client.api_key);
    expect(client.client_id).toMatch(CLIENT_ID);
    expect(client.api_key).toMatch(KEY_SHAPE);
    expect(client.api_key.length - 'pa_live_'.length).toBeGreaterThanOrEqual(32);
    expect(client.key_prefix).toBe(client.api_key.slice(0, 12));
    expect(client.tier).toBe('growth');
    expect(sorted(client.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES.growth));
    expect(client.rate_limit_rpm).toBe(180);
    expect(client.created_at).toMatch(ISO);
    expect(Math.abs(Date.parse(client.created_at) - Date.now())).toBeLessThan(60_000);

    // The published JavaScript snippet, verbatim apart from the base URL.
    const BASE_URL = stack.restUrl;
    const API_KEY = client.api_key;
    const res = await fetch(`${BASE_URL}/v1/summary`, {
      headers: { Authorization: `Bearer ${API_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const data = (await res.json()) as Record<string, unknown>;
    expect(data.total_documents).toBe(0);
    expect(data.documents).toEqual([]);

    quickstart = { request_id: requested.body.request_id, client };
  });

  test('enabling the same email+company again is 409 conflict (rotate instead)', async () => {
    const again = await admin('POST', '/api/access/enable', PUBLISHED_ENABLE);
    expect(envelopeProblems(again, 409, 'conflict')).toEqual([]);
    expect(again.text).not.toMatch(WHOLE_KEY);
    // Emails compare lower-cased and trimmed, companies trimmed and case-insensitively.
    const variant = await admin('POST', '/api/access/enable', { ...PUBLISHED_ENABLE, email: ' JOHN@Company.com ', company: 'company inc ' });
    expect(envelopeProblems(variant, 409, 'conflict')).toEqual([]);
  });

  test('asking for access again once enabled is 409 conflict naming the client, and adds no pending request', async () => {
    const pendingBefore = await admin('GET', '/api/access/requests');
    const again = await call(stack.restUrl, 'POST', '/api/access/request', { body: { ...PUBLISHED_REQUEST, email: 'JOHN@company.com ' } });
    expect(envelopeProblems(again, 409, 'conflict')).toEqual([]);
    const { error } = again.body as { error: { message: string; details: { client_id: string } } };
    expect(error.details.client_id).toBe(quickstart.client.client_id);
    expect(error.message).toContain(quickstart.client.client_id);
    expect((await admin('GET', '/api/access/requests')).body).toEqual(pendingBefore.body);
  });

  test('GET /v1/me returns the calling client', async () => {
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: quickstart.client.api_key });
    expect(me.status).toBe(200);
    expect(sorted(Object.keys(me.body))).toEqual(sorted(['client_id', 'company', 'tier', 'scopes', 'rate_limit_rpm']));
    expect(me.body).toEqual({
      client_id: quickstart.client.client_id,
      company: 'Company Inc',
      tier: 'growth',
      scopes: expect.any(Array),
      rate_limit_rpm: 180,
    });
    expect(sorted(me.body.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES.growth));
  });

  test('a missing key is 401 invalid_token with WWW-Authenticate: Bearer', async () => {
    for (const path of ['/v1/summary', '/v1/me', '/v1/documents']) {
      const res = await call(stack.restUrl, 'GET', path);
      expect(envelopeProblems(res, 401, 'invalid_token')).toEqual([]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  test('a garbage, malformed or unknown key is 401 with error="invalid_token"', async () => {
    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/summary', { key: 'garbage' }));
    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/summary', { key: 'pa_live_short' }));
    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/summary', { key: randomKey() }));
    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/me', { key: quickstart.client.api_key.slice(0, -1) + (quickstart.client.api_key.endsWith('A') ? 'B' : 'A') }));
    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/summary', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }));
  });

  test('X-Request-Id is echoed when sent and always equals error.request_id', async () => {
    const ok = await call(stack.restUrl, 'GET', '/v1/me', { key: quickstart.client.api_key, headers: { 'x-request-id': 'e2e-trace-0001' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('e2e-trace-0001');

    const refused = await call(stack.restUrl, 'GET', '/v1/summary', { headers: { 'x-request-id': 'e2e-trace-0002' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('e2e-trace-0002');
    expect(refused.body.error.request_id).toBe('e2e-trace-0002');

    const adminCall = await call(stack.restUrl, 'GET', '/api/access/requests', { adminToken: stack.adminToken, headers: { 'x-request-id': 'e2e-trace-0003' } });
    expect(adminCall.status).toBe(200);
    expect(adminCall.headers.get('x-request-id')).toBe('e2e-trace-0003');

    const unknown = await call(stack.restUrl, 'GET', '/v1/no-such-endpoint', { key: quickstart.client.api_key });
    expect(envelopeProblems(unknown, 404, 'not_found')).toEqual([]);
    expect(unknown.headers.get('x-request-id')?.length).toBeGreaterThan(0);
  });

  test('authenticated responses carry X-RateLimit-Limit, -Remaining and -Reset', async () => {
    const first = await call(stack.restUrl, 'GET', '/v1/me', { key: quickstart.client.api_key });
    const second = await call(stack.restUrl, 'GET', '/v1/summary', { key: quickstart.client.api_key });
    expect([first.status, second.status]).toEqual([200, 200]);
    const a = expectRateHeaders(first, 180);
    const b = expectRateHeaders(second, 180);
    // One more call counted, unless the wall-clock minute turned in between.
    expect(b.remaining === a.remaining - 1 || b.remaining === 179).toBe(true);
    const secondsLeft = Math.ceil((60_000 - (Date.now() % 60_000)) / 1000);
    expect(Math.abs(b.reset - secondsLeft) <= 2 || Math.abs(b.reset - secondsLeft) >= 58).toBe(true);

    // Refused calls are authenticated too.
    const refused = await call(stack.restUrl, 'POST', '/v1/compare', { key: quickstart.client.api_key, body: { base_id: 'doc_a', compare_id: 'doc_b' } });
    expect(envelopeProblems(refused, 403, 'insufficient_scope')).toEqual([]);
    expect(refused.body.error.details.required_scope).toBe('compare');
    expectRateHeaders(refused, 180);
  });

  test('request: the same pending email+company again answers 202 with the same request', async () => {
    const identity = uniqueIdentity('pending');
    const first = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(identity) });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ request_id: expect.stringMatching(/^req_/), status: 'pending' });
    const again = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(identity) });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const variant = await call(stack.restUrl, 'POST', '/api/access/request', {
      body: requestBody({ email: `  ${identity.email.toUpperCase()} `, company: ` ${identity.company.toLowerCase()}` }),
    });
    expect(variant.status).toBe(202);
    expect(variant.body.request_id).toBe(first.body.request_id);
    pending = { request_id: first.body.request_id, ...identity };
  });

  test('request: a bad email, an unknown tier or a missing field is 400 with details.field', async () => {
    const base = requestBody(uniqueIdentity('invalid'));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, requested_tier: 'platinum' }, 'requested_tier'],
      [Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'use_case')), 'use_case'],
    ];
    for (const [body, field] of cases) {
      const res = await call(stack.restUrl, 'POST', '/api/access/request', { body });
      expect(envelopeProblems(res, 400, 'invalid_request')).toEqual([]);
      expect(res.body.error.details.field).toBe(field);
      expect(Array.isArray(res.body.error.details.issues) && res.body.error.details.issues.length > 0).toBe(true);
    }
  });

  test('request: malformed JSON is 400 invalid_request in the envelope', async () => {
    const res = await call(stack.restUrl, 'POST', '/api/access/request', { rawBody: '{"full_name": "John Doe", "email": ' });
    expect(envelopeProblems(res, 400, 'invalid_request')).toEqual([]);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.text).not.toMatch(/SyntaxError|at JSON\.parse|node_modules/);
  });

  test('enable: the tier given at enable wins over the requested tier; the request becomes enabled', async () => {
    const identity = uniqueIdentity('tierwins');
    // Unknown body fields are ignored.
    const requested = await call(stack.restUrl, 'POST', '/api/access/request', { body: { ...requestBody(identity, 'starter'), referrer: 'newsletter' } });
    expect(requested.status).toBe(202);
    const enabled = await admin('POST', '/api/access/enable', { ...identity, tier: 'business', notes: 'priority partner' });
    expect(enabled.status).toBe(201);
    issuedKeys.push(enabled.body.api_key);
    expect(enabled.body.tier).toBe('business');
    expect(sorted(enabled.body.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES.business));
    expect(enabled.body.rate_limit_rpm).toBe(PUBLISHED_TIER_RPM.business);

    const list = await admin('GET', '/api/access/requests?status=enabled');
    expect(list.status).toBe(200);
    const entry = list.body.requests.find((r: { request_id: string }) => r.request_id === requested.body.request_id);
    expect(entry).toMatchObject({ status: 'enabled', client_id: enabled.body.client_id, requested_tier: 'starter' });
    expect(entry.enabled_at).toMatch(ISO);
  });

  test('enable: a wrong or missing admin token is 401 invalid_admin_token and enables nothing', async () => {
    const identity = uniqueIdentity('admintoken');
    const wrong = await call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: `${stack.adminToken}x`, body: { ...identity, tier: 'growth' } });
    expect(envelopeProblems(wrong, 401, 'invalid_admin_token')).toEqual([]);
    const missing = await call(stack.restUrl, 'POST', '/api/access/enable', { body: { ...identity, tier: 'growth' } });
    expect(envelopeProblems(missing, 401, 'invalid_admin_token')).toEqual([]);
    // Nothing was created: the right token can still enable that email+company.
    const right = await admin('POST', '/api/access/enable', { ...identity, tier: 'growth' });
    expect(right.status).toBe(201);
    issuedKeys.push(right.body.api_key);
  });

  test('enable: scopes replace the tier default', async () => {
    const client = await enable({ tier: 'starter', scopes: ['documents', 'compare'], request: false });
    expect(sorted(client.scopes)).toEqual(['compare', 'documents']);
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key });
    expect(me.status).toBe(200);
    expect(sorted(me.body.scopes)).toEqual(['compare', 'documents']);
    expect(me.body.tier).toBe('starter');

    const documents = await call(stack.restUrl, 'GET', '/v1/documents', { key: client.api_key });
    expect(documents.status).toBe(200);
    const compare = await call(stack.restUrl, 'POST', '/v1/compare', { key: client.api_key, body: { base_id: 'doc_a', compare_id: 'doc_b' } });
    expect(compare.status).not.toBe(403);
    expect(compare.status).not.toBe(401);
    const summary = await call(stack.restUrl, 'GET', '/v1/summary', { key: client.api_key });
    expect(envelopeProblems(summary, 403, 'insufficient_scope')).toEqual([]);
    expect(summary.body.error.details.required_scope).toBe('summary');

    // An empty list is a key that can only call /v1/me.
    const bare = await enable({ tier: 'enterprise', scopes: [], request: false });
    expect(bare.scopes).toEqual([]);
    const bareMe = await call(stack.restUrl, 'GET', '/v1/me', { key: bare.api_key });
    expect(bareMe.status).toBe(200);
    expect(bareMe.body.scopes).toEqual([]);
    const bareDocuments = await call(stack.restUrl, 'GET', '/v1/documents', { key: bare.api_key });
    expect(envelopeProblems(bareDocuments, 403, 'insufficient_scope')).toEqual([]);
    expect(bareDocuments.body.error.details.required_scope).toBe('documents');

    const unknownScope = await admin('POST', '/api/access/enable', { ...uniqueIdentity('badscope'), tier: 'starter', scopes: ['documents', 'teleport'] });
    expect(envelopeProblems(unknownScope, 400, 'invalid_request')).toEqual([]);
    expect(unknownScope.body.error.details.field).toBe('scopes.1');
  });

  test('enable: rate_limit_rpm out of range or of the wrong type is 400; a missing tier is 400', async () => {
    for (const rpm of [0, -5, 1_000_001, 1.5, '100']) {
      const res = await admin('POST', '/api/access/enable', { ...uniqueIdentity('rpm'), tier: 'growth', rate_limit_rpm: rpm });
      expect(envelopeProblems(res, 400, 'invalid_request')).toEqual([]);
      expect(res.body.error.details.field).toBe('rate_limit_rpm');
    }
    const noTier = await admin('POST', '/api/access/enable', uniqueIdentity('notier'));
    expect(envelopeProblems(noTier, 400, 'invalid_request')).toEqual([]);
    expect(noTier.body.error.details.field).toBe('tier');
    const badTier = await admin('POST', '/api/access/enable', { ...uniqueIdentity('badtier'), tier: 'platinum' });
    expect(envelopeProblems(badTier, 400, 'invalid_request')).toEqual([]);
    expect(badTier.body.error.details.field).toBe('tier');

    // details.field names the first bad field; details.issues lists them all.
    const several = await admin('POST', '/api/access/enable', { email: 'nope', company: 'Several Problems Inc', tier: 'platinum', rate_limit_rpm: 0 });
    expect(envelopeProblems(several, 400, 'invalid_request')).toEqual([]);
    expect(several.body.error.details.field).toBe('email');
    const fields = several.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'tier', 'rate_limit_rpm']));

    // Both ends of the range are accepted.
    for (const rpm of [1, 1_000_000]) {
      const client = await enable({ tier: 'growth', rate_limit_rpm: rpm, request: false });
      expect(client.rate_limit_rpm).toBe(rpm);
    }
  });

  test('enable: enabling without a prior request works and is recorded in the audit log', async () => {
    const identity = uniqueIdentity('norequest');
    const enabled = await admin('POST', '/api/access/enable', { ...identity, tier: 'starter' });
    expect(enabled.status).toBe(201);
    issuedKeys.push(enabled.body.api_key);
    expect(enabled.body.rate_limit_rpm).toBe(PUBLISHED_TIER_RPM.starter);
    expect(sorted(enabled.body.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES.starter));
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: enabled.body.api_key });
    expect(me.status).toBe(200);

    const audit = await admin('GET', `/api/access/audit?client_id=${enabled.body.client_id}`);
    expect(audit.status).toBe(200);
    const entry = audit.body.entries.find((e: { action: string }) => e.action === 'access.enabled');
    expect(entry).toMatchObject({ actor: 'admin', client_id: enabled.body.client_id, request_id: null });
    expect(entry.at).toMatch(ISO);

    // The quickstart client was enabled from its request: the audit entry names it.
    const qsAudit = await admin('GET', `/api/access/audit?client_id=${quickstart.client.client_id}`);
    const qsEntry = qsAudit.body.entries.find((e: { action: string }) => e.action === 'access.enabled');
    expect(qsEntry).toMatchObject({ actor: 'admin', request_id: quickstart.request_id });

    const all = await admin('GET', '/api/access/requests?status=all');
    expect(all.body.requests.some((r: { email: string }) => r.email.toLowerCase() === identity.email.toLowerCase())).toBe(false);
  });

  test('rotate: 200 with a new key; with grace 0 the old key is refused at once', async () => {
    const client = await enable({ tier: 'growth', request: false });
    const rotated = await admin('POST', '/api/access/rotate', { client_id: client.client_id, reason: 'Quarterly rotation' });
    expect(rotated.status).toBe(200);
    issuedKeys.push(rotated.body.api_key);
    expect(sorted(Object.keys(rotated.body))).toEqual(sorted(['client_id', 'api_key', 'key_prefix', 'rotated_at', 'previous_key_expires_at']));
    expect(rotated.body.client_id).toBe(client.client_id);
    expect(rotated.body.api_key).toMatch(KEY_SHAPE);
    expect(rotated.body.api_key).not.toBe(client.api_key);
    expect(rotated.body.key_prefix).toBe(rotated.body.api_key.slice(0, 12));
    expect(rotated.body.rotated_at).toMatch(ISO);
    expect(rotated.body.previous_key_expires_at).toBe(rotated.body.rotated_at);

    expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key }));
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: rotated.body.api_key });
    expect(me.status).toBe(200);
    expect(me.body.client_id).toBe(client.client_id);

    // The client list shows the newest key's prefix.
    const clients = await admin('GET', '/api/access/clients');
    const listed = clients.body.clients.find((c: { client_id: string }) => c.client_id === client.client_id);
    expect(listed.key_prefix).toBe(rotated.body.key_prefix);
  });

  test('rotate: with grace_seconds 2 the old key works, then is refused once the grace ends', async () => {
    const client = await enable({ tier: 'growth', request: false });
    const rotated = await admin('POST', '/api/access/rotate', { client_id: client.client_id, reason: 'Short grace', grace_seconds: 2 });
    expect(rotated.status).toBe(200);
    issuedKeys.push(rotated.body.api_key);
    const expiresAt = Date.parse(rotated.body.previous_key_expires_at);
    expect(expiresAt - Date.parse(rotated.body.rotated_at)).toBe(2_000);

    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: rotated.body.api_key })).status).toBe(200);
    const observations: Array<{ sentAt: number; receivedAt: number; status: number }> = [];
    const last = await pollUntil(
      async () => {
        const sentAt = Date.now();
        const res = await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key });
        observations.push({ sentAt, receivedAt: Date.now(), status: res.status });
        return res;
      },
      (res) => res.status !== 200,
      6_000,
      150,
    );
    expectInvalidKey(last);
    // The old key worked during the grace (at least the first call, made right after rotating)…
    expect(observations[0]!.status).toBe(200);
    for (const o of observations.filter((o) => o.status === 200)) expect(o.sentAt).toBeLessThan(expiresAt);
    // …was not refused before the grace ended, and was refused soon after (~2-3 s after rotating).
    const refused = observations.find((o) => o.status !== 200)!;
    expect(refused.receivedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(refused.sentAt).toBeLessThan(expiresAt + 1_000);
    // The new key is unaffected.
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: rotated.body.api_key })).status).toBe(200);
  });

  test('rotate: an unknown client is 404; a bad body is 400', async () => {
    const unknown = await admin('POST', '/api/access/rotate', { client_id: 'cli_abc123def456', reason: 'Quarterly rotation' });
    expect(envelopeProblems(unknown, 404, 'not_found')).toEqual([]);
    const noReason = await admin('POST', '/api/access/rotate', { client_id: quickstart.client.client_id });
    expect(envelopeProblems(noReason, 400, 'invalid_request')).toEqual([]);
    expect(noReason.body.error.details.field).toBe('reason');
    const longGrace = await admin('POST', '/api/access/rotate', { client_id: quickstart.client.client_id, reason: 'x', grace_seconds: 86_401 });
    expect(envelopeProblems(longGrace, 400, 'invalid_request')).toEqual([]);
    expect(longGrace.body.error.details.field).toBe('grace_seconds');
    // The refused rotations changed nothing: the quickstart key still works.
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: quickstart.client.api_key })).status).toBe(200);
  });

  test('revoke: 200, and every key of the client is refused at once', async () => {
    const client = await enable({ tier: 'business', request: false });
    const rotated = await admin('POST', '/api/access/rotate', { client_id: client.client_id, reason: 'Grace rotation', grace_seconds: 3_600 });
    expect(rotated.status).toBe(200);
    issuedKeys.push(rotated.body.api_key);
    // Two working keys (the old one is in its grace).
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key })).status).toBe(200);
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: rotated.body.api_key })).status).toBe(200);

    const res = await admin('POST', '/api/access/revoke', { client_id: client.client_id, reason: 'Contract ended' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ client_id: client.client_id, revoked_at: expect.stringMatching(ISO) });

    for (const key of [client.api_key, rotated.body.api_key]) {
      expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/me', { key }));
      expectInvalidKey(await call(stack.restUrl, 'GET', '/v1/summary', { key }));
      const viaGateway = await gql(stack.gatewayUrl, '{ me { clientId } }', {}, { authorization: `Bearer ${key}` });
      expect(viaGateway.status).toBe(401);
      expect(viaGateway.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
    }

    // Idempotent, and a revoked client cannot be rotated.
    const again = await admin('POST', '/api/access/revoke', { client_id: client.client_id, reason: 'Again' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    const rotateRevoked = await admin('POST', '/api/access/rotate', { client_id: client.client_id, reason: 'Too late' });
    expect(envelopeProblems(rotateRevoked, 409, 'conflict')).toEqual([]);
    const unknown = await admin('POST', '/api/access/revoke', { client_id: 'cli_doesnotexist', reason: 'x' });
    expect(envelopeProblems(unknown, 404, 'not_found')).toEqual([]);

    const clients = await admin('GET', '/api/access/clients');
    const listed = clients.body.clients.find((c: { client_id: string }) => c.client_id === client.client_id);
    expect(listed).toMatchObject({ status: 'revoked', revoked_at: res.body.revoked_at });
    revoked = res.body;
  });

  test('the audit log records enable, rotate and revoke, with who, when and the reason', async () => {
    const res = await admin('GET', `/api/access/audit?client_id=${revoked.client_id}`);
    expect(res.status).toBe(200);
    const entries = res.body.entries as Array<Record<string, unknown>>;
    const byAction = (action: string) => entries.filter((e) => e.action === action);
    expect(byAction('access.enabled')).toHaveLength(1);
    expect(byAction('key.rotated')).toEqual([expect.objectContaining({ actor: 'admin', client_id: revoked.client_id, reason: 'Grace rotation' })]);
    // Revoking twice changed nothing the second time.
    expect(byAction('access.revoked')).toEqual([expect.objectContaining({ actor: 'admin', client_id: revoked.client_id, reason: 'Contract ended' })]);
    for (const e of entries) {
      expect(e.at).toMatch(ISO);
      expect(typeof e.ip).toBe('string');
    }
    // Newest first.
    const times = entries.map((e) => Date.parse(e.at as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(entries.map((e) => e.action)).toEqual(['access.revoked', 'key.rotated', 'access.enabled']);

    // The whole log: the public request is there too, and no key anywhere.
    const all = await admin('GET', '/api/access/audit');
    expect(all.status).toBe(200);
    expect(all.body.entries.some((e: Record<string, unknown>) => e.action === 'access.requested' && e.actor === 'public' && e.request_id === quickstart.request_id)).toBe(true);
    expect(all.text).not.toMatch(WHOLE_KEY);

    const limited = await admin('GET', '/api/access/audit?limit=2');
    expect(limited.body.entries).toHaveLength(2);
  });

  test('requests list: ?status=pending|enabled|all, newest first, pending by default', async () => {
    const byStatus: Record<string, Array<Record<string, unknown>>> = {};
    for (const status of ['pending', 'enabled', 'all']) {
      const res = await admin('GET', `/api/access/requests?status=${status}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(WHOLE_KEY);
      byStatus[status] = res.body.requests;
      const times = res.body.requests.map((r: { created_at: string }) => Date.parse(r.created_at));
      expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
    }
    const ids = (status: string) => byStatus[status]!.map((r) => r.request_id);
    expect(byStatus.pending!.every((r) => r.status === 'pending')).toBe(true);
    expect(byStatus.enabled!.every((r) => r.status === 'enabled')).toBe(true);
    expect(ids('pending')).toContain(pending.request_id);
    expect(ids('pending')).not.toContain(quickstart.request_id);
    expect(ids('enabled')).toContain(quickstart.request_id);
    expect(ids('enabled')).not.toContain(pending.request_id);
    expect(sorted(ids('all') as string[])).toEqual(sorted([...ids('pending'), ...ids('enabled')] as string[]));

    const qs = byStatus.enabled!.find((r) => r.request_id === quickstart.request_id)!;
    expect(qs).toMatchObject({
      full_name: 'John Doe',
      email: 'john@company.com',
      company: 'Company Inc',
      requested_tier: 'growth',
      use_case: 'Integrate analysis workflow',
      expected_monthly_documents: 2500,
      status: 'enabled',
      client_id: quickstart.client.client_id,
    });
    const pendingEntry = byStatus.pending!.find((r) => r.request_id === pending.request_id)!;
    expect(pendingEntry).toMatchObject({ status: 'pending', client_id: null, enabled_at: null });

    const byDefault = await admin('GET', '/api/access/requests');
    expect(byDefault.body.requests.map((r: { request_id: string }) => r.request_id)).toEqual(ids('pending'));
    const bad = await admin('GET', '/api/access/requests?status=bogus');
    expect(envelopeProblems(bad, 400, 'invalid_request')).toEqual([]);
    expect(bad.body.error.details.field).toBe('status');
  });

  test('clients list: tier, scopes, rpm, key prefix, last use, and never a key', async () => {
    const res = await pollUntil(
      () => admin('GET', '/api/access/clients'),
      (r) => r.body?.clients?.find((c: { client_id: string }) => c.client_id === quickstart.client.client_id)?.last_used_at != null,
      5_000,
      250,
    );
    expect(res.status).toBe(200);
    const qs = res.body.clients.find((c: { client_id: string }) => c.client_id === quickstart.client.client_id);
    expect(qs).toMatchObject({
      company: 'Company Inc',
      tier: 'growth',
      rate_limit_rpm: 180,
      key_prefix: quickstart.client.key_prefix,
      status: 'active',
    });
    expect(sorted(qs.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES.growth));
    expect(qs.last_used_at).toMatch(ISO);

    expect(issuedKeys.length).toBeGreaterThan(5);
    for (const c of res.body.clients) {
      expect(c).not.toHaveProperty('api_key');
      expect(String(c.key_prefix)).toHaveLength(12);
    }
    for (const key of issuedKeys) expect(res.text).not.toContain(key);
    expect(res.text).not.toMatch(WHOLE_KEY);
    expect(res.text).not.toMatch(/api_key|key_hash/);

    const wrong = await call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: 'not-the-admin-token' });
    expect(envelopeProblems(wrong, 401, 'invalid_admin_token')).toEqual([]);
    expect(wrong.text).not.toContain('clients');
  });

  test('keys are stored only as keyed hashes: no issued key appears anywhere in the data dir', () => {
    const files = readdirSync(stack.dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.some((file) => /access/.test(file))).toBe(true);
    const leaks: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1');
      // The random part after the 12-character prefix (which may be stored) must appear nowhere.
      for (const key of issuedKeys) if (bytes.includes(key.slice(12))) leaks.push(`${file} contains the key starting ${key.slice(0, 12)}`);
    }
    expect(leaks).toEqual([]);
  });
});
