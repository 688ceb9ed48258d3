import { beforeAll, describe, expect, test } from '@jest/globals';
import { call, gql, type ApiResponse } from '../support/api.js';
import { upload, waitProcessed } from '../support/documents.js';
import { liveStackPerSuite } from '../support/live-suite.js';

/**
 * The security review's GraphQL findings, reproduced against the stack as `npm start` runs it (its
 * own process, NODE_ENV unset): alias × list amplification must be refused before it runs (it used
 * to exhaust the heap and take every service down), a cyclic fragment is a validation error (it
 * used to overflow the stack), and `uploadDocuments` keeps the upload limits of `POST /v1/upload`.
 */

const MiB = 1024 * 1024;
const PAGES = 100;

/** A text file that flows onto exactly PAGES pages (a form feed starts each), ~600 words a page. */
const hundredPages = (): Buffer =>
  Buffer.from(
    Array.from({ length: PAGES }, (_, p) =>
      Array.from({ length: 50 }, (_, l) => `page ${p + 1} line ${l + 1} lorem ipsum dolor sit amet consectetur adipiscing elit`).join('\n'),
    ).join('\f'),
  );

const WORDS = 'pages { words { text bbox confidence } }';
const aliases = (n: number, docId: string, selection: string) =>
  Array.from({ length: n }, (_, i) => `a${i}: document(id: "${docId}") { ${selection} }`).join(' ');

const codeOf = (res: ApiResponse) => res.body?.errors?.[0]?.extensions?.code;

