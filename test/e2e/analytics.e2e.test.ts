import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { call, enableClient, ensureWindow, envelopeProblems, gql, msLeftInMinute, pollUntil, sleep, type ApiResponse } from '../support/api.js';
import { textPdf, tinyDocx, upload, waitProcessed } from '../support/documents.js';

/**
 * Analytics end to end, embedded and distributed: usage metrics that count exactly the calls a
 * client made (refused ones included), documents, pages, processing and questions in the
 * client's own figures, and every bad input answered 400 in the envelope naming its field.
 */

const INVOICE = [
  'ACME SUPPLIES LTD',
  'Invoice Number: INV-2026-0042',
  'Invoice Date: 2026-11-02',
  'Due Date: 2026-12-02',
  'Bill To: Northwind Traders',
  'Total Due: GBP 1,200.00',
].join('\n');

const RECEIPT = [
  'CORNER MART',
  '12 HIGH STREET, LEEDS',
  'Date: 14/03/2026 10:42',
  'Milk 2L            1.45',
  'Bread              1.10',
  'Coffee beans       6.99',
  'SUBTOTAL           9.54',
  'VAT 20%            1.91',
  'TOTAL             11.45',
  'CASH              20.00',
  'CHANGE             8.55',
  'Thank you for shopping with us',
].join('\n');

/** A contract in numbered clauses; `changes` makes the second version the test compares against. */
function contract(version: 1 | 2): string[] {
  const clauses: Array<[string, string]> = [
    ['1. Definitions', 'In this Agreement, "Services" means the cloud hosting services described in Schedule A.'],
    ['2. Services', 'The Provider shall provide the Services to the Customer with reasonable skill and care.'],
    ['3. Term and Renewal', `This Agreement starts on the Effective Date and renews automatically for successive periods of ${version === 1 ? 'twelve (12) months' : 'twenty-four (24) months'} unless either party gives notice.`],
    ['4. Fees', 'The Customer shall pay the fees set out in Schedule B within thirty (30) days of invoice.'],
    ...(version === 1 ? ([['5. Publicity', 'Neither party shall use the other party\'s name in any publicity without prior written consent.']] as Array<[string, string]>) : []),
    ['6. Confidentiality', 'Each party shall keep the other party\'s Confidential Information secret and use it only for this Agreement.'],
    ...(version === 2 ? ([['7. Data Protection', 'The Provider shall process personal data only on the Customer\'s documented instructions and keep it secure.']] as Array<[string, string]>) : []),
    ['8. Governing Law', `This Agreement is governed by the laws of the State of ${version === 1 ? 'New York' : 'Delaware'}.`],
  ];
  return [
    'MASTER SERVICES AGREEMENT',
    'This Master Services Agreement is made between Northwind Hosting Ltd ("Provider") and Contoso Retail Inc ("Customer").',
    ...clauses.flatMap(([heading, text]) => [heading, text]),
  ];
}

const PLANTED = [
  'Contact jane.doe@example.com or billing@contoso.co.uk for the account.',
  'Call +44 20 7946 0958 or (212) 555-0143 during office hours.',
  'Pay to IBAN GB82 WEST 1234 5698 7654 32 or DE89370400440532013000.',
  'Card on file: 4111 1111 1111 1111, backup 5500-0000-0000-0004.',
  'Reference number 1234 5678 9012 3456 is not a card.',
].join('\n');

type SeriesEntry = { date: string; calls: number; documents: number; pages: number; questions: number };

/** The series summed over its days. */
function totals(series: SeriesEntry[]): Omit<SeriesEntry, 'date'> {
  const sum = { calls: 0, documents: 0, pages: 0, questions: 0 };
  for (const e of series) for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += e[k];
  return sum;
}

