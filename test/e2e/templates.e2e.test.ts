import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { renderText } from '@perceptiq/testkit/fixtures';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, envelopeProblems, gql, pollUntil, type ApiResponse, type EnabledClient } from '../support/api.js';
import { upload, waitProcessed } from '../support/documents.js';

/**
 * Templates and smart extraction end to end, embedded and distributed: the published example,
 * every geometry convention, text-only and image-only payloads (OCR by ingest over the bus),
 * templates generated from a sample or a field list and visible to their client only, batches
 * with bad items among good ones, every bad input answered in the envelope (never a 5xx), and a
 * stored document getting its type and fields once it is ready.
 */

/** The published "Smart extraction syntax" payload, exactly. */
const PUBLISHED = {
  ocr_tokens: [
    { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
    { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
  ],
  document_text: '',
  document_images: [],
  top_k_templates: 3,
};

/** The same two tokens in other tools' geometry: each must come out as the published boxes. */
const PAGE = { width: 2000, height: 1000 };
const CONVENTIONS: Array<[string, Record<string, unknown>]> = [
  ['Azure 8-number polygon', { ocr_tokens: [
    { text: 'Invoice #', polygon: [0.11, 0.14, 0.2, 0.14, 0.2, 0.16, 0.11, 0.16] },
    { text: 'INV-123', polygon: [0.21, 0.14, 0.31, 0.14, 0.31, 0.16, 0.21, 0.16] },
  ] }],
  ['point polygon', { ocr_tokens: [
    { text: 'Invoice #', polygon: [{ x: 0.11, y: 0.14 }, { x: 0.2, y: 0.14 }, { x: 0.2, y: 0.16 }, { x: 0.11, y: 0.16 }] },
    { text: 'INV-123', polygon: [[0.21, 0.14], [0.31, 0.14], [0.31, 0.16], [0.21, 0.16]] },
  ] }],
  ['Textract boundingBox', { ocr_tokens: [
    { text: 'Invoice #', boundingBox: { Left: 0.11, Top: 0.14, Width: 0.09, Height: 0.02 } },
    { text: 'INV-123', boundingBox: { Left: 0.21, Top: 0.14, Width: 0.1, Height: 0.02 } },
  ] }],
  ['pixel bbox with page_size', { page_size: PAGE, ocr_tokens: [
    { text: 'Invoice #', bbox: [220, 140, 180, 20] },
    { text: 'INV-123', bbox: [420, 140, 200, 20] },
  ] }],
];

const closeTo = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6));
};

/** Lines of a page as line tokens, laid out top to bottom at the left margin (or at `x`). */
const lineTokens = (lines: Array<string | [string, number]>, top = 0.08) =>
  lines.map((l, i) => {
    const [text, x] = typeof l === 'string' ? [l, 0.08] : l;
    return { text, bbox: [x, top + i * 0.03, Math.min(0.9 - x, text.length * 0.011), 0.02], page: 1 };
  });

