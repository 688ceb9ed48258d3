import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, ensureWindow, envelopeProblems, gql, msLeftInMinute, pollUntil, uniqueIdentity, type ApiResponse, type EnabledClient } from '../support/api.js';

/**
 * Per-address limits of `/api/access/*`, each in its own stack so the lockout of 127.0.0.1
 * cannot leak into the other suites (counters live in each stack's own store):
 * - ten wrong admin tokens in a minute lock the address out until the minute ends: its wrong tokens
 *   and access requests are 429, the right token still gets in;
 * - the public request endpoint takes at most 10 requests a minute from one address.
 * The lockout runs first and is waited out (polling) so the request limit starts in a clean minute.
 */

const windowOf = (t: number) => Math.floor(t / 60_000);

function expectRetryAfter(res: ApiResponse, secondsLeft: number): void {
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(Math.abs(retryAfter - secondsLeft)).toBeLessThanOrEqual(2);
}

const requestBody = (identity: { email: string; company: string }) => ({
  full_name: 'Rate Tester',
  email: identity.email,
  company: identity.company,
  requested_tier: 'starter',
  use_case: 'Checking the per-address limit',
  expected_monthly_documents: 10,
});

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  let client: EnabledClient;

  beforeAll(async () => {
    stack = await startTestStack(mode);
    client = await enableClient(stack, { tier: 'growth', request: false });
  }, 60_000);
  afterAll(() => stack?.stop());

  test('ten wrong admin tokens lock the address out until the minute ends, never the right token', async () => {
    await ensureWindow(15_000);
    const window = windowOf(Date.now());
    const wrong = `${stack.adminToken}-wrong`;
    const someone = uniqueIdentity('locked');
    const wrongCalls: Array<() => Promise<ApiResponse>> = [
      () => call(stack.restUrl, 'GET', '/api/access/requests', { adminToken: wrong }),
      () => call(stack.restUrl, 'GET', '/api/access/clients'), // missing token
      () => call(stack.restUrl, 'GET', '/api/access/audit', { adminToken: 'guess-1' }),
      () => call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: wrong, body: { ...someone, tier: 'growth' } }),
      () => call(stack.restUrl, 'POST', '/api/access/rotate', { adminToken: wrong, body: { client_id: client.client_id, reason: 'x' } }),
      () => call(stack.restUrl, 'POST', '/api/access/revoke', { adminToken: wrong, body: { client_id: client.client_id, reason: 'x' } }),
      () => call(stack.restUrl, 'GET', '/api/access/requests?status=all', { adminToken: 'guess-2' }),
      () => call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: stack.adminToken.slice(0, -1) }),
      () => call(stack.restUrl, 'GET', '/api/access/audit'), // missing token
    ];
    for (const wrongCall of wrongCalls) {
      expect(envelopeProblems(await wrongCall(), 401, 'invalid_admin_token')).toEqual([]);
    }
    // Nine failures: the right token still works.
    expect((await call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: stack.adminToken })).status).toBe(200);
    // The tenth wrong token is still answered 401…
    expect(envelopeProblems(await call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: 'guess-3' }), 401, 'invalid_admin_token')).toEqual([]);

    // …and from now on every wrong token from this address is 429 without being counted…
    const secondsLeft = Math.ceil(msLeftInMinute() / 1000);
    const lockedWrong = await call(stack.restUrl, 'GET', '/api/access/audit', { adminToken: 'guess-4' });
    expect(envelopeProblems(lockedWrong, 429, 'rate_limited')).toEqual([]);
    expectRetryAfter(lockedWrong, secondsLeft);
    expect(lockedWrong.text).not.toContain(client.client_id);
    const lockedEnable = await call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: wrong, body: { ...someone, tier: 'growth' } });
    expect(envelopeProblems(lockedEnable, 429, 'rate_limited')).toEqual([]);
    const lockedRevoke = await call(stack.restUrl, 'POST', '/api/access/revoke', { adminToken: wrong, body: { client_id: client.client_id, reason: 'x' } });
    expect(envelopeProblems(lockedRevoke, 429, 'rate_limited')).toEqual([]);
    // …and so is the public request endpoint (its own budget is untouched this minute)…
    const lockedRequest = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(uniqueIdentity('locked-request')) });
    expect(envelopeProblems(lockedRequest, 429, 'rate_limited')).toEqual([]);
    expectRetryAfter(lockedRequest, secondsLeft);
    // …and a wrong token through the gateway.
    const wrongViaGateway = await gql(stack.gatewayUrl, '{ clients { clientId } }', {}, { 'x-admin-token': wrong });
    expect(wrongViaGateway.status).toBe(429);
    expect(wrongViaGateway.body.errors?.[0]?.extensions?.code).toBe('rate_limited');

    // The right token is never refused for someone else's failures, on either edge.
    const admin = await call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: stack.adminToken });
    expect(admin.status).toBe(200);
    expect(admin.text).toContain(client.client_id);
    const viaGateway = await gql(stack.gatewayUrl, '{ clients { clientId } }', {}, { 'x-admin-token': stack.adminToken });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.text).toContain(client.client_id);

    // API keys are not affected: only /api/access/* is locked.
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key });
    expect(me.status).toBe(200);
    // The revoke above was refused: the client is still active.
    expect(me.body.client_id).toBe(client.client_id);

    // The premise held: everything above ran inside one minute.
    expect(windowOf(Date.now())).toBe(window);

    // The lockout ends with the minute: poll with a wrong token (a locked call is not another failure).
    const windowEnd = (window + 1) * 60_000;
    const polls: Array<{ sentAt: number; receivedAt: number; status: number }> = [];
    const unlocked = await pollUntil(
      async () => {
        const sentAt = Date.now();
        const res = await call(stack.restUrl, 'GET', '/api/access/clients', { adminToken: wrong });
        polls.push({ sentAt, receivedAt: Date.now(), status: res.status });
        return res;
      },
      (res) => res.status !== 429,
      msLeftInMinute() + 5_000,
      500,
    );
    expect(unlocked.status).toBe(401);
    for (const p of polls.filter((p) => p.receivedAt < windowEnd)) expect(p.status).toBe(429);
    const firstUnlocked = polls.find((p) => p.status === 401)!;
    expect(firstUnlocked.receivedAt).toBeGreaterThanOrEqual(windowEnd);
    expect(firstUnlocked.sentAt).toBeLessThan(windowEnd + 2_000);

    // Nothing was enabled by a wrong token: the same email+company can be enabled now.
    const enabled = await call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: stack.adminToken, body: { ...someone, tier: 'growth' } });
    expect(enabled.status).toBe(201);
  }, 100_000);

  test('the public request endpoint takes at most 10 requests a minute from one address', async () => {
    await ensureWindow(15_000);
    const window = windowOf(Date.now());
    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(uniqueIdentity(`budget${i}`)) });
      expect({ i, status: res.status, text: res.status === 202 ? '' : res.text }).toEqual({ i, status: 202, text: '' });
      accepted.push(res.body.request_id);
    }
    const secondsLeft = Math.ceil(msLeftInMinute() / 1000);
    const eleventhIdentity = uniqueIdentity('budget10');
    const eleventh = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(eleventhIdentity) });
    expect(envelopeProblems(eleventh, 429, 'rate_limited')).toEqual([]);
    expectRetryAfter(eleventh, secondsLeft);
    // Asking again is refused too.
    const repeat = await call(stack.restUrl, 'POST', '/api/access/request', { body: requestBody(eleventhIdentity) });
    expect(envelopeProblems(repeat, 429, 'rate_limited')).toEqual([]);

    // The request budget is not an admin lockout: the admin still gets in, and sees the 10 only.
    const list = await call(stack.restUrl, 'GET', '/api/access/requests', { adminToken: stack.adminToken });
    expect(list.status).toBe(200);
    const ids = list.body.requests.map((r: { request_id: string }) => r.request_id);
    for (const id of accepted) expect(ids).toContain(id);
    expect(list.body.requests.some((r: { email: string }) => r.email.toLowerCase() === eleventhIdentity.email.toLowerCase())).toBe(false);
    // Keys are unaffected.
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: client.api_key })).status).toBe(200);

    expect(windowOf(Date.now())).toBe(window);
  }, 30_000);
});
