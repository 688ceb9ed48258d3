import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ROUTES } from '@perceptiq/rest-adapter';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { call, enableClient, type ApiResponse, type EnabledClient, uniqueIdentity } from '../support/api.js';
import { upload, waitProcessed } from '../support/documents.js';

type Json = Record<string, any>;

/**
 * Live answers against the OpenAPI document the stack serves (issue 9): every built route's answer
 * (status, body, headers) is what `/v1/openapi.json` declares for it, checked with a JSON Schema
 * 2020-12 validator, and every route still answering 501 says so in the documented envelope.
 */
describe.each(['embedded', 'distributed'] as const)('%s: live answers match /v1/openapi.json', (mode) => {
  let stack: TestStack;
  let client: EnabledClient;
  let spec: Json;
  let docId: string;
  const seen = new Set<string>();
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  /** What is wrong with `res` as the answer of `method path` (none: it is as documented). */
  function problems(method: string, path: string, res: ApiResponse): string[] {
    const op = spec.paths[path]?.[method];
    if (!op) return [`${method.toUpperCase()} ${path} is not in the document`];
    seen.add(`${method} ${path}`);
    const declared = op.responses[String(res.status)];
    if (!declared) return [`status ${res.status} is not declared (${Object.keys(op.responses).join(', ')}): ${res.text.slice(0, 200)}`];
    const out: string[] = [];
    for (const header of Object.keys(declared.headers ?? {})) {
      if (['Retry-After', 'Content-Disposition', 'WWW-Authenticate'].includes(header)) continue; // only on some answers
      if (!res.headers.get(header)) out.push(`header ${header} missing`);
    }
    const schema = declared.content?.['application/json']?.schema;
    if (schema) {
      const validate = ajv.compile({ ...schema, components: spec.components });
      if (!validate(res.body)) out.push(...(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
    }
    return out;
  }

  const check = async (method: string, path: string, url: string, options: Parameters<typeof call>[3] = {}, status?: number) => {
    const res = await call(stack.restUrl, method, url, options);
    expect({ call: `${method.toUpperCase()} ${url}`, status: status ?? res.status, problems: problems(method, path, res) }).toEqual({
      call: `${method.toUpperCase()} ${url}`,
      status: res.status,
      problems: [],
    });
    return res;
  };

  beforeAll(async () => {
    stack = await startTestStack(mode);
    client = await enableClient(stack, { tier: 'enterprise', request: false });
    spec = (await call(stack.restUrl, 'GET', '/v1/openapi.json')).body;
    const uploaded = await upload(stack.restUrl, client.api_key, [{ name: 'terms.txt', bytes: Buffer.from('Term. This agreement renews for one year.\n\nTermination. Either party may end it with 30 days notice.\n'), type: 'text/plain' }]);
    docId = uploaded.body.documents[0].doc_id;
    await waitProcessed(stack.restUrl, client.api_key, docId);
  }, 120_000);
  afterAll(() => stack?.stop());

  test('questions: ask, search and summaries, found or not, and their refusals', async () => {
    const key = client.api_key;
    const asked = await check('post', '/v1/ask', '/v1/ask', { key, body: { question: 'What are the renewal and termination clauses?' } }, 200);
    expect(asked.body.found).toBe(true);
    await check('post', '/v1/ask', '/v1/ask', { key, body: { question: 'What is the warranty on turbochargers?', doc_id: docId } }, 200);
    await check('post', '/v1/ask', '/v1/ask', { key, body: { question: 'Term?', doc_id: 'doc_unknown' } }, 404);
    await check('post', '/v1/ask', '/v1/ask', { key, body: { question: '' } }, 400);
    await check('get', '/v1/search', '/v1/search?q=renews&limit=5', { key }, 200);
    await check('get', '/v1/search', '/v1/search?q=%22thirty%20days%22', { key }, 200);
    await check('get', '/v1/summary', `/v1/summary?docId=${docId}`, { key }, 200);
    await check('get', '/v1/summary', '/v1/summary?docId=doc_unknown', { key }, 404);
    const spoken = await check('get', '/v1/summary/audio', `/v1/summary/audio?docId=${docId}`, { key }, 200);
    expect(spoken.headers.get('content-type')).toBe('audio/wav');
    await check('get', '/v1/summary/audio', '/v1/summary/audio?docId=doc_unknown', { key }, 404);
  });

  test('templates: list, generate, extract (tokens, text, batch), delete, and their refusals', async () => {
    const key = client.api_key;
    await check('get', '/v1/templates', '/v1/templates', { key }, 200);
    const tokens = [
      { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
      { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
      { text: 'Date:', bbox: [0.11, 0.18, 0.05, 0.02], page: 1 },
      { text: '2024-03-15', bbox: [0.21, 0.18, 0.1, 0.02], page: 1 },
    ];
    const made = await check('post', '/v1/templates/generate', '/v1/templates/generate', { key, body: { name: 'Live check', sample: { ocr_tokens: tokens } } }, 201);
    await check('post', '/v1/templates/generate', '/v1/templates/generate', { key, body: { name: 'By fields', fields: [{ name: 'po', type: 'id' }] } }, 201);
    await check('post', '/v1/templates/generate', '/v1/templates/generate', { key, body: { name: 'Nothing' } }, 400);
    await check('post', '/v1/templates/generate', '/v1/templates/generate', { key, body: { name: 'Theirs', sample: { doc_id: 'doc_unknown' } } }, 404);
    await check('post', '/v1/templates/smart/extract', '/v1/templates/smart/extract', { key, body: { ocr_tokens: tokens, top_k_templates: 3 } }, 200);
    await check('post', '/v1/templates/smart/extract', '/v1/templates/smart/extract', { key, body: { document_text: 'Invoice Number: INV-9\nTotal: $12.00\nLine 1 Widget 2 x $6.00' } }, 200);
    await check('post', '/v1/templates/smart/extract', '/v1/templates/smart/extract', { key, body: { ocr_tokens: tokens, template_id: made.body.template_id } }, 200);
    await check('post', '/v1/templates/smart/extract', '/v1/templates/smart/extract', { key, body: { ocr_tokens: tokens, template_id: 'tpl_unknown' } }, 404);
    await check('post', '/v1/templates/smart/extract', '/v1/templates/smart/extract', { key, body: { ocr_tokens: [{ text: '', bbox: [0, 0, 1, 1] }] } }, 400);
    await check('post', '/v1/templates/smart/extract/batch', '/v1/templates/smart/extract/batch', { key, body: { items: [{ ocr_tokens: tokens }, 'bad', { document_text: 'Total: $4.00' }] } }, 200);
    await check('delete', '/v1/templates/{id}', '/v1/templates/tpl_builtin_invoice', { key }, 409);
    await check('delete', '/v1/templates/{id}', `/v1/templates/${made.body.template_id}`, { key }, 200);
    await check('delete', '/v1/templates/{id}', `/v1/templates/${made.body.template_id}`, { key }, 404);
  });

  test('documents: list, read, status, summary, restore, retry, delete', async () => {
    const key = client.api_key;
    await check('get', '/v1/documents', '/v1/documents', { key }, 200);
    await check('get', '/v1/documents/{id}', `/v1/documents/${docId}`, { key }, 200);
    await check('get', '/v1/documents/{id}', `/v1/documents/${docId}?words=false`, { key }, 200);
    await check('get', '/v1/status', `/v1/status?docId=${docId}`, { key }, 200);
    await check('get', '/v1/summary', '/v1/summary', { key }, 200);
    await check('get', '/v1/me', '/v1/me', { key }, 200);
    await check('post', '/v1/documents/{id}/restore', `/v1/documents/${docId}/restore`, { key });
    await check('post', '/v1/documents/{id}/retry', `/v1/documents/${docId}/retry`, { key });
    await check('get', '/v1/documents/{id}', '/v1/documents/doc_unknown', { key }, 404);
    await check('delete', '/v1/documents/{id}', `/v1/documents/${docId}`, { key }, 200);
  });

  test('access: request, enable, rotate, revoke and the admin lists', async () => {
    const adminToken = stack.adminToken;
    const who = uniqueIdentity('openapi-live');
    await check('post', '/api/access/request', '/api/access/request', { body: { full_name: 'Live Check', ...who, requested_tier: 'growth', use_case: 'Checking answers', expected_monthly_documents: 5 } }, 202);
    const enabled = await check('post', '/api/access/enable', '/api/access/enable', { adminToken, body: { ...who, tier: 'growth' } }, 201);
    await check('post', '/api/access/request', '/api/access/request', { body: { full_name: 'Live Check', ...who, requested_tier: 'growth', use_case: 'Again', expected_monthly_documents: 5 } }, 409);
    await check('post', '/api/access/rotate', '/api/access/rotate', { adminToken, body: { client_id: enabled.body.client_id, reason: 'Checking answers' } }, 200);
    await check('get', '/api/access/requests', '/api/access/requests?status=all', { adminToken }, 200);
    await check('get', '/api/access/clients', '/api/access/clients', { adminToken }, 200);
    await check('get', '/api/access/audit', '/api/access/audit?limit=5', { adminToken }, 200);
    await check('post', '/api/access/revoke', '/api/access/revoke', { adminToken, body: { client_id: enabled.body.client_id, reason: 'Checking answers' } }, 200);
    await check('get', '/api/access/clients', '/api/access/clients', {}, 401);
  });

  test('analytics answers match the document: tagging, comparison refusals, metrics', async () => {
    await check('post', '/v1/tagging', '/v1/tagging', { key: client.api_key, body: { text: 'Invoice INV-123 from Company Inc, due 2026-01-31: 1,250.00 EUR. Contact billing@company.com.' } }, 200);
    await check('post', '/v1/tagging', '/v1/tagging', { key: client.api_key, body: { doc_id: 'doc_doesnotexist' } }, 404);
    await check('post', '/v1/compare', '/v1/compare', { key: client.api_key, body: { baseId: 'doc_base123', compareId: 'doc_compare456' } }, 404);
    await check('post', '/v1/compare', '/v1/compare', { key: client.api_key, body: { base_id: 'doc_base123' } }, 400);
    await check('get', '/v1/dashboard/metrics', '/v1/dashboard/metrics?period=7d', { key: client.api_key }, 200);
    await check('get', '/v1/dashboard/metrics', '/v1/dashboard/metrics', {}, 401);
    const exported = await check('get', '/v1/export', '/v1/export?scope=documents&format=csv', { key: client.api_key }, 200);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="perceptiq-export-documents-\d{4}-\d{2}-\d{2}\.csv"$/);
    await check('get', '/v1/export', '/v1/export?scope=everything', { key: client.api_key }, 400);
  });

  test('the document declares every operation these calls reached', () => {
    expect(seen.size).toBeGreaterThanOrEqual(ROUTES.length - 1); // all but the upload (a stream, checked by the documents suites)
  });
});
