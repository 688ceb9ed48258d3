import { describe, expect, test } from '@jest/globals';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLiveStack, type LiveStack } from '@perceptiq/testkit/stack';
import { call, ensureWindow, envelopeProblems, gql, uniqueIdentity } from '../support/api.js';
import { textPdf, upload, waitProcessed } from '../support/documents.js';
import { liveStackPerSuite } from '../support/live-suite.js';

/**
 * The security review's findings at the edge, reproduced against the stack as `npm start` runs it
 * (its own process, NODE_ENV unset): access requests through the gateway, X-Forwarded-For and the
 * admin lockout, secret lengths, data dir permissions, and where `/metrics` is served.
 */

const requestBody = (identity: { email: string; company: string }) => ({
  full_name: 'Edge Tester',
  email: identity.email,
  company: identity.company,
  requested_tier: 'growth',
  use_case: 'Hardening tests',
  expected_monthly_documents: 10,
});

const requestMutation = (identity: { email: string; company: string }, aliases: number) =>
  `mutation { ${Array.from(
    { length: aliases },
    (_, i) =>
      `r${i}: requestAccess(input: {fullName: "Alias ${i}", email: "${i}.${identity.email}", company: "${identity.company}", requestedTier: "growth", useCase: "u", expectedMonthlyDocuments: 1}) { requestId }`,
  ).join(' ')} }`;

/** Every file and directory below `dir`, with its permission bits. */
function modesBelow(dir: string): Array<{ path: string; mode: number }> {
  const out: Array<{ path: string; mode: number }> = [{ path: dir, mode: statSync(dir).mode & 0o777 }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modesBelow(path));
    else out.push({ path, mode: statSync(path).mode & 0o777 });
  }
  return out;
}

describe('the edge, as npm start runs it', () => {
  const live = liveStackPerSuite();

  test('requestAccess with a partner key on the gateway creates nothing, however many aliases', async () => {
    const identity = uniqueIdentity('gateway-alias');
    const res = await gql(live.stack.gatewayUrl, requestMutation(identity, 5), {}, { authorization: `Bearer ${live.client.api_key}` });
    expect(res.body.data ?? null).toBeNull();
    // Mutations run one after another; the first refusal (a non-null field) ends the operation.
    expect(res.body.errors.length).toBeGreaterThanOrEqual(1);
    for (const error of res.body.errors) expect(error.extensions.code).toBe('forbidden');
    const requests = await call(live.stack.restUrl, 'GET', '/api/access/requests?status=all', { adminToken: live.stack.adminToken });
    expect(requests.status).toBe(200);
    expect(requests.body.requests.filter((r: { company: string }) => r.company === identity.company)).toEqual([]);
    // Without a key the gateway does not even parse the operation.
    expect((await gql(live.stack.gatewayUrl, requestMutation(identity, 1))).status).toBe(401);
  });

  test('the public REST route is counted in the access service and audited with the real address', async () => {
    await ensureWindow(10_000);
    const identity = uniqueIdentity('public');
    const res = await call(live.stack.restUrl, 'POST', '/api/access/request', { body: requestBody(identity), headers: { 'x-forwarded-for': '198.51.100.77' } });
    expect(res.status).toBe(202);
    const audit = await call(live.stack.restUrl, 'GET', '/api/access/audit?limit=20', { adminToken: live.stack.adminToken });
    const entry = audit.body.entries.find((e: { request_id: string }) => e.request_id === res.body.request_id);
    expect(entry).toMatchObject({ actor: 'public', action: 'access.requested', ip: '127.0.0.1' });
  });

  test('X-Forwarded-For from an untrusted peer moves neither the lockout nor the admin', async () => {
    await ensureWindow(15_000);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await call(live.stack.restUrl, 'GET', '/api/access/clients', { adminToken: `wrong-${i}`, headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      statuses.push(res.status);
    }
    // Every attempt counted against the one real address: ten 401s, then locked.
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(4).fill(429)]);
    // The lockout is not the admin's: the right token gets in, whatever address a header claims.
    for (const forwarded of [undefined, '203.0.113.1', '192.0.2.9']) {
      const res = await call(live.stack.restUrl, 'GET', '/api/access/clients', {
        adminToken: live.stack.adminToken,
        headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
      });
      expect({ forwarded, status: res.status }).toEqual({ forwarded, status: 200 });
    }
  });

  test('the data dir and everything in it are private to the service user', async () => {
    const pdf = await textPdf([['A private contract, stored as a blob.']]);
    const up = await upload(live.stack.restUrl, live.client.api_key, [{ name: 'private.pdf', bytes: pdf, type: 'application/pdf' }]);
    expect(up.status).toBe(202);
    expect((await waitProcessed(live.stack.restUrl, live.client.api_key, up.body.documents[0].doc_id)).status).toBe('ready');
    const entries = modesBelow(live.stack.dataDir);
    expect(entries.length).toBeGreaterThan(5); // databases, blobs, secrets
    expect(entries.filter((e) => e.mode & 0o077).map((e) => `${e.path} ${e.mode.toString(8)}`)).toEqual([]);
  });

  test('/metrics is served on the metrics port only, never on the partner-facing ports', async () => {
    for (const url of [`${live.stack.restUrl}/metrics`, live.stack.gatewayUrl.replace(/\/graphql$/, '/metrics')]) {
      const res = await fetch(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(await res.text()).not.toContain('perceptiq_http_request_duration_seconds');
    }
    const metrics = await fetch(`http://127.0.0.1:${live.stack.metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('perceptiq_http_request_duration_seconds');
  });
});

describe('trusted proxies', () => {
  const live = liveStackPerSuite({ TRUSTED_PROXIES: '127.0.0.1' });

  test('behind a listed proxy the lockout keys on the forwarded address, and never refuses the right token', async () => {
    await ensureWindow(15_000);
    const attacker = { 'x-forwarded-for': '203.0.113.50' };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call(live.stack.restUrl, 'GET', '/api/access/clients', { adminToken: `wrong-${i}`, headers: attacker })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // Another address behind the same proxy is not locked out…
    const neighbour = await call(live.stack.restUrl, 'GET', '/api/access/clients', { adminToken: 'wrong-again', headers: { 'x-forwarded-for': '198.51.100.60' } });
    expect(envelopeProblems(neighbour, 401, 'invalid_admin_token')).toEqual([]);
    // …and the admin gets in even from the locked address.
    expect((await call(live.stack.restUrl, 'GET', '/api/access/clients', { adminToken: live.stack.adminToken, headers: attacker })).status).toBe(200);
  });
});

describe('secrets at start-up', () => {
  test.each([
    ['an empty context-secret file', {}, (dir: string) => writeFileSync(join(dir, 'context-secret'), '\n'), /context-secret: must hold a secret of at least 32 characters/],
    ['a 31-character key secret in the environment', { PERCEPTIQ_KEY_SECRET: 'k'.repeat(31) }, undefined, /PERCEPTIQ_KEY_SECRET: must be at least 32 characters/],
  ])('refuses to start with %s', async (_label, env: Record<string, string>, prepare: ((dir: string) => void) | undefined, message: RegExp) => {
    let started: LiveStack | undefined;
    try {
      started = await startLiveStack(env, prepare ? { prepareDataDir: prepare } : {});
    } catch (err) {
      expect((err as Error).message).toMatch(/exited \(code [12]/);
      expect((err as Error).message).toMatch(message);
      return;
    } finally {
      await started?.stop();
    }
    throw new Error('the stack started with a short secret');
  }, 60_000);
});