/** The UTC dates from `since` to now: the server's "today" is one of them. */
function utcDaysAround(since: number): string[] {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return [...new Set([day(since), day(Date.now())])];
}

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  const get = (path: string, key: string) => call(stack.restUrl, 'GET', path, { key });
  const post = (path: string, body: unknown, key: string) => call(stack.restUrl, 'POST', path, { key, body });

  beforeAll(async () => {
    stack = await startTestStack(mode, { env: { OCR_WORKERS: '1' } });
  }, 120_000);
  afterAll(() => stack?.stop());

  test(
    'metrics count exactly the calls made: by scope, by status, refused and rate-limited ones included',
    async () => {
      // Scopes chosen so /v1/ask is refused (403); 8 calls a minute so the 9th and 10th are 429.
      const client = await enableClient(stack, { tier: 'business', scopes: ['metrics', 'documents', 'status'], rate_limit_rpm: 8, request: false });
      await ensureWindow(20_000); // the ten calls below in one rate window
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await get('/v1/documents', client.api_key)).status);
      for (let i = 0; i < 2; i++) statuses.push((await post('/v1/ask', { question: 'What is due?' }, client.api_key)).status);
      statuses.push((await get('/v1/me', client.api_key)).status);
      for (let i = 0; i < 4; i++) statuses.push((await get('/v1/status', client.api_key)).status);
      expect(statuses).toEqual([200, 200, 200, 403, 403, 200, 200, 200, 429, 429]);

      // The next rate window, so metrics may be asked; the edge publishes its counts once a second.
      await sleep(msLeftInMinute() + 250);
      let asked = 0;
      const metricsAskedAt = Date.now();
      const metrics = await pollUntil(
        async () => {
          const res = await get('/v1/dashboard/metrics', client.api_key);
          asked += 1;
          return res;
        },
        (res) => res.status === 200 && res.body.api.by_scope.status === 4,
        20_000,
        300,
      );
      expect(metrics.status).toBe(200);
      const { api } = metrics.body;
      // Every metrics call before this one is counted too (200, scope "metrics"); this one is not in yet.
      const earlierMetricsCalls = api.by_scope.metrics ?? 0;
      expect(earlierMetricsCalls).toBeLessThanOrEqual(asked - 1);
      expect(api.by_scope).toEqual({ documents: 3, ask: 2, me: 1, status: 4, ...(earlierMetricsCalls ? { metrics: earlierMetricsCalls } : {}) });
      expect(api.by_status).toEqual({ '200': 6 + earlierMetricsCalls, '403': 2, '429': 2 });
      expect(api.rate_limited).toBe(2);
      expect(api.calls).toBe(10 + earlierMetricsCalls);
      // The calls may straddle UTC midnight, so the series is checked as a whole, not just today's entry.
      expect(totals(metrics.body.series).calls).toBe(api.calls);
      expect(utcDaysAround(metricsAskedAt)).toContain(metrics.body.series.at(-1).date);
      expect(metrics.body.period).toBe('24h');
    },
    150_000,
  );

  test('metrics give the client its own documents, pages, processing times and questions, and nobody else\'s', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const other = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const up = await upload(stack.restUrl, client.api_key, [{ name: 'invoice.txt', bytes: Buffer.from(INVOICE), type: 'text/plain' }]);
    expect(up.status).toBe(202);
    const docId = up.body.documents[0].doc_id as string;
    expect((await waitProcessed(stack.restUrl, client.api_key, docId)).status).toBe('ready');
    const ask = await post('/v1/ask', { question: 'What is the total due?' }, client.api_key);
    expect(ask.status).toBe(200);

    const metricsAskedAt = Date.now();
    const metrics = await pollUntil(
      () => get('/v1/dashboard/metrics?period=7d', client.api_key),
      (res) => res.status === 200 && res.body.questions.total === 1 && res.body.processing_ms.p50 !== null && res.body.documents.by_type.invoice === 1,
      20_000,
    );
    expect(metrics.status).toBe(200);
    const m = metrics.body;
    expect(m.period).toBe('7d');
    expect(m.documents).toEqual({ total: 1, by_status: { ready: 1 }, by_type: { invoice: 1 } });
    expect(m.pages.total).toBe(1);
    expect(m.processing_ms.p50).toBeGreaterThan(0);
    expect(m.processing_ms.p95).toBeGreaterThanOrEqual(m.processing_ms.p50);
    expect(m.ocr_confidence.mean).toBeNull(); // a text file needs no OCR
    expect(m.questions.total).toBe(1);
    expect(m.series.length).toBeGreaterThanOrEqual(7);
    expect(utcDaysAround(metricsAskedAt)).toContain(m.series.at(-1).date);
    expect(totals(m.series)).toMatchObject({ documents: 1, pages: 1, questions: 1 });

    const theirs = await get('/v1/dashboard/metrics?period=30d', other.api_key);
    expect(theirs.status).toBe(200);
    expect(theirs.body.documents.total).toBe(0);
    expect(theirs.body.questions.total).toBe(0);
    expect(theirs.body.pages.total).toBe(0);
  }, 120_000);

  test('tagging: a receipt, a contract, planted PII (cards only when Luhn-valid), offsets into the text', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const receipt = await post('/v1/tagging', { text: RECEIPT }, client.api_key);
    expect(receipt.status).toBe(200);
    expect(receipt.body.doc_type).toBe('receipt');
    const types = (res: ApiResponse) => new Set((res.body.entities as Array<{ type: string }>).map((e) => e.type));
    expect(types(receipt)).toEqual(expect.objectContaining({}));
    expect([...types(receipt)]).toEqual(expect.arrayContaining(['money', 'date']));

    const text = contract(1).join('\n');
    const agreement = await post('/v1/tagging', { text }, client.api_key);
    expect(agreement.status).toBe(200);
    expect(agreement.body.doc_type).toBe('contract');
    expect(agreement.body.language).toBe('en');
    const organizations = (agreement.body.entities as Array<{ type: string; text: string }>).filter((e) => e.type === 'organization').map((e) => e.text);
    expect(organizations.some((o) => o.includes('Northwind Hosting'))).toBe(true);
    expect(organizations.some((o) => o.includes('Contoso Retail'))).toBe(true);
    for (const e of agreement.body.entities as Array<{ text: string; start: number; end: number }>) expect(text.slice(e.start, e.end)).toBe(e.text);

    const planted = await post('/v1/tagging', { text: PLANTED }, client.api_key);
    expect(planted.status).toBe(200);
    const pii = (planted.body.pii as Array<{ type: string; start: number; end: number }>).map((p) => [p.type, PLANTED.slice(p.start, p.end)]);
    const of = (type: string) => pii.filter(([t]) => t === type).map(([, v]) => v);
    expect(of('email')).toEqual(['jane.doe@example.com', 'billing@contoso.co.uk']);
    expect(of('phone')).toHaveLength(2);
    expect(of('iban').map((v) => v!.replace(/\s/g, ''))).toEqual(['GB82WEST12345698765432', 'DE89370400440532013000']);
    expect(of('credit_card').map((v) => v!.replace(/\D/g, ''))).toEqual(['4111111111111111', '5500000000000004']);
    expect(of('credit_card').some((v) => v!.includes('9012'))).toBe(false);
  });

  test('every processed document is tagged: tags and language on the listing and in GraphQL; tagging by doc_id', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const up = await upload(stack.restUrl, client.api_key, [{ name: 'msa.txt', bytes: Buffer.from(contract(1).join('\n')), type: 'text/plain' }]);
    const docId = up.body.documents[0].doc_id as string;
    expect((await waitProcessed(stack.restUrl, client.api_key, docId)).status).toBe('ready');
    const listed = await pollUntil(
      () => get('/v1/documents', client.api_key),
      (res) => res.body.documents?.[0]?.language === 'en',
      20_000,
    );
    expect(listed.body.documents[0]).toMatchObject({ doc_id: docId, language: 'en' });
    expect(listed.body.documents[0].tags).toEqual(expect.arrayContaining(['contract']));
    const viaGraphql = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { tags language } }', { id: docId }, { authorization: `Bearer ${client.api_key}` });
    expect(viaGraphql.body.data.document).toEqual({ tags: listed.body.documents[0].tags, language: 'en' });
    const byId = await post('/v1/tagging', { doc_id: docId }, client.api_key);
    expect(byId.status).toBe(200);
    expect(byId.body.doc_type).toBe('contract');
    const stranger = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const theirs = await post('/v1/tagging', { doc_id: docId }, stranger.api_key);
    const unknown = await post('/v1/tagging', { doc_id: 'doc_doesnotexist' }, stranger.api_key);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
  }, 120_000);

  test('compare: exactly the changes made, identical documents, a PDF against a DOCX, refusals', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const files = [
      { name: 'msa-v1.txt', bytes: Buffer.from(contract(1).join('\n')), type: 'text/plain' },
      { name: 'msa-v2.txt', bytes: Buffer.from(contract(2).join('\n')), type: 'text/plain' },
      { name: 'msa-v1-copy.txt', bytes: Buffer.from(contract(1).join('\n') + '\n'), type: 'text/plain' },
      { name: 'msa.pdf', bytes: await textPdf([contract(1).slice(0, 8), contract(1).slice(8)]), type: 'application/pdf' },
      { name: 'msa.docx', bytes: await tinyDocx(contract(1)), type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
    ];
    const up = await upload(stack.restUrl, client.api_key, files, false);
    expect(up.status).toBe(202);
    const [v1, v2, copy, pdf, docx] = (up.body.documents as Array<{ doc_id: string }>).map((d) => d.doc_id) as [string, string, string, string, string];
    for (const id of [v1, v2, copy, pdf, docx]) expect((await waitProcessed(stack.restUrl, client.api_key, id)).status).toBe('ready');

    const changed = await post('/v1/compare', { base_id: v1, compare_id: v2 }, client.api_key);
    expect(changed.status).toBe(200);
    const kinds = (changed.body.changes as Array<{ kind: string; section: string }>).map((c) => `${c.kind} ${c.section}`).sort();
    expect(kinds).toEqual(['added 7. Data Protection', 'modified 3. Term and Renewal', 'modified 8. Governing Law', 'removed 5. Publicity'].sort());
    const removed = changed.body.changes.find((c: { kind: string }) => c.kind === 'removed');
    expect(removed.base_text).toContain('publicity');
    expect(removed.compare_text).toBeUndefined();
    const terms = changed.body.changed_terms as Array<{ term: string; base: string | null; compare: string | null }>;
    const renewal = terms.find((t) => /renewal|term/.test(t.term) && `${t.base}`.includes('12'));
    expect(renewal?.compare).toContain('24');
    const law = terms.find((t) => t.term === 'governing law');
    expect(law).toMatchObject({ base: expect.stringContaining('New York'), compare: expect.stringContaining('Delaware') });
    expect(changed.body.similarity).toBeGreaterThan(0.6);
    expect(changed.body.similarity).toBeLessThan(1);

    // The published spelling, on identical texts.
    const same = await post('/v1/compare', { baseId: v1, compareId: copy }, client.api_key);
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ similarity: 1, changes: [], changed_terms: [] });

    const formats = await post('/v1/compare', { base_id: pdf, compare_id: docx }, client.api_key);
    expect(formats.status).toBe(200);
    expect(formats.body.similarity).toBeGreaterThanOrEqual(0.98);

    const stranger = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const theirs = await post('/v1/compare', { base_id: v1, compare_id: v2 }, stranger.api_key);
    const unknown = await post('/v1/compare', { base_id: 'doc_doesnotexist', compare_id: 'doc_doesnotexist2' }, stranger.api_key);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect(theirs.body.error.message.replaceAll(v1, 'ID')).toBe(unknown.body.error.message.replaceAll('doc_doesnotexist', 'ID'));

    // A document that is not ready (here: failed, a PDF that is not one) is a conflict.
    const broken = await upload(stack.restUrl, client.api_key, [{ name: 'broken.pdf', bytes: Buffer.from('%PDF-1.7\nnot really a pdf'), type: 'application/pdf' }]);
    const brokenId = broken.body.documents[0].doc_id as string;
    expect((await waitProcessed(stack.restUrl, client.api_key, brokenId)).status).toBe('failed');
    const conflict = await post('/v1/compare', { base_id: v1, compare_id: brokenId }, client.api_key);
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'conflict']);
  }, 180_000);

  test('export: every scope and format parses back and matches the data; nobody else\'s data appears', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const other = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const up = await upload(stack.restUrl, client.api_key, [
      { name: 'invoice.txt', bytes: Buffer.from(INVOICE), type: 'text/plain' },
      { name: 'msa, final.txt', bytes: Buffer.from(contract(1).join('\n')), type: 'text/plain' },
    ], false);
    const ids = (up.body.documents as Array<{ doc_id: string }>).map((d) => d.doc_id).sort();
    for (const id of ids) await waitProcessed(stack.restUrl, client.api_key, id);
    expect((await post('/v1/ask', { question: 'Which law governs the agreement?' }, client.api_key)).status).toBe(200);
    const theirUpload = await upload(stack.restUrl, other.api_key, [{ name: 'secret.txt', bytes: Buffer.from('Invoice Number: SECRET-1\nTotal: 5.00 EUR'), type: 'text/plain' }]);
    const theirId = theirUpload.body.documents[0].doc_id as string;
    await waitProcessed(stack.restUrl, other.api_key, theirId);
    // Extraction and tagging finish shortly after ready; the question event shortly after the answer.
    await pollUntil(() => download('json', 'all'), (r) => r.json && r.json.items.filter((i: { kind: string }) => i.kind === 'tags').length > 0 && r.json.items.some((i: { kind: string }) => i.kind === 'questions') && r.json.items.some((i: { kind: string }) => i.kind === 'extractions'), 20_000);

    async function download(format: string, scope: string) {
      const res = await fetch(`${stack.restUrl}/v1/export?scope=${scope}&format=${format}`, { headers: { authorization: `Bearer ${client.api_key}` } });
      const bytes = Buffer.from(await res.arrayBuffer());
      return { res, bytes, json: format === 'json' && res.status === 200 ? JSON.parse(bytes.toString('utf8')) : undefined };
    }
    const reference = (await download('json', 'all')).json;
    const byKind = (kind: string) => reference.items.filter((i: { kind: string }) => i.kind === kind);
    expect(byKind('documents').map((d: { doc_id: string }) => d.doc_id).sort()).toEqual(ids);
    expect(byKind('documents').find((d: { filename: string }) => d.filename === 'msa, final.txt')).toBeDefined();
    expect(byKind('extractions').some((e: { doc_id: string; field: string }) => e.doc_id && e.field)).toBe(true);
    expect(byKind('questions')).toHaveLength(1);
    expect(byKind('tags').every((t: { doc_id: string }) => ids.includes(t.doc_id))).toBe(true);

    for (const scope of ['documents', 'extractions', 'questions', 'tags', 'all']) {
      const expected = scope === 'all' ? reference.items : byKind(scope).map(({ kind: _kind, ...rest }: { kind: string }) => rest);
      for (const format of ['json', 'ndjson', 'csv', 'xlsx']) {
        const { res, bytes } = await download(format, scope);
        const label = `${scope}.${format}`;
        expect([label, res.status]).toEqual([label, 200]);
        expect([label, res.headers.get('content-disposition')]).toEqual([label, expect.stringMatching(new RegExp(`^attachment; filename="[^"]+\\.${format}"$`))]);
        const text = bytes.toString('utf8');
        expect([label, text.includes(theirId) || text.includes('SECRET-1')]).toEqual([label, false]);
        let rows: Array<Record<string, unknown>>;
        if (format === 'json') {
          const body = JSON.parse(text);
          expect(body.scope).toBe(scope);
          rows = body.items;
        } else if (format === 'ndjson') {
          rows = text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
        } else if (format === 'csv') {
          rows = parseCsv(text.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, unknown>>;
        } else {
          const book = new ExcelJS.Workbook();
          await book.xlsx.load(bytes as never);
          const kinds = scope === 'all' ? ['documents', 'extractions', 'questions', 'tags'] : [scope];
          expect(book.worksheets.map((w) => w.name)).toEqual(kinds);
          rows = [];
          for (const sheet of book.worksheets) {
            const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
            sheet.eachRow((row, n) => {
              if (n === 1) return;
              const values = (row.values as unknown[]).slice(1);
              rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? ''])));
            });
          }
        }
        expect([label, rows.length]).toEqual([label, expected.length]);
        // Every document id and file name exported is one of the caller's, as the JSON export says.
        const docIds = new Set(rows.map((r) => r.doc_id).filter(Boolean));
        for (const id of docIds) expect([label, ids.includes(String(id))]).toEqual([label, true]);
        if (scope === 'documents' || scope === 'all') {
          const names = rows.map((r) => r.filename).filter(Boolean).sort();
          expect([label, names]).toEqual([label, ['invoice.txt', 'msa, final.txt']]);
        }
        if (format === 'csv' && scope === 'all') expect(Object.keys(rows[0]!)).toContain('kind');
      }
    }
  }, 180_000);

  test("every process's /metrics: request durations by route and status; ingest's queue depth and pages", async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    expect((await get('/v1/me', client.api_key)).status).toBe(200);
    expect((await get('/v1/documents/doc_doesnotexist', client.api_key)).status).toBe(404);
    expect((await get('/v1/me', 'pa_live_' + 'x'.repeat(40))).status).toBe(401);
    const up = await upload(stack.restUrl, client.api_key, [{ name: 'note.txt', bytes: Buffer.from(INVOICE), type: 'text/plain' }]);
    await waitProcessed(stack.restUrl, client.api_key, up.body.documents[0].doc_id);
    const scrape = async (role: keyof TestStack['metricsUrls']) => (await fetch(stack.metricsUrls[role])).text();
    const rest = await scrape('rest-adapter');
    for (const status of ['200', '404', '401']) {
      expect([status, /perceptiq_http_request_duration_seconds_count\{[^}]*status="/.test(rest) && new RegExp(`perceptiq_http_request_duration_seconds_count\\{[^}]*route="[^"]+"[^}]*status="${status}"`).test(rest)]).toEqual([status, true]);
    }
    // Route patterns, never raw paths with ids in them.
    expect(rest).not.toContain('doc_doesnotexist');
    const ingest = await scrape('ingest');
    expect(ingest).toMatch(/perceptiq_queue_depth\{queue="ingest\.process"\} \d+/);
    expect(ingest).toMatch(/perceptiq_queue_depth\{queue="ingest\.indexed"\} \d+/);
    expect(ingest).toMatch(/perceptiq_ingest_pages_total\{source="text-layer"\} [1-9]/);
    for (const role of ['gateway', 'analytics', 'qa', 'templates', 'access'] as const) {
      expect([role, /perceptiq_http_request_duration_seconds_count\{/.test(await scrape(role))]).toEqual([role, true]);
    }
  }, 120_000);

  test('bad metrics, tagging and compare input is 400 invalid_request naming the field, never a 5xx', async () => {
    const client = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 1000, request: false });
    const cases: Array<[string, () => Promise<ApiResponse>, string]> = [
      ['unknown period', () => get('/v1/dashboard/metrics?period=1y', client.api_key), 'period'],
      ['unknown export scope', () => get('/v1/export?scope=everything', client.api_key), 'scope'],
      ['unknown export format', () => get('/v1/export?format=pdf', client.api_key), 'format'],
      ['tagging with neither text nor doc_id', () => post('/v1/tagging', {}, client.api_key), 'text'],
      ['tagging with a 2 MiB text', () => post('/v1/tagging', { text: 'a'.repeat(2 * 1024 * 1024) }, client.api_key), ''],
      ['tagging with an array body', () => post('/v1/tagging', [1, 2], client.api_key), ''],
      ['tagging with a string body', () => post('/v1/tagging', 'text', client.api_key), ''],
      ['compare without compare_id', () => post('/v1/compare', { base_id: 'doc_a' }, client.api_key), 'compare_id'],
      ['compare with a number id', () => post('/v1/compare', { baseId: 7, compareId: 'doc_b' }, client.api_key), 'baseId'],
    ];
    for (const [name, send, field] of cases) {
      const res = await send();
      expect([name, res.status < 500]).toEqual([name, true]);
      expect([name, res.status === 400 || res.status === 413]).toEqual([name, true]);
      if (res.status === 400) {
        expect([name, envelopeProblems(res, 400, 'invalid_request')]).toEqual([name, []]);
        if (field) expect([name, JSON.stringify(res.body.error)]).toEqual([name, expect.stringContaining(field)]);
      }
    }
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const nested = await fetch(`${stack.restUrl}/v1/tagging`, { method: 'POST', headers: { authorization: `Bearer ${client.api_key}`, 'content-type': 'application/json' }, body: `{"text":${deep}}` });
    expect(nested.status).toBe(400);
    const malformed = await fetch(`${stack.restUrl}/v1/compare`, { method: 'POST', headers: { authorization: `Bearer ${client.api_key}`, 'content-type': 'application/json' }, body: '{"base_id": ' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  }, 60_000);
});
