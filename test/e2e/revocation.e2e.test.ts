import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, gql, type ApiResponse } from '../support/api.js';

/**
 * A revoked key stops working on every edge process within a second: each REST adapter replica
 * and the gateway, on a route answered at the edge (/v1/me) and on one that crosses to a subgraph.
 * Every replica has served the key just before, so anything it might remember of it is warm.
 */
const LIMIT_MS = 1_000;

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(mode, mode === 'distributed' ? { restReplicas: 2 } : {});
  }, 60_000);
  afterAll(() => stack?.stop());

  test('every REST replica and the gateway refuse a revoked key within 1 s', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 100_000 });
    const checks: Array<[string, () => Promise<ApiResponse>]> = stack.restUrls.flatMap((url, i) => [
      [`REST replica ${i + 1}: GET /v1/me`, () => call(url, 'GET', '/v1/me', { key: client.api_key })],
      [`REST replica ${i + 1}: GET /v1/documents`, () => call(url, 'GET', '/v1/documents', { key: client.api_key })],
    ] as Array<[string, () => Promise<ApiResponse>]>);
    checks.push(['gateway: { me }', () => gql(stack.gatewayUrl, '{ me { clientId } }', {}, { authorization: `Bearer ${client.api_key}` })]);
    if (mode === 'distributed') expect(stack.restUrls).toHaveLength(2);
    for (const [name, check] of checks) expect([name, (await check()).status]).toEqual([name, 200]);

    const revoked = await call(stack.restUrl, 'POST', '/api/access/revoke', { adminToken: stack.adminToken, body: { client_id: client.client_id, reason: 'Contract ended' } });
    expect(revoked.status).toBe(200);
    const since = Date.now();

    const refusedAfter = await Promise.all(
      checks.map(async ([name, check]) => {
        for (;;) {
          const res = await check();
          if (res.status === 401) return [name, Date.now() - since <= LIMIT_MS] as const;
          if (Date.now() - since > LIMIT_MS) return [name, false] as const;
          await new Promise((r) => setTimeout(r, 25));
        }
      }),
    );
    expect(refusedAfter).toEqual(checks.map(([name]) => [name, true]));
  });
});
