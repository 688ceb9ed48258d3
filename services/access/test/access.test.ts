import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import {
  AuthorizeAdmin,
  AuthorizeKey,
  TIER_RATE_LIMIT_RPM,
  TIER_SCOPES,
} from '@perceptiq/contracts';
import { createLogger, createMemoryBus, keyedHash, Lifecycle, openStore, type Bus, type Store } from '@perceptiq/platform';
import { graphql, parse } from 'graphql';
import { createAccess, type Access, type Actor } from '../src/index.js';
import { createResolvers } from '../src/resolvers.js';
import { MemoryRateCounter, StoreRateCounter, type RateCounter } from '../src/rate-counter.js';

const KEY_SECRET = 'test-key-secret-0123456789';
const ADMIN_TOKEN = 'test-admin-token-0123456789';
const ADMIN: Actor = { actor: 'admin', ip: '10.0.0.1' };
const PUBLIC: Actor = { actor: 'public', ip: '10.0.0.2' };
// Ten seconds into a minute, so windows have 50 s left.
const START = Date.parse('2030-01-01T00:00:10.000Z');

const requestBody = {
  full_name: 'John Doe',
  email: ' John@Company.com',
  company: 'Company Inc',
  requested_tier: 'growth',
  use_case: 'Integrate analysis workflow',
  expected_monthly_documents: 2500,
};

let dir: string;
let store: Store;
let bus: Bus;
let lifecycle: Lifecycle;
let access: Access;
let clock: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perceptiq-access-'));
  const logger = createLogger({ level: 'silent', name: 'access-test' });
  lifecycle = new Lifecycle(logger, 5_000);
  store = await openStore({ dataDir: dir, service: 'access' });
  lifecycle.onStop('store', () => store.close());
  bus = createMemoryBus({ store, requestTimeoutMs: 2_000 });
  lifecycle.onStop('bus', () => bus.close());
  clock = START;
  access = createAccess({
    store,
    bus,
    logger,
    lifecycle,
    keySecret: KEY_SECRET,
    adminToken: ADMIN_TOKEN,
    adminFailuresPerIpPerMinute: 10,
    accessRequestsPerIpPerMinute: 10,
    now: () => clock,
  });
  await access.start();
});

