import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, ensureWindow, envelopeProblems, gql, msLeftInMinute, type ApiResponse, type EnabledClient } from '../support/api.js';
import { textPdf, upload, waitProcessed } from '../support/documents.js';

/**
 * Tenancy (another client's ids are `404`, exactly like ids that do not exist) and rate limits
 * (N calls a minute, refused ones included, shared by every REST adapter replica and the gateway).
 */

/** Same answer shape as for an id that does not exist: only the id in the message may differ. */
function notFoundShape(res: ApiResponse, id: string) {
  return {
    status: res.status,
    keys: Object.keys(res.body ?? {}).sort(),
    errorKeys: Object.keys(res.body?.error ?? {}).sort(),
    code: res.body?.error?.code,
    message: String(res.body?.error?.message ?? '').replaceAll(id, '<id>'),
    details: res.body?.error?.details ?? null,
  };
}

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  let a: EnabledClient;
  let b: EnabledClient;
  let docId: string;

  beforeAll(async () => {
    stack = await startTestStack(mode, mode === 'distributed' ? { restReplicas: 2 } : {});
    a = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 10_000 });
    b = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 10_000 });
  }, 60_000);
  afterAll(() => stack?.stop());

  test('an id that does not exist is 404 not_found for any client', async () => {
    for (const client of [a, b]) {
      const res = await call(stack.restUrl, 'GET', '/v1/documents/doc_doesnotexist', { key: client.api_key });
      expect(envelopeProblems(res, 404, 'not_found')).toEqual([]);
    }
  });

  test("a document is visible to its client only: another client's id is 404 like a nonexistent one", async () => {
    // A's document, made as a partner makes one: uploaded, then processed.
    const contract = await textPdf([['Master Services Agreement'], ['Renewal: twelve months'], ['Termination: thirty days notice']]);
    const uploaded = await upload(stack.restUrl, a.api_key, [{ name: 'contract.pdf', bytes: contract }]);
    expect(uploaded.status).toBe(202);
    docId = uploaded.body.documents[0].doc_id;
    expect(await waitProcessed(stack.restUrl, a.api_key, docId)).toMatchObject({ status: 'ready', error: null });

    const own = await call(stack.restUrl, 'GET', `/v1/documents/${docId}`, { key: a.api_key });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      doc_id: docId,
      filename: 'contract.pdf',
      mime_type: 'application/pdf',
      size_bytes: contract.length,
      page_count: 3,
      status: 'ready',
      archived: false,
    });
    expect(own.text).not.toContain(a.client_id);

    const other = await call(stack.restUrl, 'GET', `/v1/documents/${docId}`, { key: b.api_key });
    expect(envelopeProblems(other, 404, 'not_found')).toEqual([]);
    const nonexistentId = `doc_${randomBytes(8).toString('hex')}`;
    const nonexistent = await call(stack.restUrl, 'GET', `/v1/documents/${nonexistentId}`, { key: b.api_key });
    expect(notFoundShape(other, docId)).toEqual(notFoundShape(nonexistent, nonexistentId));

    // A per-document summary of another client's document is 404 like a nonexistent one.
    const otherSummary = await call(stack.restUrl, 'GET', `/v1/summary?docId=${docId}`, { key: b.api_key });
    expect(envelopeProblems(otherSummary, 404, 'not_found')).toEqual([]);
    const nonexistentSummary = await call(stack.restUrl, 'GET', `/v1/summary?docId=${nonexistentId}`, { key: b.api_key });
    expect(notFoundShape(otherSummary, docId)).toEqual(notFoundShape(nonexistentSummary, nonexistentId));
    const ownSummary = await call(stack.restUrl, 'GET', `/v1/summary?docId=${docId}`, { key: a.api_key });
    expect(ownSummary.status).not.toBe(404);

    // Through the gateway too.
    const viaGateway = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { docId filename } }', { id: docId }, { authorization: `Bearer ${b.api_key}` });
    expect(viaGateway.body.errors?.[0]?.extensions?.code).toBe('not_found');
    expect(viaGateway.text).not.toContain('contract.pdf');
    const ownViaGateway = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { docId filename } }', { id: docId }, { authorization: `Bearer ${a.api_key}` });
    expect(ownViaGateway.body.data).toEqual({ document: { docId, filename: 'contract.pdf' } });
  });

  test("lists and summaries count a client's own documents only", async () => {
    const listA = await call(stack.restUrl, 'GET', '/v1/documents', { key: a.api_key });
    expect(listA.status).toBe(200);
    expect(listA.body.documents.map((d: { doc_id: string }) => d.doc_id)).toEqual([docId]);
    expect(listA.body.next_cursor).toBeNull();

    const listB = await call(stack.restUrl, 'GET', '/v1/documents', { key: b.api_key });
    expect(listB.status).toBe(200);
    expect(listB.body.documents).toEqual([]);
    expect(listB.text).not.toContain(docId);

    const summaryA = await call(stack.restUrl, 'GET', '/v1/summary', { key: a.api_key });
    expect(summaryA.status).toBe(200);
    expect(summaryA.body.total_documents).toBe(1);
    expect(summaryA.body.documents.map((d: { doc_id: string }) => d.doc_id)).toEqual([docId]);

    const summaryB = await call(stack.restUrl, 'GET', '/v1/summary', { key: b.api_key });
    expect(summaryB.status).toBe(200);
    expect(summaryB.body.total_documents).toBe(0);
    expect(summaryB.text).not.toContain(docId);
  });

  test('a client with rate_limit_rpm N gets N calls a minute across every replica, refused calls included', async () => {
    const N = 20;
    const client = await enableClient(stack, { tier: 'starter', rate_limit_rpm: N, request: false });
    expect(client.rate_limit_rpm).toBe(N);
    if (mode === 'distributed') expect(stack.restUrls).toHaveLength(2);
    await ensureWindow(10_000);
    const window = Math.floor(Date.now() / 60_000);

    const observed: string[] = [];
    for (let i = 1; i <= N; i++) {
      const baseUrl = stack.restUrls[i % stack.restUrls.length]!;
      let res: ApiResponse;
      let expected: number;
      if (i === 10) {
        // The gateway counts against the same budget.
        res = await gql(stack.gatewayUrl, '{ me { clientId } }', {}, { authorization: `Bearer ${client.api_key}` });
        expected = 200;
      } else if (i % 4 === 0) {
        // Refused for its scope (starter has no `ask`): it still counts.
        res = await call(baseUrl, 'POST', '/v1/ask', { key: client.api_key, body: { question: 'Anything?' } });
        expected = 403;
      } else {
        res = await call(baseUrl, 'GET', '/v1/me', { key: client.api_key });
        expected = 200;
      }
      const line = `call ${i}: ${res.status} remaining=${res.headers.get('x-ratelimit-remaining')} limit=${res.headers.get('x-ratelimit-limit')}`;
      observed.push(line);
      expect({ line, status: res.status }).toEqual({ line, status: expected });
      expect(res.headers.get('x-ratelimit-limit')).toBe(String(N));
      expect({ line, remaining: res.headers.get('x-ratelimit-remaining') }).toEqual({ line, remaining: String(N - i) });
    }

    // Call N+1, on the other replica than call N: over the limit.
    const secondsLeft = Math.ceil(msLeftInMinute() / 1000);
    const over = await call(stack.restUrls[(N + 1) % stack.restUrls.length]!, 'GET', '/v1/me', { key: client.api_key });
    expect(envelopeProblems(over, 429, 'rate_limited')).toEqual([]);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Math.abs(retryAfter - secondsLeft)).toBeLessThanOrEqual(2);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(over.headers.get('x-ratelimit-limit')).toBe(String(N));
    expect(over.headers.get('x-ratelimit-reset')).toBe(String(retryAfter));

    // Every replica refuses from now on, and so does the gateway.
    for (const url of stack.restUrls) {
      const res = await call(url, 'GET', '/v1/me', { key: client.api_key });
      expect(envelopeProblems(res, 429, 'rate_limited')).toEqual([]);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const gateway = await gql(stack.gatewayUrl, '{ me { clientId } }', {}, { authorization: `Bearer ${client.api_key}` });
    expect(gateway.status).toBe(429);
    expect(gateway.body.errors?.[0]?.extensions?.code).toBe('rate_limited');
    expect(gateway.body.data ?? null).toBeNull();

    // Other clients are not affected.
    expect((await call(stack.restUrl, 'GET', '/v1/me', { key: a.api_key })).status).toBe(200);
    // The premise held: the whole sequence ran inside one window (ensureWindow left at least 10 s).
    expect(Math.floor(Date.now() / 60_000)).toBe(window);
  });
});
