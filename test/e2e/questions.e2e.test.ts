import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { wavDuration } from '@perceptiq/qa/speech';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, envelopeProblems, gql, pollUntil, type EnabledClient } from '../support/api.js';
import { textPdf, upload, waitProcessed } from '../support/documents.js';
import { startFakeChatEndpoint, type FakeChatEndpoint } from '../support/fake-llm.js';

/** Paragraphs wrapped to the page's width as a word processor would, a blank line between them. */
const typeset = (paragraphs: string[]): string[] =>
  paragraphs.flatMap((p, i) => [...(i ? [''] : []), ...(p.match(/\S.{0,75}(?=\s|$)/g) ?? [])]);

/**
 * Questions and search end to end, embedded and distributed: documents indexed by QA from what
 * ingest read (a document is `ready` only once QA has indexed it), answers that cite document,
 * page and box, narrowing to named documents, tenancy, the active set following archive, restore
 * and delete, search operators, and every bad input answered in the envelope, never a 5xx.
 */

const SUPPLY = [
  [
    'MASTER SUPPLY AGREEMENT',
    'This Master Supply Agreement is made on March 3, 2025 between Northwind Traders Inc. and Contoso Ltd.',
    '1. Term and Renewal. The initial term of this Agreement is two years.',
    'This Agreement shall automatically renew for successive one year periods unless either party gives notice of non-renewal sixty days before the end of the term.',
  ],
  [
    '2. Termination. Either party may terminate this Agreement for convenience upon ninety days prior written notice to the other party.',
    '3. Governing Law. This Agreement shall be governed by the laws of the State of Delaware.',
  ],
];
const HOSTING = [
  'HOSTING SERVICES AGREEMENT',
  '',
  'This Hosting Services Agreement is made between Fabrikam LLC and Contoso Ltd.',
  '',
  '1. Fees. Customer shall pay the monthly hosting fee of USD 4,500 within thirty days of each invoice.',
  '',
  '2. Confidentiality. Each party shall keep the confidential information of the other party secret.',
].join('\n');
const OTHER_CLIENT = 'The zephyrine warranty covers every turbocharger for seven years.\n\nThe warranty may not be assigned.';

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  let a: EnabledClient;
  let b: EnabledClient;
  let supplyId: string;
  let hostingId: string;
  let otherId: string;

  beforeAll(async () => {
    stack = await startTestStack(mode, { env: { OCR_WORKERS: '1' } });
    a = await enableClient(stack, { tier: 'business', rate_limit_rpm: 100_000 });
    b = await enableClient(stack, { tier: 'business', rate_limit_rpm: 100_000 });
    const up = await upload(stack.restUrl, a.api_key, [
      { name: 'supply.pdf', bytes: await textPdf(SUPPLY.map(typeset)) },
      { name: 'hosting.txt', bytes: Buffer.from(HOSTING) },
    ]);
    [supplyId, hostingId] = up.body.documents.map((d: { doc_id: string }) => d.doc_id);
    otherId = (await upload(stack.restUrl, b.api_key, [{ name: 'warranty.txt', bytes: Buffer.from(OTHER_CLIENT) }])).body.documents[0].doc_id;
    for (const [key, id] of [[a.api_key, supplyId], [a.api_key, hostingId], [b.api_key, otherId]] as const) {
      expect(await waitProcessed(stack.restUrl, key, id!)).toMatchObject({ status: 'ready', error: null });
    }
  }, 120_000);
  afterAll(() => stack?.stop());

  const ask = (body: unknown, key = a.api_key) => call(stack.restUrl, 'POST', '/v1/ask', { key, body });
  const search = (query: string, key = a.api_key) => call(stack.restUrl, 'GET', `/v1/search?${query}`, { key });

  test('a question about two things answers each, cited with document, page and box, the moment the documents are ready', async () => {
    const res = await ask({ question: 'What are the renewal and termination clauses?' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'extractive', found: true });
    expect(res.body.parts).toHaveLength(2);
    const [renewal, termination] = res.body.parts;
    expect(renewal.found && termination.found).toBe(true);
    expect(renewal.citations[0]).toMatchObject({ doc_id: supplyId, filename: 'supply.pdf', page: 1, snippet: expect.stringMatching(/automatically renew/) });
    expect(termination.citations[0]).toMatchObject({ doc_id: supplyId, filename: 'supply.pdf', page: 2, snippet: expect.stringMatching(/terminate this Agreement for convenience/) });
    // A clause, not a page: the snippet is the one sentence.
    expect(termination.citations[0].snippet).not.toMatch(/Governing Law/);
    for (const c of res.body.citations) {
      expect(c.bbox).toHaveLength(4);
      for (const v of c.bbox) expect(v >= 0 && v <= 1).toBe(true);
      expect(c.score).toBeGreaterThan(0);
    }
    expect(res.body.answer).toMatch(/renew[\s\S]*terminate/);
    expect(res.body.confidence).toBeGreaterThan(0.5);
  });

  test('answers from whichever document holds the answer, and says found:false when none does', async () => {
    const fees = await ask({ question: 'What is the monthly hosting fee?' });
    expect(fees.body).toMatchObject({ found: true });
    expect(fees.body.citations[0]).toMatchObject({ doc_id: hostingId, page: 1, snippet: expect.stringMatching(/USD 4,500/) });
    const none = await ask({ question: 'What is the airspeed velocity of an unladen swallow?' });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ found: false, citations: [] });
    expect(none.body.answer).toMatch(/do not appear to answer/);
  });

  test('doc_id and doc_ids narrow the documents answered from', async () => {
    const onlyHosting = await ask({ question: 'What are the renewal and termination clauses?', doc_id: hostingId });
    expect(onlyHosting.status).toBe(200);
    for (const c of onlyHosting.body.citations) expect(c.doc_id).toBe(hostingId);
    const both = await ask({ question: 'Who are the parties?', doc_ids: [supplyId, hostingId], top_k: 10 });
    expect(new Set(both.body.citations.map((c: { doc_id: string }) => c.doc_id))).toEqual(new Set([supplyId, hostingId]));
  });

  test("another client's documents are never found, cited or named", async () => {
    const mine = await ask({ question: 'How long does the zephyrine warranty cover the turbocharger?' }, b.api_key);
    expect(mine.body.found).toBe(true);
    expect(mine.body.citations[0].doc_id).toBe(otherId);
    const theirs = await ask({ question: 'How long does the zephyrine warranty cover the turbocharger?' });
    expect(theirs.body.found).toBe(false);
    expect(JSON.stringify(theirs.body)).not.toContain(otherId);
    expect((await search('q=zephyrine')).body).toEqual({ query: 'zephyrine', total: 0, hits: [] });
    for (const res of [await ask({ question: 'Warranty?', doc_id: otherId }), await search(`q=warranty&docId=${otherId}`)]) {
      expect(envelopeProblems(res, 404, 'not_found')).toEqual([]);
    }
  });

  test('search: one hit per page, phrases, prefixes, typos, paging and highlights', async () => {
    const phrase = await search(`q=${encodeURIComponent('"governed by the laws"')}`);
    expect(phrase.body.total).toBe(1);
    expect(phrase.body.hits[0]).toMatchObject({ doc_id: supplyId, page: 2 });
    const { snippet, highlights } = phrase.body.hits[0];
    expect(highlights.map(([s, e]: [number, number]) => snippet.slice(s, e).toLowerCase())).toEqual(['governed by the laws']);
    const mixed = await search(`q=${encodeURIComponent('"governed by" delaware')}`);
    expect(mixed.body.hits[0].highlights.map(([s, e]: [number, number]) => mixed.body.hits[0].snippet.slice(s, e).toLowerCase())).toEqual(['governed by', 'delaware']);
    expect((await search('q=termin*')).body.hits.map((h: { page: number }) => h.page)).toContain(2);
    expect((await search('q=confidentialty')).body.hits[0]).toMatchObject({ doc_id: hostingId });
    const all = await search('q=agreement');
    const pages = all.body.hits.map((h: { doc_id: string; page: number }) => `${h.doc_id}:${h.page}`);
    expect(new Set(pages).size).toBe(pages.length);
    expect(all.body.total).toBe(3);
    const paged = await search('q=agreement&limit=1&offset=1');
    expect(paged.body).toMatchObject({ total: 3, hits: [all.body.hits[1]] });
    const one = await search(`q=agreement&docId=${hostingId}`);
    expect(one.body.hits.map((h: { doc_id: string }) => h.doc_id)).toEqual([hostingId]);
  });

  test('bad input is a 4xx in the envelope naming what is wrong, never a 5xx', async () => {
    const raw = (body: string) => call(stack.restUrl, 'POST', '/v1/ask', { key: a.api_key, rawBody: body, headers: { 'content-type': 'application/json' } });
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof ask>>>, number, string]> = [
      ['malformed JSON', raw('{"question": '), 400, 'invalid_request'],
      ['no question', ask({}), 400, 'invalid_request'],
      ['an empty question', ask({ question: '   ' }), 400, 'invalid_request'],
      ['an array body', ask([{ question: 'x' }]), 400, 'invalid_request'],
      ['a string body', raw('"What is the term?"'), 400, 'invalid_request'],
      ['5,000-level nesting', raw(`{"question": ${deep}}`), 400, 'invalid_request'],
      ['top_k out of range', ask({ question: 'Term?', top_k: 1000 }), 400, 'invalid_request'],
      ['an empty search', search('q=%20'), 400, 'invalid_request'],
      ['a search limit over 100', search('q=term&limit=101'), 400, 'invalid_request'],
    ];
    for (const [label, pending, status, code] of cases) {
      const res = await pending;
      expect({ label, problems: envelopeProblems(res, status, code) }).toEqual({ label, problems: [] });
    }
    const broken = (await upload(stack.restUrl, a.api_key, [{ name: 'broken.pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj <<') }])).body.documents[0].doc_id;
    expect(await waitProcessed(stack.restUrl, a.api_key, broken)).toMatchObject({ status: 'failed' });
    const notReady = await ask({ question: 'Term?', doc_ids: [supplyId, broken] });
    expect(envelopeProblems(notReady, 409, 'conflict')).toEqual([]);
    expect(notReady.body.error.details).toMatchObject({ doc_id: broken, status: 'failed' });
    // Named in the details: the missing field, and a question over the limit (the 2 MiB body is within the REST body limit).
    for (const body of [{ doc_id: supplyId }, { question: 'renewal '.repeat(262_144) }]) {
      const res = await ask(body);
      expect(envelopeProblems(res, 400, 'invalid_request')).toEqual([]);
      expect(JSON.stringify(res.body.error.details)).toContain('question');
    }
    for (const question of ['¿Cuál es la duración del contrato?', '契約の期間は何年ですか？', 'Renewal 🔁 terms?']) {
      const res = await ask({ question });
      expect({ question, status: res.status }).toEqual({ question, status: 200 });
    }
    expect((await search(`q=${encodeURIComponent('契約 🔁')}`)).status).toBe(200);
  });

  test("a contract's summary names its type, parties, dates and terms; the workspace summary has a line per document", async () => {
    // The type is the templates service's, decided shortly after the document is ready.
    await pollUntil(() => call(stack.restUrl, 'GET', `/v1/documents/${supplyId}?words=false`, { key: a.api_key }), (r) => r.body.doc_type != null, 30_000);
    const one = await call(stack.restUrl, 'GET', `/v1/summary?docId=${supplyId}`, { key: a.api_key });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ doc_id: supplyId, title: 'MASTER SUPPLY AGREEMENT', doc_type: 'contract', pages: 2 });
    expect(one.body.summary).toMatch(/^This Master Supply Agreement is made on March 3, 2025/);
    expect(one.body.key_facts.parties).toEqual(expect.arrayContaining(['Northwind Traders Inc.', 'Contoso Ltd.']));
    expect(one.body.key_facts.dates).toContain('March 3, 2025');
    expect(one.body.key_facts.terms.join(' | ')).toMatch(/two years/);
    expect(one.body.key_points.length).toBeGreaterThan(0);
    const all = await call(stack.restUrl, 'GET', '/v1/summary', { key: a.api_key });
    expect(all.body.scope).toBe('workspace');
    const line = all.body.documents.find((d: { doc_id: string }) => d.doc_id === supplyId);
    expect(line.doc_type).toBe('contract');
    expect(all.body.by_type.contract).toBeGreaterThanOrEqual(1);
    expect(line.summary).toMatch(/^MASTER SUPPLY AGREEMENT \(2 pages\): This Master Supply Agreement/);
    expect(envelopeProblems(await call(stack.restUrl, 'GET', `/v1/summary?docId=${otherId}`, { key: a.api_key }), 404, 'not_found')).toEqual([]);
    const viaGraph = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { summary { title keyFacts { parties } } } }', { id: supplyId }, { authorization: `Bearer ${a.api_key}` });
    expect(viaGraph.body.data.document.summary).toMatchObject({ title: 'MASTER SUPPLY AGREEMENT', keyFacts: { parties: expect.arrayContaining(['Contoso Ltd.']) } });
  });

  test('the summary, spoken: a valid WAV of a real duration; Starter and Growth keys are refused', async () => {
    const res = await fetch(`${stack.restUrl}/v1/summary/audio?docId=${supplyId}`, { headers: { authorization: `Bearer ${a.api_key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.subarray(0, 4).toString('latin1') + wav.subarray(8, 12).toString('latin1')).toBe('RIFFWAVE');
    expect(wavDuration(wav)).toBeGreaterThan(3);
    for (const tier of ['starter', 'growth'] as const) {
      const key = (await enableClient(stack, { tier })).api_key;
      expect(envelopeProblems(await call(stack.restUrl, 'GET', `/v1/summary/audio?docId=${supplyId}`, { key }), 403, 'insufficient_scope')).toEqual([]);
    }
    expect(envelopeProblems(await call(stack.restUrl, 'GET', `/v1/summary/audio?docId=${otherId}`, { key: a.api_key }), 404, 'not_found')).toEqual([]);
    expect(envelopeProblems(await call(stack.restUrl, 'GET', '/v1/summary/audio?format=mp3', { key: a.api_key }), 400, 'invalid_request')).toEqual([]);
  }, 60_000);

  test('GraphQL: ask and search with the same scopes, and Document.chunks', async () => {
    const auth = { authorization: `Bearer ${a.api_key}` };
    const res = await gql(stack.gatewayUrl, 'query($q: String!) { ask(question: $q) { found citations { docId page bbox } } search(q: "renew") { total } }', { q: 'What is the governing law?' }, auth);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.ask).toMatchObject({ found: true, citations: expect.arrayContaining([expect.objectContaining({ docId: supplyId, page: 2 })]) });
    expect(res.body.data.search.total).toBeGreaterThan(0);
    const chunks = await gql(stack.gatewayUrl, 'query($id: ID!) { document(id: $id) { filename chunks { heading text pages } } }', { id: supplyId }, auth);
    expect(chunks.body.errors).toBeUndefined();
    expect(chunks.body.data.document.chunks.some((c: { heading: string | null; pages: number[] }) => /Termination/.test(c.heading ?? '') && c.pages.includes(2))).toBe(true);
    const starter = await enableClient(stack, { tier: 'starter' });
    const refused = await gql(stack.gatewayUrl, '{ ask(question: "Term?") { found } }', {}, { authorization: `Bearer ${starter.api_key}` });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('insufficient_scope');
    expect(refused.body.data ?? null).toBeNull();
  });

  test('archived documents leave the active set and come back on restore; deleted ones are gone', async () => {
    const question = { question: 'What is the monthly hosting fee?' };
    // merge=false archives the active set (both of a's documents) and makes the new one the only active one.
    const replaced = await upload(stack.restUrl, a.api_key, [{ name: 'memo.txt', bytes: Buffer.from('Internal memo about parking spaces.') }], false);
    const memoId = replaced.body.documents[0].doc_id;
    await waitProcessed(stack.restUrl, a.api_key, memoId);
    expect((await ask(question)).body.found).toBe(false);
    expect((await search('q=hosting')).body.total).toBe(0);
    // Named explicitly, an archived document still answers: it is the caller's.
    expect((await ask({ ...question, doc_id: hostingId })).body.found).toBe(true);
    expect((await call(stack.restUrl, 'POST', `/v1/documents/${hostingId}/restore`, { key: a.api_key })).status).toBe(200);
    expect((await ask(question)).body.citations[0]).toMatchObject({ doc_id: hostingId });
    expect((await call(stack.restUrl, 'DELETE', `/v1/documents/${hostingId}`, { key: a.api_key })).status).toBe(200);
    expect((await ask(question)).body.found).toBe(false);
    expect((await search('q=hosting')).body.total).toBe(0);
    expect(envelopeProblems(await ask({ ...question, doc_id: hostingId }), 404, 'not_found')).toEqual([]);
  });

  if (mode === 'distributed') {
    test('a QA process that crashes answers the same once started again (its index is rebuilt from its store)', async () => {
      // Named: the suite's earlier test archived it.
      const question = { question: 'What are the renewal and termination clauses?', doc_id: supplyId };
      const before = await ask(question);
      expect(before.body.found).toBe(true);
      await stack.crash!('qa');
      const after = await ask(question);
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
    }, 60_000);

    test('with QA down, documents wait in indexing (questions are 503) and become ready once QA is back', async () => {
      await stack.kill!('qa');
      const up = await upload(stack.restUrl, a.api_key, [{ name: 'late.txt', bytes: Buffer.from('The late clause says the penalty is five percent.') }]);
      const id = up.body.documents[0].doc_id;
      const waiting = await pollUntil(
        () => call(stack.restUrl, 'GET', `/v1/status?docId=${id}`, { key: a.api_key }),
        (res) => res.body.documents?.[0]?.status === 'indexing',
        30_000,
      );
      expect(waiting.body.documents[0].status).toBe('indexing');
      expect(envelopeProblems(await ask({ question: 'What is the penalty?' }), 503, 'unavailable')).toEqual([]);
      await stack.revive!('qa');
      expect(await waitProcessed(stack.restUrl, a.api_key, id, 60_000)).toMatchObject({ status: 'ready' });
      expect((await ask({ question: 'What is the penalty?', doc_id: id })).body.citations[0]).toMatchObject({ doc_id: id, snippet: expect.stringMatching(/five percent/) });
    }, 120_000);
  }
});

test('the index survives a restart', async () => {
  const first = await startTestStack('embedded', { keepData: true });
  const client = await enableClient(first, { tier: 'business', rate_limit_rpm: 100_000 });
  const id = (await upload(first.restUrl, client.api_key, [{ name: 'lease.txt', bytes: Buffer.from('The lease term is five years from the commencement date.') }])).body.documents[0].doc_id;
  await waitProcessed(first.restUrl, client.api_key, id);
  const question = { question: 'What is the lease term?' };
  const before = await call(first.restUrl, 'POST', '/v1/ask', { key: client.api_key, body: question });
  await first.stop();
  const second = await startTestStack('embedded', { dataDir: first.dataDir });
  try {
    const after = await call(second.restUrl, 'POST', '/v1/ask', { key: client.api_key, body: question });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(after.body.citations[0]).toMatchObject({ doc_id: id, snippet: expect.stringMatching(/five years/) });
  } finally {
    await second.stop();
  }
}, 120_000);

describe.each(['embedded', 'distributed'] as const)('%s, with LLM_BASE_URL set', (mode) => {
  let llm: FakeChatEndpoint;
  let stack: TestStack;
  let client: EnabledClient;

  beforeAll(async () => {
    llm = await startFakeChatEndpoint();
    stack = await startTestStack(mode, { env: { LLM_BASE_URL: `${llm.url}/v1`, LLM_MODEL: 'fake-model', LLM_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '500' } });
    client = await enableClient(stack, { tier: 'business', rate_limit_rpm: 100_000 });
    const id = (await upload(stack.restUrl, client.api_key, [{ name: 'lease.txt', bytes: Buffer.from('The lease term is five years from the commencement date.') }])).body.documents[0].doc_id;
    await waitProcessed(stack.restUrl, client.api_key, id);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await llm?.close();
  });

  const ask = (question: string) => call(stack.restUrl, 'POST', '/v1/ask', { key: client.api_key, body: { question } });

  test('the answer is written from the retrieved passages only, and keeps their citations', async () => {
    const res = await ask('What is the lease term?');
    expect(res.body).toMatchObject({ mode: 'generative', found: true, answer: 'The lease runs for five years [1].' });
    expect(res.body.citations[0]).toMatchObject({ filename: 'lease.txt', page: 1, snippet: expect.stringMatching(/five years/) });
    const sent = llm.requests.at(-1)!;
    expect(sent).toMatchObject({ path: '/v1/chat/completions', authorization: 'Bearer sk-test', model: 'fake-model' });
    expect(sent.prompt).toContain('The lease term is five years from the commencement date.');
  });

  test('a model that finds no answer in the passages gives found:false', async () => {
    llm.next = 'NOT_FOUND';
    const res = await ask('What is the lease term in months?');
    expect(res.body).toMatchObject({ mode: 'generative', found: false, citations: [] });
  });

  test('a model that does not answer in time, or fails, gives the extractive answer', async () => {
    for (const behaviour of ['hang', 'fail'] as const) {
      llm.next = behaviour;
      const started = Date.now();
      const res = await ask('What is the lease term?');
      expect({ behaviour, status: res.status, mode: res.body.mode, found: res.body.found }).toEqual({ behaviour, status: 200, mode: 'extractive', found: true });
      expect(res.body.answer).toMatch(/five years/);
      if (behaviour === 'hang') expect(Date.now() - started).toBeLessThan(5_000);
    }
  });
});