afterEach(async () => {
  await lifecycle.stop();
  rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
const authorize = (key: string) => bus.request(AuthorizeKey, { key_hash: keyedHash(KEY_SECRET, key) });

/** Events arrive on a later turn of the event loop: poll (real time) until the expectation holds. */
async function eventually(check: () => Promise<void>, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const enableGrowth = (extra: Record<string, unknown> = {}) =>
  access.service.enable({ email: 'john@company.com', company: 'Company Inc', tier: 'growth', ...extra }, ADMIN);

describe('access lifecycle', () => {
  test('request → enable → authorize → rotate with grace → expiry → revoke', async () => {
    const receipt = await access.service.requestAccess(requestBody, PUBLIC);
    expect(receipt).toEqual({ request_id: expect.stringMatching(/^req_[a-z0-9]+$/), status: 'pending' });
    // Same pending email+company (compared trimmed and case-insensitively) is the same request.
    const again = await access.service.requestAccess({ ...requestBody, email: 'JOHN@company.com', company: ' company inc ' }, PUBLIC);
    expect(again).toEqual(receipt);
    expect(await access.service.listRequests({})).toHaveLength(1);

    clock += 1_000; // audit entries are listed newest first
    const enabledAt = clock;
    const enabled = await access.service.enable({ email: 'john@company.com', company: 'Company Inc', tier: 'business' }, ADMIN);
    expect(enabled).toEqual({
      client_id: expect.stringMatching(/^cli_[a-z0-9]{12}$/),
      api_key: expect.stringMatching(/^pa_live_[A-Za-z0-9_-]{40}$/),
      key_prefix: enabled.api_key.slice(0, 12),
      tier: 'business', // the admin's tier wins over the requested one
      scopes: [...TIER_SCOPES.business],
      rate_limit_rpm: TIER_RATE_LIMIT_RPM.business,
      created_at: iso(enabledAt),
    });
    expect(await access.service.listRequests({})).toEqual([]);
    expect(await access.service.listRequests({ status: 'enabled' })).toEqual([
      expect.objectContaining({ request_id: receipt.request_id, status: 'enabled', enabled_at: iso(enabledAt), client_id: enabled.client_id }),
    ]);

    const first = await authorize(enabled.api_key);
    expect(first).toEqual({
      ok: true,
      client: { client_id: enabled.client_id, company: 'Company Inc', tier: 'business', scopes: enabled.scopes, rate_limit_rpm: 600 },
      rate: { limit: 600, remaining: 599, reset_seconds: 49 },
      allowed: true,
    });
    await access.authorizer.drain();
    expect((await access.service.listClients())[0]).toMatchObject({
      client_id: enabled.client_id,
      key_prefix: enabled.key_prefix,
      status: 'active',
      last_used_at: iso(enabledAt),
      enabled_without_request: false,
    });

    clock += 1_000;
    const rotated = await access.service.rotate({ client_id: enabled.client_id, reason: 'Quarterly rotation', grace_seconds: 30 }, ADMIN);
    expect(rotated).toEqual({
      client_id: enabled.client_id,
      api_key: expect.stringMatching(/^pa_live_/),
      key_prefix: rotated.api_key.slice(0, 12),
      rotated_at: iso(clock),
      previous_key_expires_at: iso(clock + 30_000),
    });
    expect(rotated.api_key).not.toBe(enabled.api_key);
    expect(await authorize(rotated.api_key)).toMatchObject({ ok: true, allowed: true });
    expect(await authorize(enabled.api_key)).toMatchObject({ ok: true });

    // The old key's cache entry (no expiry) is dropped by the ClientChanged event, so the expiry applies.
    clock += 30_000;
    await eventually(async () => expect(await authorize(enabled.api_key)).toEqual({ ok: false, reason: 'expired' }));
    expect(await authorize(rotated.api_key)).toMatchObject({ ok: true });

    // A later rotation never extends an older key's expiry.
    clock += 1_000;
    const second = await access.service.rotate({ client_id: enabled.client_id, reason: 'again', grace_seconds: 3_600 }, ADMIN);
    const keys = store.collection('keys');
    expect((await keys.findOne({ _id: keyedHash(KEY_SECRET, enabled.api_key) }))?.expires_at).toBe(iso(enabledAt + 31_000));
    expect((await keys.findOne({ _id: keyedHash(KEY_SECRET, rotated.api_key) }))?.expires_at).toBe(iso(clock + 3_600_000));
    expect((await keys.findOne({ _id: keyedHash(KEY_SECRET, second.api_key) }))?.expires_at).toBeNull();

    clock += 1_000;
    const revoked = await access.service.revoke({ client_id: enabled.client_id, reason: 'Contract ended' }, ADMIN);
    expect(revoked).toEqual({ client_id: enabled.client_id, revoked_at: iso(clock) });
    // Both working keys stop at once (the cached entries are dropped by the event).
    await eventually(async () => {
      expect(await authorize(rotated.api_key)).toEqual({ ok: false, reason: 'revoked' });
      expect(await authorize(second.api_key)).toEqual({ ok: false, reason: 'revoked' });
    });

    clock += 5_000;
    expect(await access.service.revoke({ client_id: enabled.client_id, reason: 'twice' }, ADMIN)).toEqual(revoked);
    await expect(access.service.rotate({ client_id: enabled.client_id, reason: 'too late' }, ADMIN)).rejects.toMatchObject({ code: 'conflict' });

    const audit = await access.service.auditLog({});
    expect(audit.map((a) => a.action)).toEqual(['access.revoked', 'key.rotated', 'key.rotated', 'access.enabled', 'access.requested']);
    expect(audit[0]).toEqual({
      audit_id: expect.stringMatching(/^aud_/),
      at: iso(enabledAt + 33_000),
      actor: 'admin',
      action: 'access.revoked',
      client_id: enabled.client_id,
      request_id: null,
      reason: 'Contract ended',
      ip: ADMIN.ip,
    });
    expect(audit[3]).toMatchObject({ actor: 'admin', client_id: enabled.client_id, request_id: receipt.request_id });
    expect(audit[4]).toMatchObject({ actor: 'public', ip: PUBLIC.ip, request_id: receipt.request_id, client_id: null });
    expect(await access.service.auditLog({ client_id: enabled.client_id, limit: 2 })).toHaveLength(2);
  });

  test('stores only keyed hashes: no collection holds a key', async () => {
    await access.service.requestAccess(requestBody, PUBLIC);
    const enabled = await enableGrowth();
    const rotated = await access.service.rotate({ client_id: enabled.client_id, reason: 'r', grace_seconds: 60 }, ADMIN);
    await authorize(rotated.api_key);
    await access.authorizer.drain();

    const keys = await store.collection('keys').find({}).toArray();
    expect(keys.map((k) => k._id).sort()).toEqual([keyedHash(KEY_SECRET, enabled.api_key), keyedHash(KEY_SECRET, rotated.api_key)].sort());
    for (const name of ['keys', 'clients', 'access_requests', 'audit', 'rate_counters']) {
      const text = JSON.stringify(await store.collection(name).find({}).toArray());
      for (const key of [enabled.api_key, rotated.api_key]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(12)); // nor its secret part
      }
    }
  });

  test('a request from an email+company with an active client is a conflict naming the client, not a new pending request', async () => {
    const enabled = await enableGrowth();
    const pendingBefore = await access.service.listRequests({ status: 'pending' });
    await expect(access.service.requestAccess({ ...requestBody, email: ' John@Company.com', company: 'COMPANY INC' }, PUBLIC)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(enabled.client_id),
      details: { client_id: enabled.client_id },
    });
    expect(await access.service.listRequests({ status: 'pending' })).toEqual(pendingBefore);
    await expect(access.service.enable({ email: 'JOHN@company.com', company: 'company inc', tier: 'starter' }, ADMIN)).rejects.toMatchObject({
      code: 'conflict',
      details: { client_id: enabled.client_id },
    });
    expect(await access.service.listClients()).toHaveLength(1);
  });
});

describe('replicas', () => {
  test('a revocation made on one access replica is seen by every replica at once (the event drops their caches)', async () => {
    // A second replica on the same bus and store: requests are shared round-robin between the two.
    const replica = createAccess({
      store,
      bus,
      logger: createLogger({ level: 'silent', name: 'replica' }),
      lifecycle,
      keySecret: KEY_SECRET,
      adminToken: ADMIN_TOKEN,
      adminFailuresPerIpPerMinute: 10,
      accessRequestsPerIpPerMinute: 10,
      now: () => clock,
    });
    await replica.start();
    const { api_key, client_id } = await enableGrowth();
    // Warm both replicas' caches.
    for (let i = 0; i < 4; i++) expect(await authorize(api_key)).toMatchObject({ ok: true });
    await replica.service.revoke({ client_id, reason: 'compromised' }, ADMIN);
    await eventually(async () => {
      for (let i = 0; i < 4; i++) expect(await authorize(api_key)).toEqual({ ok: false, reason: 'revoked' });
    });
  });
});

describe('enable', () => {
  test('tier defaults: scopes and rate limit from the scope table', async () => {
    const starter = await access.service.enable({ email: 'a@b.co', company: 'A', tier: 'starter' }, ADMIN);
    expect(starter).toMatchObject({ scopes: ['status', 'documents', 'summary', 'search', 'export'], rate_limit_rpm: 60 });
    const enterprise = await access.service.enable({ email: 'c@d.co', company: 'C', tier: 'enterprise' }, ADMIN);
    expect(enterprise).toMatchObject({ scopes: [...TIER_SCOPES.business], rate_limit_rpm: 1200 });
  });

  test('scopes replace the tier default (deduplicated, in table order); rate limit overrides', async () => {
    const enabled = await enableGrowth({ scopes: ['metrics', 'status', 'metrics'], rate_limit_rpm: 42 });
    expect(enabled).toMatchObject({ tier: 'growth', scopes: ['status', 'metrics'], rate_limit_rpm: 42 });
    expect(await authorize(enabled.api_key)).toMatchObject({ client: { scopes: ['status', 'metrics'], rate_limit_rpm: 42 }, rate: { limit: 42 } });
  });

  test('without a prior request it is allowed and recorded on the client and in the audit', async () => {
    const enabled = await enableGrowth();
    expect((await access.service.listClients())[0]).toMatchObject({ enabled_without_request: true });
    const entry = await store.collection('audit').findOne({ action: 'access.enabled' });
    expect(entry).toMatchObject({ client_id: enabled.client_id, request_id: null, details: { enabled_without_request: true } });
  });

  test('a revoked company can be enabled again, as a new client; an active one cannot', async () => {
    const first = await enableGrowth();
    await expect(enableGrowth()).rejects.toMatchObject({ code: 'conflict' });
    await access.service.revoke({ client_id: first.client_id, reason: 'left' }, ADMIN);
    const second = await enableGrowth();
    expect(second.client_id).not.toBe(first.client_id);
    expect(await authorize(second.api_key)).toMatchObject({ ok: true, client: { client_id: second.client_id } });
    expect(await authorize(first.api_key)).toMatchObject({ ok: false, reason: 'revoked' });
  });
});

describe('errors', () => {
  test.each([
    ['request: bad email', () => access.service.requestAccess({ ...requestBody, email: 'nope' }, PUBLIC), 'email'],
    ['request: unknown tier', () => access.service.requestAccess({ ...requestBody, requested_tier: 'gold' }, PUBLIC), 'requested_tier'],
    ['enable: tier missing', () => access.service.enable({ email: 'a@b.co', company: 'A' }, ADMIN), 'tier'],
    ['enable: unknown scope', () => enableGrowth({ scopes: ['status', 'bogus'] }), 'scopes.1'],
    ['enable: rate limit 0', () => enableGrowth({ rate_limit_rpm: 0 }), 'rate_limit_rpm'],
    ['rotate: grace too long', () => access.service.rotate({ client_id: 'cli_x', reason: 'r', grace_seconds: 86_401 }, ADMIN), 'grace_seconds'],
    ['revoke: reason missing', () => access.service.revoke({ client_id: 'cli_x' }, ADMIN), 'reason'],
    ['audit: limit 0', () => access.service.auditLog({ limit: 0 }), 'limit'],
  ])('%s is invalid_request naming the field', async (_name, call, field) => {
    await expect(call()).rejects.toMatchObject({ code: 'invalid_request', details: { field, issues: expect.any(Array) } });
  });

  test('unknown clients are not_found', async () => {
    await expect(access.service.rotate({ client_id: 'cli_unknown00000', reason: 'r' }, ADMIN)).rejects.toMatchObject({ code: 'not_found' });
    await expect(access.service.revoke({ client_id: 'cli_unknown00000', reason: 'r' }, ADMIN)).rejects.toMatchObject({ code: 'not_found' });
  });

  test('a second enable of the same email+company is a conflict', async () => {
    await enableGrowth();
    await expect(enableGrowth({ tier: 'business' })).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe.each([
  ['store (MongoDB deployments)', () => new StoreRateCounter(store.collection('counters_under_test'), () => clock)],
  ['memory (embedded store)', () => new MemoryRateCounter(() => clock)],
] as Array<[string, () => RateCounter]>)('%s rate counter', (_name, make) => {
  test('counts per bucket and subject in wall-clock minutes, peeks without counting, sweeps ended windows', async () => {
    const counter = make();
    expect(await counter.hit('client', 'cli_a', 2)).toMatchObject({ count: 1, remaining: 1, reset_seconds: 50 });
    expect(await counter.hit('client', 'cli_a', 2)).toMatchObject({ count: 2, remaining: 0 });
    expect(await counter.hit('client', 'cli_a', 2)).toMatchObject({ count: 3, remaining: 0 });
    expect(await counter.hit('client', 'cli_b', 2)).toMatchObject({ count: 1 });
    expect(await counter.hit('admin_failure', 'cli_a', 2)).toMatchObject({ count: 1 });
    expect(await counter.peek('client', 'cli_a', 2)).toMatchObject({ count: 3 });
    expect(await counter.sweep()).toBe(0);
    clock = START + 50_000;
    expect(await counter.peek('client', 'cli_a', 2)).toMatchObject({ count: 0, remaining: 2, reset_seconds: 60 });
    expect(await counter.sweep()).toBe(3);
    const parallel = await Promise.all(Array.from({ length: 50 }, () => counter.hit('client', 'cli_c', 100)));
    expect(parallel.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('rate counting', () => {
  test('the limit+1-th call in a minute is not allowed; a new minute starts over', async () => {
    const { api_key } = await enableGrowth({ rate_limit_rpm: 3 });
    const rates = [];
    for (let i = 0; i < 4; i++) rates.push(await authorize(api_key));
    expect(rates.map((r) => r.ok && [r.allowed, r.rate.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(rates[3]).toMatchObject({ rate: { limit: 3, reset_seconds: 50 } });

    clock = START + 49_500; // half a second before the window ends: whole seconds, rounded up
    expect(await authorize(api_key)).toMatchObject({ allowed: false, rate: { reset_seconds: 1 } });
    clock = START + 50_000; // the next minute, exactly at its start
    expect(await authorize(api_key)).toMatchObject({ allowed: true, rate: { remaining: 2, reset_seconds: 60 } });
  });

  test('unknown keys are refused and not counted', async () => {
    expect(await authorize('pa_live_' + 'x'.repeat(40))).toEqual({ ok: false, reason: 'unknown' });
    expect(await access.counter.sweep()).toBe(0);
    clock += 60_000;
    expect(await access.counter.sweep()).toBe(0); // nothing was ever counted
  });

  test('the sweep deletes the counters of ended windows only', async () => {
    const { api_key } = await enableGrowth();
    await authorize(api_key);
    clock += 60_000;
    await authorize(api_key);
    expect(await access.counter.sweep()).toBe(1);
    expect(await access.counter.peek('client', (await authorize(api_key) as { client: { client_id: string } }).client.client_id, 10)).toMatchObject({ count: 2 });
  });
});

describe('admin token and per-address budgets', () => {
  const adminHash = keyedHash(KEY_SECRET, ADMIN_TOKEN);
  const wrongHash = keyedHash(KEY_SECRET, 'not-the-token');
  const ip = '203.0.113.7';

  test('ten wrong tokens lock the address out until the minute ends, but never the right token', async () => {
    expect(await bus.request(AuthorizeAdmin, { token_hash: adminHash, ip })).toEqual({ result: 'ok' });
    for (let i = 0; i < 10; i++) {
      expect(await bus.request(AuthorizeAdmin, { token_hash: wrongHash, ip })).toEqual({ result: 'invalid' });
    }
    expect(await bus.request(AuthorizeAdmin, { token_hash: wrongHash, ip })).toEqual({ result: 'locked', retry_after_seconds: 50 });
    // Someone else's failures from the same address never refuse the admin.
    expect(await bus.request(AuthorizeAdmin, { token_hash: adminHash, ip })).toEqual({ result: 'ok' });
    expect(await access.ipGuard.admitAccessRequest(ip)).toEqual({ limit: 10, remaining: 0, reset_seconds: 50, allowed: false });
    // Other addresses are unaffected.
    expect(await bus.request(AuthorizeAdmin, { token_hash: wrongHash, ip: '2001:db8::1' })).toEqual({ result: 'invalid' });

    clock += 50_000;
    expect(await bus.request(AuthorizeAdmin, { token_hash: wrongHash, ip })).toEqual({ result: 'invalid' });
  });

  test('at most ten access requests a minute from one address', async () => {
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await access.ipGuard.admitAccessRequest(ip));
    expect(results.map((r) => r.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    expect(results.map((r) => r.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(results[10]).toMatchObject({ limit: 10, reset_seconds: 50 });
    expect(await access.ipGuard.admitAccessRequest('198.51.100.1')).toMatchObject({ allowed: true, remaining: 9 });
  });
});

describe('subgraph schema', () => {
  const schema = () =>
    buildSubgraphSchema({
      typeDefs: parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8')),
      resolvers: createResolvers(access.service, access.ipGuard) as never,
    });
  const context = (principal: unknown) => ({ principal, ip: '10.0.0.9', requestId: 'req-1' });

  test('the SDL builds and the resolvers answer in camelCase with the same rules', async () => {
    const enable = await graphql({
      schema: schema(),
      source: 'mutation { enableAccess(input: {email: "a@b.co", company: "A", tier: "starter", rateLimitRpm: null}) { clientId apiKey keyPrefix scopes rateLimitRpm } }',
      contextValue: context({ type: 'admin' }),
    });
    expect(enable.errors).toBeUndefined();
    expect(enable.data?.enableAccess).toMatchObject({ clientId: expect.stringMatching(/^cli_/), scopes: [...TIER_SCOPES.starter], rateLimitRpm: 60 });

    const clients = await graphql({ schema: schema(), source: '{ clients { clientId status enabledWithoutRequest } }', contextValue: context({ type: 'admin' }) });
    expect(clients.data?.clients).toEqual([{ clientId: (enable.data?.enableAccess as { clientId: string }).clientId, status: 'active', enabledWithoutRequest: true }]);

    const refused = await graphql({ schema: schema(), source: '{ clients { clientId } }', contextValue: context({ type: 'public' }) });
    expect(refused.errors?.[0]?.originalError).toMatchObject({ code: 'invalid_admin_token' });

    const invalid = await graphql({
      schema: schema(),
      source: 'mutation { rotateKey(input: {clientId: "cli_x", reason: "r", graceSeconds: -1}) { clientId } }',
      contextValue: context({ type: 'admin' }),
    });
    expect(invalid.errors?.[0]?.originalError).toMatchObject({ code: 'invalid_request', details: { field: 'grace_seconds' } });

    // Asking for access: public callers are counted per address (each alias once), partner keys refused.
    const ask = (alias: string) => `${alias}: requestAccess(input: {fullName: "P Q", email: "p@q.co", company: "Q", requestedTier: "growth", useCase: "u", expectedMonthlyDocuments: 1}) { requestId }`;
    const aliased = await graphql({ schema: schema(), source: `mutation { ${['a', 'b', 'c'].map(ask).join(' ')} }`, contextValue: context({ type: 'public' }) });
    expect(aliased.errors).toBeUndefined();
    expect(await access.ipGuard.admitAccessRequest('10.0.0.9')).toMatchObject({ remaining: 6 });
    const starterClient = { client_id: 'cli_abc123def456', company: 'A', tier: 'starter', scopes: ['status'], rate_limit_rpm: 60 };
    const byKey = await graphql({ schema: schema(), source: `mutation { ${ask('a')} }`, contextValue: context({ type: 'client', client: starterClient }) });
    expect(byKey.errors?.[0]?.originalError).toMatchObject({ code: 'forbidden' });
    const requests = await graphql({ schema: schema(), source: '{ accessRequests { requestId } }', contextValue: context({ type: 'admin' }) });
    expect(requests.data?.accessRequests).toHaveLength(1); // the three aliases asked for the same email+company

    const client = { client_id: 'cli_abc123def456', company: 'A', tier: 'starter', scopes: ['status'], rate_limit_rpm: 60 };
    const me = await graphql({ schema: schema(), source: '{ me { clientId company tier scopes rateLimitRpm } }', contextValue: context({ type: 'client', client }) });
    expect(me.data?.me).toEqual({ clientId: 'cli_abc123def456', company: 'A', tier: 'starter', scopes: ['status'], rateLimitRpm: 60 });
  });
});