describe('GraphQL cost before execution, as npm start runs it', () => {
  const live = liveStackPerSuite(
    {
      // A per-file limit low enough to try the upload limits with small bodies (the 100-page file is ~0.4 MiB).
      UPLOAD_MAX_FILE_BYTES: String(MiB),
      // These tests are about limits, not speed: on a busy 2-core machine the 8 MB answer of 100 pages
      // with their words can take longer than the default 5 s per hop.
      BUS_REQUEST_TIMEOUT_MS: '30000',
    },
    { tier: 'business', rate_limit_rpm: 100_000 },
  );
  let docId: string;
  const auth = () => ({ authorization: `Bearer ${live.client.api_key}` });
  const graphql = (query: string, variables: Record<string, unknown> = {}) => gql(live.stack.gatewayUrl, query, variables, auth());
  const documentCount = async () => {
    const res = await call(live.stack.restUrl, 'GET', '/v1/status', { key: live.client.api_key });
    expect(res.status).toBe(200);
    const q = res.body.queue as Record<string, number>;
    return q.queued + q.processing + q.ready + q.failed;
  };
  const fastOperations = async () => {
    const text = await (await fetch(`http://127.0.0.1:${live.stack.metricsPort}/metrics`)).text();
    return Number(/perceptiq_gateway_operations_total\{[^}]*path="fast"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    const uploaded = await upload(live.stack.restUrl, live.client.api_key, [{ name: 'hundred-pages.txt', bytes: hundredPages() }]);
    expect(uploaded.status).toBe(202);
    docId = uploaded.body.documents[0].doc_id;
    expect(await waitProcessed(live.stack.restUrl, live.client.api_key, docId)).toMatchObject({ status: 'ready' });
  }, 120_000);

  test('the REST read of the 100-page document, with its words, still works', async () => {
    const res = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}`, { key: live.client.api_key });
    expect(res.status).toBe(200);
    expect(res.body.page_count).toBe(PAGES);
    expect(res.body.pages).toHaveLength(PAGES);
    expect(res.body.pages[99].words.length).toBeGreaterThan(500);
    const plain = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}?words=false`, { key: live.client.api_key });
    expect(plain.status).toBe(200);
    expect(plain.body.pages[0].words).toBeUndefined();
  });

  test('forty aliases of the document with its words are refused before anything runs, and the stack lives on', async () => {
    const direct = `{ ${aliases(40, docId, WORDS)} }`;
    const spread = `fragment W on Document { ${WORDS} } fragment A on Query { ${aliases(40, docId, '...W')} } { ...A }`;
    for (const query of [direct, direct, spread]) {
      const res = await graphql(query);
      expect({ status: res.status, code: codeOf(res), data: res.body.data }).toEqual({ status: 400, code: 'too_many_aliases', data: undefined });
    }
    // Within the alias limit, the cost (500 assumed pages × 1000 words each) refuses even a few.
    const few = await graphql(`{ ${aliases(10, docId, WORDS)} }`);
    expect({ status: few.status, code: codeOf(few) }).toEqual({ status: 400, code: 'query_too_complex' });
    expect(few.body.errors[0].extensions.details).toMatchObject({ limit: 1_000_000 });
    // Spanning two subgraphs (the query planner's path): refused the same way, before planning.
    const planned = await graphql(`{ me { clientId } ${aliases(10, docId, WORDS)} }`);
    expect({ status: planned.status, code: codeOf(planned) }).toEqual({ status: 400, code: 'query_too_complex' });

    expect(live.stack.alive()).toBe(true);
    expect((await call(live.stack.restUrl, 'GET', '/v1/me', { key: live.client.api_key })).status).toBe(200);
  });

  test('the fast path measures again when a variable sets a list size', async () => {
    const query = `query Pages($n: Int) { documents(limit: $n) { documents { id ${WORDS} } } }`;
    expect((await graphql(query, { n: 1 })).status).toBe(200); // first sight: through Apollo, then remembered
    const before = await fastOperations();
    const again = await graphql(query, { n: 1 });
    expect(again.status).toBe(200);
    expect(again.body.data.documents.documents[0].pages).toHaveLength(PAGES);
    expect(await fastOperations()).toBe(before + 1);
    const forty = await graphql(query, { n: 40 });
    expect({ status: forty.status, code: codeOf(forty) }).toEqual({ status: 400, code: 'query_too_complex' });
    expect(live.stack.alive()).toBe(true);
  });

  test('past the estimate, the ingest service counts the stored pages one request reads', async () => {
    // 12 × 100 pages of text: cheap by the estimate (12 × 501), over the 1000 pages a request may read.
    const res = await graphql(`{ ${aliases(12, docId, 'text')} }`);
    expect(res.body.data ?? null).toBeNull();
    expect(codeOf(res)).toBe('query_too_complex');
    expect(res.body.errors[0].extensions.details).toEqual({ max_pages: 1000 });
    const ten = await graphql(`{ ${aliases(10, docId, 'text')} }`);
    expect(ten.status).toBe(200);
    expect(Object.keys(ten.body.data)).toHaveLength(10);
  });

  test('a cyclic fragment is a validation error, not a stack overflow', async () => {
    const res = await graphql('fragment F on Query { me { clientId } ...F } { ...F }');
    expect({ status: res.status, code: codeOf(res) }).toEqual({ status: 400, code: 'invalid_request' });
    expect(res.body.errors[0].message).toMatch(/Cannot spread fragment "F" within itself/);
    // A chain of 4,500 fragments, each spreading the next, overflowed graphql's own validation.
    const chain = Array.from({ length: 4_500 }, (_, i) => `fragment F${i} on Query { ${i < 4_499 ? `...F${i + 1}` : 'me { clientId }'} }`);
    const long = await graphql(`{ ...F0 } ${chain.join(' ')}`);
    expect({ status: long.status, code: codeOf(long) }).toEqual({ status: 400, code: 'invalid_request' });
    expect(live.stack.output()).not.toMatch(/Maximum call stack|RangeError/);
    expect((await call(live.stack.restUrl, 'GET', '/v1/me', { key: live.client.api_key })).status).toBe(200);
  });

  test('an operation within the limits still runs on the planned path', async () => {
    const res = await graphql(`{ me { clientId } document(id: "${docId}") { pageCount pages(words: false) { page } } }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ me: { clientId: live.client.client_id }, document: { pageCount: PAGES } });
  });

  describe('uploadDocuments keeps the limits of POST /v1/upload', () => {
    const mutation = 'mutation Up($files: [FileUpload!]!) { uploadDocuments(files: $files) { documents { docId status error { code message } } } }';
    const file = (name: string, bytes: Buffer) => ({ filename: name, contentBase64: bytes.toString('base64') });

    test('25 files are refused whole and create nothing', async () => {
      const before = await documentCount();
      const files = Array.from({ length: 25 }, (_, i) => file(`note-${i}.txt`, Buffer.from(`note number ${i}`)));
      const res = await graphql(mutation, { files });
      expect({ status: res.status, code: codeOf(res), data: res.body.data ?? null }).toEqual({ status: 400, code: 'invalid_request', data: null });
      expect(res.body.errors[0].message).toBe('At most 20 files can be uploaded in one request.');
      expect(res.body.errors[0].extensions.details).toEqual({ max_files: 20 });
      expect(await documentCount()).toBe(before);
    });

    test('more than 5 MB in all is refused whole, though each file is within its limit', async () => {
      const before = await documentCount();
      const files = Array.from({ length: 6 }, (_, i) => file(`part-${i}.txt`, Buffer.alloc(Math.floor(0.95 * MiB), `${i}`)));
      const res = await graphql(mutation, { files });
      expect({ status: res.status, code: codeOf(res) }).toEqual({ status: 413, code: 'payload_too_large' });
      expect(res.body.errors[0].message).toMatch(/larger than 5 MB in all/);
      expect(await documentCount()).toBe(before);
    });

    test('a body larger than the ingest service takes is 413, not a dependency failure', async () => {
      const before = await documentCount();
      // ~9.3 MB of base64: within the gateway's JSON limit, over the subgraph's 8 MB.
      const res = await graphql(mutation, { files: [file('huge.txt', Buffer.alloc(7 * MiB, 'h'))] });
      expect({ status: res.status, code: codeOf(res) }).toEqual({ status: 413, code: 'payload_too_large' });
      expect(await documentCount()).toBe(before);
    });

    test('a file over UPLOAD_MAX_FILE_BYTES is refused on arrival, as in a multipart upload', async () => {
      const before = await documentCount();
      const res = await graphql(mutation, { files: [file('big.txt', Buffer.alloc(MiB + 1, 'b')), file('small.txt', Buffer.from('a small note'))] });
      expect(res.status).toBe(200);
      const [big, small] = res.body.data.uploadDocuments.documents;
      expect(big).toMatchObject({ docId: null, status: 'rejected', error: { code: 'payload_too_large', message: 'big.txt is larger than 1 MB.' } });
      expect(small).toMatchObject({ status: 'queued' });
      expect(await documentCount()).toBe(before + 1);
    });
  });
});

describe('a subgraph answer over SUBGRAPH_MAX_RESPONSE_BYTES, as npm start runs it', () => {
  const live = liveStackPerSuite(
    { SUBGRAPH_MAX_RESPONSE_BYTES: String(2 * MiB), BUS_REQUEST_TIMEOUT_MS: '30000' },
    { tier: 'business', rate_limit_rpm: 100_000 },
  );
  let docId: string;

  beforeAll(async () => {
    // 100 pages with their words answer ~8 MB; without them ~0.7 MB.
    const uploaded = await upload(live.stack.restUrl, live.client.api_key, [{ name: 'hundred-pages.txt', bytes: hundredPages() }]);
    docId = uploaded.body.documents[0].doc_id;
    expect(await waitProcessed(live.stack.restUrl, live.client.api_key, docId)).toMatchObject({ status: 'ready' });
  }, 120_000);

  test('is cut off on every path and answered 400 response_too_large, while smaller answers pass', async () => {
    const headers = { authorization: `Bearer ${live.client.api_key}` };
    const single = `query Words($id: ID!) { document(id: $id) { ${WORDS} } }`;
    const planned = `query Both($id: ID!) { me { clientId } document(id: $id) { ${WORDS} } }`;
    // The single-subgraph operation twice: through Apollo, then through the fast path.
    for (const query of [single, single, planned]) {
      const res = await gql(live.stack.gatewayUrl, query, { id: docId }, headers);
      expect({ status: res.status, code: codeOf(res) }).toEqual({ status: 400, code: 'response_too_large' });
    }
    const rest = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}`, { key: live.client.api_key });
    expect({ status: rest.status, code: rest.body.error?.code }).toEqual({ status: 400, code: 'response_too_large' });
    const plain = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}?words=false`, { key: live.client.api_key });
    expect(plain.status).toBe(200);
    expect(plain.body.pages).toHaveLength(PAGES);
    expect(live.stack.alive()).toBe(true);
    expect((await call(live.stack.restUrl, 'GET', '/v1/me', { key: live.client.api_key })).status).toBe(200);
  });
});
