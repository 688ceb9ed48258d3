import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createPerceptiqClient, multipart } from '@perceptiq/client';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { uniqueIdentity } from '../support/api.js';

/**
 * The typed client (packages/client) against a live stack, as its README's quickstart uses it:
 * request access, an admin enables it, then the published page's calls. Built calls answer their
 * documented success; the capabilities still to come answer 501 in the error envelope, typed.
 */
describe.each(['embedded', 'distributed'] as const)('%s: the typed client runs the published quickstart', (mode) => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await startTestStack(mode);
    const who = uniqueIdentity('typed-client');
    const pub = createPerceptiqClient({ baseUrl: stack.restUrl });
    const requested = await pub.POST('/api/access/request', {
      body: { full_name: 'John Doe', ...who, requested_tier: 'business', use_case: 'Integrate analysis workflow', expected_monthly_documents: 2500 },
    });
    expect(requested.response.status).toBe(202);
    const admin = createPerceptiqClient({ baseUrl: stack.restUrl, adminToken: stack.adminToken });
    const enabled = await admin.POST('/api/access/enable', { body: { ...who, tier: 'business', rate_limit_rpm: 600 } });
    expect(enabled.response.status).toBe(201);
    apiKey = enabled.data!.api_key;
  }, 120_000);
  afterAll(() => stack?.stop());

  test('first call, then an upload sent as FormData is accepted (202)', async () => {
    const client = createPerceptiqClient({ baseUrl: stack.restUrl, apiKey });
    const me = await client.GET('/v1/me', {});
    expect(me.data?.scopes).toEqual(expect.arrayContaining(['upload', 'ask', 'compare']));
    expect(me.response.headers.get('X-RateLimit-Limit')).toBe('600');
    const file = new File(['Term. This agreement renews for one year.\n'], 'contract.txt', { type: 'text/plain' });
    const uploaded = await client.POST('/v1/upload', { params: { query: { merge: 'true' } }, body: { files: [file] }, bodySerializer: multipart });
    expect({ status: uploaded.response.status, error: uploaded.error }).toEqual({ status: 202, error: undefined });
    expect(uploaded.data?.documents).toHaveLength(1);
  }, 60_000);

  test('ask and search answer typed data: the question cites the uploaded contract', async () => {
    const client = createPerceptiqClient({ baseUrl: stack.restUrl, apiKey });
    const question = 'What are the renewal and termination clauses?';
    // The upload above may still be being read: asked again until it is found, as a partner polling /v1/status would.
    let asked = await client.POST('/v1/ask', { body: { question } });
    for (let i = 0; i < 50 && !asked.data?.found; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      asked = await client.POST('/v1/ask', { body: { question } });
    }
    expect({ status: asked.response.status, error: asked.error }).toEqual({ status: 200, error: undefined });
    const citation = asked.data!.citations[0]!;
    expect({ filename: citation.filename, page: citation.page, snippet: citation.snippet }).toEqual({ filename: 'contract.txt', page: 1, snippet: expect.stringMatching(/This agreement renews for one year\.$/) });
    const found = await client.GET('/v1/search', { params: { query: { q: 'renews' } } });
    expect(found.data?.hits.map((h) => h.filename)).toEqual(['contract.txt']);
  }, 60_000);

  test('smart extraction is typed end to end: fields keyed by name, with boxes', async () => {
    const client = createPerceptiqClient({ baseUrl: stack.restUrl, apiKey });
    const res = await client.POST('/v1/templates/smart/extract', {
      body: { ocr_tokens: [{ text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 }, { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 }], document_text: '', document_images: [], top_k_templates: 3 },
    });
    expect({ status: res.response.status, error: res.error }).toEqual({ status: 200, error: undefined });
    expect(res.data!.fields.invoice_number).toMatchObject({ value: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02] });
  }, 60_000);

  test("the page's analytics calls answer typed: a tagging, and an unknown document as the error envelope", async () => {
    const client = createPerceptiqClient({ baseUrl: stack.restUrl, apiKey });
    const tagged = await client.POST('/v1/tagging', { body: { text: 'Invoice INV-123 from Contoso Ltd. Contact billing@contoso.com.' } });
    expect(tagged.response.status).toBe(200);
    expect(tagged.data!.pii.map((p) => p.type)).toContain('email');
    const compared = await client.POST('/v1/compare', { body: { baseId: 'doc_1', compareId: 'doc_2' } });
    expect({ status: compared.response.status, code: compared.error?.error.code, request_id: compared.error?.error.request_id }).toEqual({
      status: 404,
      code: 'not_found',
      request_id: compared.response.headers.get('X-Request-Id'),
    });
  }, 60_000);

  test('a call without a key is 401 in the envelope', async () => {
    const anonymous = createPerceptiqClient({ baseUrl: stack.restUrl });
    const answer = await anonymous.GET('/v1/summary', {});
    expect({ status: answer.response.status, code: answer.error?.error.code }).toEqual({ status: 401, code: 'invalid_token' });
  });
});
