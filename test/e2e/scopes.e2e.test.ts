import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER } from '@perceptiq/platform';
import { ROUTES } from '@perceptiq/rest-adapter';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { PUBLISHED_TIER_SCOPES, call, enableClient, envelopeProblems, gql, sorted, type EnabledClient } from '../support/api.js';

/**
 * Scopes: every tier × every keyed route of the route table, checked against the published
 * "Scope by plan" table (hard-coded in test/support/api.ts, not derived from the product), and
 * the same rules through the GraphQL gateway and at the subgraphs.
 */

const TIERS = ['starter', 'growth', 'business', 'enterprise'] as const;
type Tier = (typeof TIERS)[number];

/**
 * The scope of each keyed path, from the published page's function map ("Scope: …") and API.md
 * (document read/delete/restore/retry, spoken summary, /v1/me). `null`: any valid key.
 */
const CONTRACT_ROUTE_SCOPES: Record<string, string | null> = {
  'POST /v1/upload': 'upload',
  'GET /v1/status': 'status',
  'GET /v1/documents': 'documents',
  'POST /v1/ask': 'ask',
  'GET /v1/summary': 'summary',
  'GET /v1/templates': 'templates',
  'POST /v1/templates/generate': 'templates',
  'POST /v1/templates/smart/extract': 'templates',
  'POST /v1/templates/smart/extract/batch': 'templates',
  'DELETE /v1/templates/{id}': 'templates',
  'GET /v1/search': 'search',
  'GET /v1/export': 'export',
  'POST /v1/tagging': 'tagging',
  'POST /v1/compare': 'compare',
  'GET /v1/dashboard/metrics': 'metrics',
  'GET /v1/documents/{id}': 'documents',
  'DELETE /v1/documents/{id}': 'upload',
  'POST /v1/documents/{id}/restore': 'upload',
  'POST /v1/documents/{id}/retry': 'upload',
  'GET /v1/summary/audio': 'summary_audio',
  'GET /v1/me': null,
};

const KEY_ROUTES = ROUTES.filter((r) => r.auth === 'key');
const routeName = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

