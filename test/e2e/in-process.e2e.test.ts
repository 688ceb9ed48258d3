import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, gql, type ApiResponse, type EnabledClient } from '../support/api.js';
import { upload, waitProcessed } from '../support/documents.js';

/**
 * Embedded, the REST adapter calls the gateway and the gateway the subgraphs in process; the same
 * stack wired over loopback HTTP (as separate processes are) must answer every request the same:
 * data, errors, statuses, scope refusals and limits. Both stacks get the same data through the
 * public API, and answers are compared with ids and times masked.
 */

// Small enough that one document's words overflow it, large enough for every other answer here.
const ENV = { SUBGRAPH_MAX_RESPONSE_BYTES: '6000', GRAPHQL_MAX_ALIASES: '3' };
const TEXT = Array.from({ length: 120 }, (_, i) => `Clause ${i}: the term renews yearly unless either party terminates in writing.`).join('\n');

interface Side {
  stack: TestStack;
  full: EnabledClient;
  uploadOnly: EnabledClient;
  docId: string;
}

async function arrange(stack: TestStack): Promise<Side> {
  const full = await enableClient(stack, { tier: 'enterprise', rate_limit_rpm: 100_000 });
  const uploadOnly = await enableClient(stack, { tier: 'starter', scopes: ['upload'], rate_limit_rpm: 100_000 });
  const uploaded = await upload(stack.restUrl, full.api_key, [{ name: 'contract.txt', bytes: Buffer.from(TEXT), type: 'text/plain' }]);
  const docId = uploaded.body.documents[0].doc_id as string;
  expect((await waitProcessed(stack.restUrl, full.api_key, docId)).status).toBe('ready');
  return { stack, full, uploadOnly, docId };
}

/** What a request must answer alike on both sides: status, the headers a client reads, and the body with ids and times masked. */
function comparable(res: ApiResponse): unknown {
  const masked = res.text
    .replace(/\b(cli|req|doc|bat|tpl|job|aud)_[A-Za-z0-9_-]+/g, '$1_<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/"(request_id|requestId)":"[^"]*"/g, '"$1":"<id>"');
  const headers = Object.fromEntries(
    ['content-type', 'www-authenticate', 'retry-after', 'x-ratelimit-limit'].map((h) => [h, res.headers.get(h)?.replace(/; charset=.*/, '')]),
  );
  return { status: res.status, headers, body: masked };
}

type Request = (side: Side) => Promise<ApiResponse>;

const REQUESTS: Array<[string, Request]> = [
  ['GET /v1/documents', (s) => call(s.stack.restUrl, 'GET', '/v1/documents', { key: s.full.api_key })],
  ['GET /v1/documents?limit=1&include_archived=true', (s) => call(s.stack.restUrl, 'GET', '/v1/documents?limit=1&include_archived=true', { key: s.full.api_key })],
  ['GET /v1/documents/{id}?words=false', (s) => call(s.stack.restUrl, 'GET', `/v1/documents/${s.docId}?words=false`, { key: s.full.api_key })],
  ['GET /v1/documents/{id} (words: over the answer size cap)', (s) => call(s.stack.restUrl, 'GET', `/v1/documents/${s.docId}`, { key: s.full.api_key })],
  ['GET /v1/documents/{unknown id}', (s) => call(s.stack.restUrl, 'GET', '/v1/documents/doc_doesnotexist0000', { key: s.full.api_key })],
  ['GET /v1/status', (s) => call(s.stack.restUrl, 'GET', '/v1/status', { key: s.full.api_key })],
  ['GET /v1/status?docId=', (s) => call(s.stack.restUrl, 'GET', `/v1/status?docId=${s.docId}`, { key: s.full.api_key })],
  ['POST /v1/documents/{id}/restore', (s) => call(s.stack.restUrl, 'POST', `/v1/documents/${s.docId}/restore`, { key: s.full.api_key })],
  ['POST /v1/documents/{id}/retry (not failed)', (s) => call(s.stack.restUrl, 'POST', `/v1/documents/${s.docId}/retry`, { key: s.full.api_key })],
  ['GET /v1/documents without the scope', (s) => call(s.stack.restUrl, 'GET', '/v1/documents', { key: s.uploadOnly.api_key })],
  ['GET /v1/documents/{id} of another client', (s) => call(s.stack.restUrl, 'GET', `/v1/documents/${s.docId}?words=false`, { key: s.uploadOnly.api_key })],
  ['DELETE /v1/documents/{id} of another client', (s) => call(s.stack.restUrl, 'DELETE', `/v1/documents/${s.docId}`, { key: s.uploadOnly.api_key })],
  ['GraphQL: one subgraph', (s) => gql(s.stack.gatewayUrl, '{ documents(limit: 5) { documents { id filename status pageCount } nextCursor } }', {}, bearer(s.full))],
  ['GraphQL: two subgraphs', (s) => gql(s.stack.gatewayUrl, '{ me { clientId tier } summary { totalDocuments } }', {}, bearer(s.full))],
  ['GraphQL: a field without its scope', (s) => gql(s.stack.gatewayUrl, '{ documents { documents { id } } }', {}, bearer(s.uploadOnly))],
  ['GraphQL: too many aliases', (s) => gql(s.stack.gatewayUrl, '{ a: me { clientId } b: me { clientId } c: me { clientId } d: me { clientId } }', {}, bearer(s.full))],
  ['GraphQL: unknown field', (s) => gql(s.stack.gatewayUrl, '{ documents { nope } }', {}, bearer(s.full))],
  ['GraphQL: bad variables', (s) => gql(s.stack.gatewayUrl, 'query($n: Int) { documents(limit: $n) { nextCursor } }', { n: 'many' }, bearer(s.full))],
  ['GraphQL: over the answer size cap', (s) => gql(s.stack.gatewayUrl, `{ document(id: "${s.docId}") { pages { words { text } } } }`, {}, bearer(s.full))],
];

function bearer(client: EnabledClient): Record<string, string> {
  return { authorization: `Bearer ${client.api_key}` };
}

describe('embedded in process and over HTTP', () => {
  let inProcess: Side;
  let overHttp: Side;

  beforeAll(async () => {
    inProcess = await arrange(await startTestStack('embedded', { env: ENV }));
    overHttp = await arrange(await startTestStack('embedded', { env: ENV, inProcess: false }));
  }, 120_000);
  afterAll(async () => {
    await inProcess?.stack.stop();
    await overHttp?.stack.stop();
  });

  test.each(REQUESTS)('%s: the same answer', async (_name, request) => {
    // Twice: the first call of an operation goes through Apollo Server, later ones through the fast path.
    for (let round = 0; round < 2; round++) {
      const [a, b] = [await request(inProcess), await request(overHttp)];
      expect(comparable(a)).toEqual(comparable(b));
    }
  });

  test('the comparison sees what matters: refusals, the size cap and both paths are really exercised', async () => {
    expect((await REQUESTS[3]![1](inProcess)).body.error.code).toBe('response_too_large');
    expect((await REQUESTS[9]![1](inProcess)).status).toBe(403);
    expect((await REQUESTS[12]![1](inProcess)).body.data.documents.documents).toHaveLength(1);
    expect((await REQUESTS[13]![1](overHttp)).body.data.summary.totalDocuments).toBe(1);
    expect(comparable(await REQUESTS[0]![1](inProcess))).not.toEqual(comparable(await REQUESTS[9]![1](inProcess)));
  });
});