const INVOICE_TEXT = [
  'ACME SUPPLIES LTD',
  '12 Harbour Road, Leeds LS1 4AB',
  'INVOICE',
  'Invoice Number: INV-2041',
  'Invoice Date: 15/03/2024',
  'Due Date: 14/04/2024',
  'Bill To: Contoso Ltd',
  'Subtotal: £1,000.00',
  'VAT: £200.00',
  'Total Due: £1,200.00',
].join('\n');

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  let a: EnabledClient;
  let b: EnabledClient;

  beforeAll(async () => {
    stack = await startTestStack(mode, { env: { OCR_WORKERS: '1' } });
    a = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
    b = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
  }, 120_000);
  afterAll(() => stack?.stop());

  const post = (path: string, body: unknown, key = a.api_key) => call(stack.restUrl, 'POST', path, { key, body });
  const extract = (body: unknown, key = a.api_key) => post('/v1/templates/smart/extract', body, key);
  const expectError = (res: ApiResponse, status: number, code: string) => expect(envelopeProblems(res, status, code)).toEqual([]);

  test('the published example ranks the invoice template first and finds INV-123 with its box', async () => {
    const res = await extract(PUBLISHED);
    expect(res.status).toBe(200);
    expect(res.body.templates.length).toBeGreaterThan(0);
    expect(res.body.templates.length).toBeLessThanOrEqual(3);
    expect(res.body.templates[0]).toMatchObject({ template_id: 'tpl_builtin_invoice', name: expect.any(String) });
    expect(res.body.template_id).toBe('tpl_builtin_invoice');
    expect(res.body.fields.invoice_number).toMatchObject({ value: 'INV-123', page: 1, bbox: [0.21, 0.14, 0.1, 0.02] });
    expect(res.body.fields.invoice_number.confidence).toBeGreaterThan(0.5);
    expect(res.body.key_values).toEqual([
      expect.objectContaining({ key: 'Invoice #', value: 'INV-123', page: 1, key_bbox: [0.11, 0.14, 0.09, 0.02], value_bbox: [0.21, 0.14, 0.1, 0.02] }),
    ]);
    expect(Array.isArray(res.body.warnings)).toBe(true);
  });

  test.each(CONVENTIONS)('%s is converted to the same boxes', async (_name, payload) => {
    const res = await extract(payload);
    expect(res.status).toBe(200);
    expect(res.body.template_id).toBe('tpl_builtin_invoice');
    expect(res.body.fields.invoice_number.value).toBe('INV-123');
    closeTo(res.body.fields.invoice_number.bbox, [0.21, 0.14, 0.1, 0.02]);
    closeTo(res.body.key_values[0].key_bbox, [0.11, 0.14, 0.09, 0.02]);
  });

  test('lists the built-ins, each with typed fields', async () => {
    const res = await call(stack.restUrl, 'GET', '/v1/templates', { key: a.api_key });
    expect(res.status).toBe(200);
    const types = res.body.templates.filter((t: { builtin: boolean }) => t.builtin).map((t: { doc_type: string }) => t.doc_type);
    expect(types).toEqual(expect.arrayContaining(['invoice', 'receipt', 'purchase_order', 'contract', 'bank_statement', 'utility_bill', 'tax_form']));
    const invoice = res.body.templates.find((t: { template_id: string }) => t.template_id === 'tpl_builtin_invoice');
    expect(invoice.fields).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'invoice_number', type: 'id' }),
      expect.objectContaining({ name: 'invoice_date', type: 'date' }),
      expect.objectContaining({ name: 'total', type: 'money' }),
    ]));
  });

  test('from text alone: typed, normalized fields without boxes', async () => {
    const res = await extract({ document_text: INVOICE_TEXT });
    expect(res.status).toBe(200);
    expect(res.body.template_id).toBe('tpl_builtin_invoice');
    expect(res.body.fields.invoice_number).toMatchObject({ value: 'INV-2041', bbox: null, page: null });
    expect(res.body.fields.invoice_date.normalized).toBe('2024-03-15');
    expect(res.body.fields.total.normalized).toEqual({ amount: 1200, currency: 'GBP' });
    for (const kv of res.body.key_values) expect(kv).toMatchObject({ key_bbox: null, value_bbox: null });
  });

  test('from an image alone: OCR by ingest first, then fields with boxes on the image', async () => {
    const image = renderText('INVOICE\nInvoice Number: INV-7731\nInvoice Date: 2024-03-15\nTotal Due: $1,250.00', { width: 1400, height: 700, fontSize: 44, margin: 80 });
    const res = await extract({ document_images: [`data:image/png;base64,${image.png.toString('base64')}`] });
    expect(res.status).toBe(200);
    expect(res.body.template_id).toBe('tpl_builtin_invoice');
    expect(res.body.fields.invoice_number.value).toBe('INV-7731');
    expect(res.body.fields.invoice_number.page).toBe(1);
    for (const v of res.body.fields.invoice_number.bbox) expect(v >= 0 && v <= 1).toBe(true);
    expect(res.body.fields.total.normalized).toEqual({ amount: 1250, currency: 'USD' });
    const notAnImage = await extract({ document_images: [Buffer.from('%PDF-1.4 not an image').toString('base64')] });
    expectError(notAnImage, 400, 'invalid_request');
    expect(notAnImage.body.error.details.field).toBe('document_images.0');
  }, 60_000);

  test("a template generated from a sample proposes a date and a money total, and is its client's alone", async () => {
    const sample = { ocr_tokens: [
      { text: 'Delivery Note', bbox: [0.1, 0.05, 0.3, 0.03], page: 1 },
      { text: 'Delivery Date:', bbox: [0.1, 0.12, 0.15, 0.02], page: 1 },
      { text: '2024-05-02', bbox: [0.3, 0.12, 0.12, 0.02], page: 1 },
      { text: 'Total:', bbox: [0.1, 0.16, 0.07, 0.02], page: 1 },
      { text: '$310.50', bbox: [0.3, 0.16, 0.09, 0.02], page: 1 },
    ] };
    const made = await post('/v1/templates/generate', { name: 'Delivery note', doc_type: 'delivery_note', sample });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Delivery note', doc_type: 'delivery_note', builtin: false, template_id: expect.stringMatching(/^tpl_/) });
    const byType = Object.fromEntries(made.body.fields.map((f: { name: string; type: string }) => [f.name, f.type]));
    expect(byType).toMatchObject({ delivery_date: 'date', total: 'money' });
    const id = made.body.template_id;

    const mine = await call(stack.restUrl, 'GET', '/v1/templates', { key: a.api_key });
    expect(mine.body.templates.map((t: { template_id: string }) => t.template_id)).toContain(id);
    const theirs = await call(stack.restUrl, 'GET', '/v1/templates', { key: b.api_key });
    expect(theirs.body.templates.map((t: { template_id: string }) => t.template_id)).not.toContain(id);

    // Used by its client, by id: fields typed as proposed.
    const used = await extract({ ocr_tokens: sample.ocr_tokens.map((t) => (t.text === '2024-05-02' ? { ...t, text: '2024-06-30' } : t)), template_id: id });
    expect(used.status).toBe(200);
    expect(used.body.template_id).toBe(id);
    expect(used.body.fields.delivery_date).toMatchObject({ value: '2024-06-30', normalized: '2024-06-30' });
    expect(used.body.fields.total.normalized).toEqual({ amount: 310.5, currency: 'USD' });
    // Another client can neither use nor delete it: it does not exist for them.
    expectError(await extract({ ...PUBLISHED, template_id: id }, b.api_key), 404, 'not_found');
    expectError(await call(stack.restUrl, 'DELETE', `/v1/templates/${id}`, { key: b.api_key }), 404, 'not_found');
    // Built-ins cannot be deleted; the client's own can, once.
    expectError(await call(stack.restUrl, 'DELETE', '/v1/templates/tpl_builtin_invoice', { key: a.api_key }), 409, 'conflict');
    expect((await call(stack.restUrl, 'DELETE', `/v1/templates/${id}`, { key: a.api_key })).body).toEqual({ template_id: id, deleted: true });
    expectError(await call(stack.restUrl, 'DELETE', `/v1/templates/${id}`, { key: a.api_key }), 404, 'not_found');
  });

  test('a template from a field list extracts its fields by their labels', async () => {
    const made = await post('/v1/templates/generate', { name: 'Shipping label', fields: [{ name: 'tracking_number', type: 'id', labels: ['Tracking No.'] }, { name: 'weight', type: 'number', labels: ['Weight'] }] });
    expect(made.status).toBe(201);
    const res = await extract({ ocr_tokens: lineTokens(['SHIP TO: Jane Doe', 'Tracking No. 1Z999AA10123456784', 'Weight: 2.5']), template_id: made.body.template_id });
    expect(res.body.fields.tracking_number.value).toBe('1Z999AA10123456784');
    expect(res.body.fields.weight.normalized).toBe(2.5);
  });

  test('a batch answers every item in its place; malformed ones never fail the others', async () => {
    const items = [PUBLISHED, 'not a payload', { ocr_tokens: [{ text: '', bbox: [0.1, 0.1, 0.1, 0.1] }] }, { ...PUBLISHED, template_id: 'tpl_nope' }, { document_text: INVOICE_TEXT }];
    const res = await post('/v1/templates/smart/extract/batch', { items });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { index: number; ok: boolean }) => [r.index, r.ok])).toEqual([[0, true], [1, false], [2, false], [3, false], [4, true]]);
    expect(res.body.results[0].result.fields.invoice_number.value).toBe('INV-123');
    expect(res.body.results[0].error).toBeUndefined();
    expect(res.body.results[1]).toMatchObject({ error: { code: 'invalid_request' } });
    expect(res.body.results[1].result).toBeUndefined();
    expect(res.body.results[2].error).toMatchObject({ code: 'invalid_request', details: { field: 'items.2.ocr_tokens.0.text' } });
    expect(res.body.results[3].error).toMatchObject({ code: 'not_found' });
    expect(res.body.results[4].result.fields.invoice_number.value).toBe('INV-2041');
  });

  test('every bad input is a 4xx in the envelope naming the field, never a 5xx', async () => {
    const raw = (rawBody: string) => call(stack.restUrl, 'POST', '/v1/templates/smart/extract', { key: a.api_key, rawBody });
    expectError(await raw('{"ocr_tokens": ['), 400, 'invalid_request');
    expectError(await raw('[1, 2]'), 400, 'invalid_request');
    expectError(await raw('"a string"'), 400, 'invalid_request');
    const noText = await extract({ ocr_tokens: [{ bbox: [0.1, 0.1, 0.1, 0.1], page: 1 }] });
    expectError(noText, 400, 'invalid_request');
    expect(noText.body.error.details.field).toBe('ocr_tokens.0.text');
    const outside = await extract({ ocr_tokens: [PUBLISHED.ocr_tokens[0], { text: 'x', bbox: [0.5, 1.4, 0.1, 0.1], page: 1 }] });
    expectError(outside, 400, 'invalid_request');
    expect(outside.body.error.details.field).toBe('ocr_tokens.1.bbox.1');
    const deep = `{"ocr_tokens":[{"text":"a","bbox":[0.1,0.1,0.1,0.1],"x":${'['.repeat(5000)}${']'.repeat(5000)}}]}`;
    expectError(await raw(deep), 400, 'invalid_request');
    const huge = await extract({ ocr_tokens: [{ text: 'x'.repeat(2 * 1024 * 1024), bbox: [0.1, 0.1, 0.1, 0.1], page: 1 }] });
    expectError(huge, 400, 'invalid_request');
    expect(huge.body.error.details.field).toBe('ocr_tokens.0.text');
    const many = await post('/v1/templates/smart/extract/batch', { items: Array.from({ length: 101 }, () => PUBLISHED) });
    expectError(many, 400, 'invalid_request');
    expect(many.body.error.details.field).toBe('items');
    const unknown = await extract({ ...PUBLISHED, template_id: 'tpl_unknown' });
    expectError(unknown, 404, 'not_found');
    const noFields = await post('/v1/templates/generate', { name: 'Empty' });
    expectError(noFields, 400, 'invalid_request');
    // The GraphQL field holds the same limits.
    const viaGraph = await gql(stack.gatewayUrl, 'query($p: JSON!) { smartExtract(payload: $p) { templateId } }', { p: { ocr_tokens: [{ text: 'x', bbox: [2, 0, 1, 1] }] } }, { authorization: `Bearer ${a.api_key}` });
    expect(viaGraph.body.errors[0].extensions.code).toBe('invalid_request');
    expect(viaGraph.body.data).toBeNull();
  });

  test('a stored document gets its type and fields once it is ready', async () => {
    const up = await upload(stack.restUrl, a.api_key, [{ name: 'invoice.txt', bytes: Buffer.from(INVOICE_TEXT) }]);
    const id = up.body.documents[0].doc_id;
    expect(await waitProcessed(stack.restUrl, a.api_key, id)).toMatchObject({ status: 'ready' });
    const doc = await pollUntil(() => call(stack.restUrl, 'GET', `/v1/documents/${id}?words=false`, { key: a.api_key }), (r) => r.body.extraction != null, 30_000);
    expect(doc.body).toMatchObject({ doc_type: 'invoice', extraction: { template_id: 'tpl_builtin_invoice', doc_type: 'invoice' } });
    expect(doc.body.extraction.fields.invoice_number).toMatchObject({ value: 'INV-2041', page: 1 });
    expect(doc.body.extraction.fields.invoice_number.bbox).toHaveLength(4);
    expect(doc.body.extraction.fields.total.normalized).toEqual({ amount: 1200, currency: 'GBP' });
    const list = await call(stack.restUrl, 'GET', '/v1/documents', { key: a.api_key });
    expect(list.body.documents.find((d: { doc_id: string }) => d.doc_id === id)).toMatchObject({ doc_type: 'invoice' });
    const viaGraph = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { filename docType extraction { templateId fields { name value } } } }', { id }, { authorization: `Bearer ${a.api_key}` });
    expect(viaGraph.body.data.document).toMatchObject({ filename: 'invoice.txt', docType: 'invoice', extraction: { templateId: 'tpl_builtin_invoice' } });
    // A sample by doc_id: the stored document's pairs become fields.
    const fromDoc = await post('/v1/templates/generate', { name: 'Acme invoice', sample: { doc_id: id } });
    expect(fromDoc.status).toBe(201);
    expect(fromDoc.body.fields.map((f: { type: string }) => f.type)).toEqual(expect.arrayContaining(['date', 'money']));
    expectError(await post('/v1/templates/generate', { name: 'Theirs', sample: { doc_id: id } }, b.api_key), 404, 'not_found');
    // Deleted, the document's extraction goes with it.
    expect((await call(stack.restUrl, 'DELETE', `/v1/documents/${id}`, { key: a.api_key })).status).toBe(200);
    expectError(await call(stack.restUrl, 'GET', `/v1/documents/${id}`, { key: a.api_key }), 404, 'not_found');
  }, 120_000);
});