test('the route table gives every keyed path the scope the contract gives it', () => {
  const actual = Object.fromEntries(KEY_ROUTES.map((r) => [routeName(r), r.scope ?? null]));
  expect(actual).toEqual(CONTRACT_ROUTE_SCOPES);
});

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  const clients = {} as Record<Tier, EnabledClient>;
  const bearer = (tier: Tier) => ({ authorization: `Bearer ${clients[tier].api_key}` });

  beforeAll(async () => {
    stack = await startTestStack(mode);
    for (const tier of TIERS) clients[tier] = await enableClient(stack, { tier, rate_limit_rpm: 100_000 });
  }, 60_000);
  afterAll(() => stack?.stop());

  test.each(TIERS)('%s: enable and /v1/me show the published default scopes', async (tier) => {
    expect(sorted(clients[tier].scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES[tier]));
    const me = await call(stack.restUrl, 'GET', '/v1/me', { key: clients[tier].api_key });
    expect(me.status).toBe(200);
    expect(me.body.tier).toBe(tier);
    expect(sorted(me.body.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES[tier]));
  });

  test.each(TIERS)('%s: every keyed route is allowed or refused as the published table says', async (tier) => {
    const granted = new Set(PUBLISHED_TIER_SCOPES[tier]);
    const mismatches: string[] = [];
    let allowedCount = 0;
    let refusedCount = 0;
    for (const route of KEY_ROUTES) {
      const name = routeName(route);
      const scope = name in CONTRACT_ROUTE_SCOPES ? CONTRACT_ROUTE_SCOPES[name] : (route.scope ?? null);
      const allowed = scope === null || granted.has(scope);
      const path = route.path.replace(/\{\w+\}/g, 'doc_doesnotexist');
      const res = await call(stack.restUrl, route.method, path, {
        key: clients[tier].api_key,
        ...(route.method === 'post' ? { body: {} } : {}),
      });
      const got = `${res.status} ${res.body?.error?.code ?? ''}`.trim();
      // Every authenticated response carries the rate headers, whatever its status.
      if (res.headers.get('x-ratelimit-limit') !== '100000' || !/^\d+$/.test(res.headers.get('x-ratelimit-remaining') ?? '') || !/^\d+$/.test(res.headers.get('x-ratelimit-reset') ?? '')) {
        mismatches.push(`${name}: ${got} without X-RateLimit-* headers`);
      }
      if (allowed) {
        allowedCount++;
        if (route.action.kind === 'stream' && route.method === 'post') {
          // An upload sent as JSON passed auth and scope, then is refused for its content type.
          if (res.status !== 415 || res.body?.error?.code !== 'unsupported_media_type') mismatches.push(`${name}: expected 415 for a JSON body, got ${got}`);
        } else if (route.action.kind === 'stream') {
          // A download (the spoken summary of the workspace) passed auth and scope, and is sent.
          if (res.status !== 200 || !res.headers.get('content-type')?.startsWith(route.download?.[0] ?? '?')) mismatches.push(`${name}: expected 200 ${route.download?.[0]}, got ${got}`);
        } else if (![200, 400, 404].includes(res.status)) {
          mismatches.push(`${name}: expected allowed (200/400/404), got ${got}`);
        }
      } else {
        refusedCount++;
        const problems = envelopeProblems(res, 403, 'insufficient_scope');
        if (res.body?.error?.details?.required_scope !== scope) problems.push(`details.required_scope ${JSON.stringify(res.body?.error?.details?.required_scope)} (expected ${scope})`);
        if (problems.length) mismatches.push(`${name}: ${problems.join('; ')}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The matrix really exercised both sides (the table gives every tier at least 5 scopes).
    expect(allowedCount).toBeGreaterThan(0);
    if (tier !== 'business' && tier !== 'enterprise') expect(refusedCount).toBeGreaterThan(0);
  });

  test('the OpenAPI document and the docs page are served without a key', async () => {
    const spec = await call(stack.restUrl, 'GET', '/v1/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/summary', '/api/access/enable', '/v1/templates/smart/extract']));
    const docs = await fetch(`${stack.restUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    // Swagger UI renders the document in the browser (browser-pages.e2e.test.ts checks every operation shows).
    expect(await docs.text()).toContain('/docs/assets/reference.js');
    const init = await fetch(`${stack.restUrl}/docs/assets/reference.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("url: '/v1/openapi.json'");
  });

  test('gateway: no key, or a bad key, is HTTP 401 invalid_token before execution', async () => {
    const none = await gql(stack.gatewayUrl, '{ me { clientId } }');
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
    expect(none.body.data ?? null).toBeNull();
    const garbage = await gql(stack.gatewayUrl, '{ me { clientId } }', {}, { authorization: 'Bearer pa_live_garbage' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
    expect(garbage.body.data ?? null).toBeNull();
  });

  test('gateway: a field outside the key\'s scopes is HTTP 403 insufficient_scope with no data', async () => {
    const res = await gql(stack.gatewayUrl, '{ templates { templateId } }', {}, bearer('starter'));
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('insufficient_scope');
    expect(res.body.data ?? null).toBeNull();

    // Refused whole: the allowed field next to it is not answered either.
    const mixed = await gql(stack.gatewayUrl, '{ me { clientId } dashboardMetrics { period } }', {}, bearer('growth'));
    expect(mixed.status).toBe(403);
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('insufficient_scope');
    expect(mixed.body.data ?? null).toBeNull();
  });

  test('gateway: an operation seen before (sent straight to its subgraph) gets the same auth, scope and error rules', async () => {
    // The first business call is validated by Apollo Server; the repeats take the pass-through.
    const query = 'query Repeat($id: ID!) { dashboardMetrics { period } document(id: $id) { id } }';
    const single = 'query RepeatOne { dashboardMetrics { period } }';
    for (let i = 0; i < 3; i++) {
      const ok = await gql(stack.gatewayUrl, single, {}, bearer('business'));
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ data: { dashboardMetrics: { period: '24h' } } });
    }
    // The gateway's own metrics say the repeats went straight to the subgraph.
    const metrics = await (await fetch(stack.metricsUrls.gateway)).text();
    expect(Number(/perceptiq_gateway_operations_total\{path="fast"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(2);
    const starter = await gql(stack.gatewayUrl, single, {}, bearer('starter'));
    expect(starter.status).toBe(403);
    expect(starter.body.errors?.[0]?.extensions).toMatchObject({ code: 'insufficient_scope', details: { required_scope: 'metrics' } });
    expect(starter.body.data ?? null).toBeNull();
    const noKey = await gql(stack.gatewayUrl, single, {}, {});
    expect(noKey.status).toBe(401);
    expect(noKey.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
    expect(noKey.headers.get('www-authenticate')).toBe('Bearer');
    const badKey = await gql(stack.gatewayUrl, single, {}, { authorization: `Bearer pa_live_${'x'.repeat(40)}` });
    expect(badKey.status).toBe(401);

    // Two subgraphs: always the query planner; missing variables are still refused.
    const missingVariable = await gql(stack.gatewayUrl, query, {}, bearer('business'));
    expect(missingVariable.status).toBe(400);
    expect(missingVariable.body.errors?.[0]?.extensions?.code).toBe('invalid_request');

    // A remembered single-subgraph operation with a variable of the wrong type: the subgraph refuses it in our format.
    const byId = 'query DocById($id: ID!) { document(id: $id) { id } }';
    expect((await gql(stack.gatewayUrl, byId, { id: 'doc_none' }, bearer('business'))).body.errors?.[0]?.extensions?.code).toBe('not_found');
    const again = await gql(stack.gatewayUrl, byId, { id: 'doc_none' }, bearer('business'));
    expect(again.status).toBe(200);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('not_found');
    const wrongType = await gql(stack.gatewayUrl, byId, { id: { not: 'an id' } }, bearer('business'));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors?.[0]?.extensions?.code).toBe('invalid_request');
  });

  test('gateway: fields within the key\'s scopes answer 200 with data', async () => {
    const summary = await gql(stack.gatewayUrl, '{ summary { totalDocuments } }', {}, bearer('growth'));
    expect(summary.status).toBe(200);
    expect(summary.body.errors).toBeUndefined();
    expect(summary.body.data).toEqual({ summary: { totalDocuments: 0 } });
    expect(summary.headers.get('x-ratelimit-limit')).toBe('100000');

    const documents = await gql(stack.gatewayUrl, '{ documents { documents { docId } nextCursor } }', {}, bearer('starter'));
    expect(documents.status).toBe(200);
    expect(documents.body.data).toEqual({ documents: { documents: [], nextCursor: null } });

    for (const tier of TIERS) {
      const me = await gql(stack.gatewayUrl, '{ me { clientId tier scopes } }', {}, bearer(tier));
      expect(me.status).toBe(200);
      expect(me.body.data.me.clientId).toBe(clients[tier].client_id);
      expect(me.body.data.me.tier).toBe(tier);
      expect(sorted(me.body.data.me.scopes)).toEqual(sorted(PUBLISHED_TIER_SCOPES[tier]));
    }
  });

  test('gateway: admin operations need the admin token, and a key is no admin token', async () => {
    const asAdmin = await gql(stack.gatewayUrl, '{ clients { clientId } }', {}, { 'x-admin-token': stack.adminToken });
    expect(asAdmin.status).toBe(200);
    const ids = asAdmin.body.data.clients.map((c: { clientId: string }) => c.clientId);
    for (const tier of TIERS) expect(ids).toContain(clients[tier].client_id);

    const asClient = await gql(stack.gatewayUrl, '{ clients { clientId } }', {}, bearer('enterprise'));
    expect(asClient.body.errors?.[0]?.extensions?.code).toBe('invalid_admin_token');
    expect(asClient.body.data ?? null).toBeNull();
    expect(asClient.text).not.toContain(clients.starter.client_id);
    const audit = await gql(stack.gatewayUrl, '{ auditLog { action clientId } }', {}, bearer('enterprise'));
    expect(audit.body.errors?.[0]?.extensions?.code).toBe('invalid_admin_token');
    expect(audit.text).not.toContain(clients.starter.client_id);
  });

  test('gateway: a too-deep operation is HTTP 400 invalid_request', async () => {
    const depth = 20;
    const deep = `{ ${'me { '.repeat(depth)}clientId${' }'.repeat(depth)} }`;
    const res = await gql(stack.gatewayUrl, deep, {}, bearer('enterprise'));
    expect(res.status).toBe(400);
    expect(res.body.data ?? null).toBeNull();
    const errors = (res.body.errors ?? []) as Array<{ message: string; extensions?: { code?: string } }>;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.extensions?.code === 'invalid_request')).toBe(true);
    // Refused for its depth (not only for its unknown fields).
    expect(errors.some((e) => /depth/i.test(e.message))).toBe(true);

    // The same mistake without the depth is refused without a depth error: the rule is what fired above.
    const shallow = await gql(stack.gatewayUrl, '{ me { me { clientId } } }', {}, bearer('enterprise'));
    expect(shallow.status).toBe(400);
    expect((shallow.body.errors ?? []).some((e: { message: string }) => /depth/i.test(e.message))).toBe(false);
  });

  test('subgraphs answer nothing without a valid signed context', async () => {
    const url = stack.serviceUrls.access;
    const none = await gql(url, '{ me { clientId } }');
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
    expect(none.body.data ?? null).toBeNull();

    // An API key is no use at a subgraph either.
    const keyed = await gql(url, '{ me { clientId } }', {}, bearer('enterprise'));
    expect(keyed.status).toBe(401);
    expect(keyed.body.errors?.[0]?.extensions?.code).toBe('invalid_token');

    // A forged context: a plausible body with a signature made without the secret.
    const enterprise = clients.enterprise;
    const forge = (principal: unknown) => {
      const body = Buffer.from(
        JSON.stringify({ principal, request_id: 'forged-1', ip: '127.0.0.1', exp: Date.now() + 30_000 }),
      ).toString('base64url');
      return { [CONTEXT_HEADER]: body, [CONTEXT_SIGNATURE_HEADER]: randomBytes(32).toString('base64url') };
    };
    const clientPrincipal = {
      type: 'client',
      client: { client_id: enterprise.client_id, company: enterprise.company, tier: 'enterprise', scopes: PUBLISHED_TIER_SCOPES.enterprise, rate_limit_rpm: 100_000 },
    };
    for (const headers of [forge(clientPrincipal), forge({ type: 'admin' })]) {
      const forged = await gql(url, '{ me { clientId } }', {}, headers);
      expect(forged.status).toBe(401);
      expect(forged.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
      expect(forged.body.data ?? null).toBeNull();
      const admin = await gql(url, '{ clients { clientId } }', {}, headers);
      expect(admin.status).toBe(401);
      expect(admin.text).not.toContain(enterprise.client_id);
    }
    const ingest = await gql(stack.serviceUrls.ingest, '{ documents { documents { docId } } }', {}, forge(clientPrincipal));
    expect(ingest.status).toBe(401);

    // The gateway does not take a forged context either.
    const viaGateway = await gql(stack.gatewayUrl, '{ me { clientId } }', {}, forge(clientPrincipal));
    expect(viaGateway.status).toBe(401);
    expect(viaGateway.body.errors?.[0]?.extensions?.code).toBe('invalid_token');
  });
});
