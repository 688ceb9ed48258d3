import type { Client, EdgeStack, Library } from './edge-fixtures.js';
import type { LoadTarget } from './load.js';

export const TRIVIAL = '{ me { clientId } }';
export const CROSS = '{ me { clientId } summary { totalDocuments } }';
/** Documents of the client measured with a non-empty workspace, and the page size of its listing. */
export const LIBRARY_SIZE = 100;
export const PAGE = 20;

/**
 * `GET /v1/me` and the empty listing are measured this many times in turns in each mode, and their
 * throughput share is the median of the rounds: one 10-second pair moved by ±10 % from one run to
 * the next on this kind of machine (seen here: 59 % and 72 % a minute apart).
 */
export const SHARE_ROUNDS = 3;

/**
 * What is measured in both modes, at 32 connections, in this order (`/v1/me` first: the others are
 * read as a share of it): key, run label, and the name in the report's table.
 */
export const ENDPOINTS = [
  ['me', 'GET /v1/me (REST)', '`GET /v1/me`'],
  ['documents', 'GET /v1/documents (REST, empty workspace)', '`GET /v1/documents`, empty workspace'],
  ['page', `GET /v1/documents?limit=${PAGE} (REST, ${LIBRARY_SIZE} documents)`, `\`GET /v1/documents?limit=${PAGE}\`, ${LIBRARY_SIZE} documents`],
  ['document', 'GET /v1/documents/{id}?words=false (REST)', '`GET /v1/documents/{id}?words=false`'],
  ['status', `GET /v1/status (REST, ${LIBRARY_SIZE} documents)`, `\`GET /v1/status\`, ${LIBRARY_SIZE} documents`],
  ['single', 'trivial query, gateway, signed context', `single-subgraph query \`${TRIVIAL}\`, gateway, signed context`],
  ['cross', 'cross-subgraph query, gateway, signed context', `cross-subgraph query \`${CROSS}\`, gateway, signed context`],
] as const;
export type EndpointKey = (typeof ENDPOINTS)[number][0];

/** The run label of an endpoint of {@link ENDPOINTS}. */
export const labelOf = (key: EndpointKey): string => ENDPOINTS.find(([k]) => k === key)![1];

/** What one client (its workspace empty) is measured on: `/v1/me`, the empty listing, and GraphQL. */
export function clientTargets(stack: EdgeStack, client: Client) {
  const accessUrl = stack.serviceUrls.access;
  if (!accessUrl) throw new Error('the stack reported no access subgraph URL');
  const hasMe = (body: string) => !body.includes('"errors"') && body.includes(client.clientId);
  const graphql = (url: string, headers: Record<string, string>, query: string, verify: (body: string) => boolean): LoadTarget => ({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    verify,
  });
  const key = { authorization: `Bearer ${client.apiKey}` };
  return {
    me: { url: `${stack.restUrl}/v1/me`, headers: key, verify: hasMe } satisfies LoadTarget,
    documents: { url: `${stack.restUrl}/v1/documents`, headers: key, verify: (b) => b.includes('"documents":[]') && b.includes('"next_cursor":null') } satisfies LoadTarget,
    direct: graphql(accessUrl, client.accessContext, TRIVIAL, hasMe),
    single: graphql(stack.gatewayUrl, client.context, TRIVIAL, hasMe),
    gatewayKey: graphql(stack.gatewayUrl, key, TRIVIAL, hasMe),
    cross: graphql(stack.gatewayUrl, client.context, CROSS, (b) => hasMe(b) && b.includes('"totalDocuments"')),
  };
}

/** What the client with documents is measured on: a page of the listing, one document, and the processing status. */
export function libraryTargets(stack: EdgeStack, library: Library) {
  const headers = { authorization: `Bearer ${library.apiKey}` };
  const docId = library.docIds[0]!;
  const total = library.docIds.length;
  return {
    page: {
      url: `${stack.restUrl}/v1/documents?limit=${PAGE}`,
      headers,
      verify: (b) => count(b, '"doc_id":') === PAGE && b.includes('"next_cursor":"'),
    } satisfies LoadTarget,
    document: {
      url: `${stack.restUrl}/v1/documents/${docId}?words=false`,
      headers,
      verify: (b) => b.includes(`"doc_id":"${docId}"`) && b.includes('"status":"ready"') && !b.includes('"words"'),
    } satisfies LoadTarget,
    // The defaults (`limit` 100, no batch or document filter): every document's status.
    status: {
      url: `${stack.restUrl}/v1/status`,
      headers,
      verify: (b) => b.includes(`"ready":${total}`) && count(b, '"doc_id":') === total,
    } satisfies LoadTarget,
  };
}

function count(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) n++;
  return n;
}

/** One request per target before any load, so a wrong answer fails with its body rather than as a count. */
export async function preflight(list: LoadTarget[]): Promise<void> {
  for (const t of list) {
    const res = await fetch(t.url, { method: t.method ?? 'GET', headers: t.headers ?? {}, ...(t.body === undefined ? {} : { body: t.body }) });
    const text = await res.text();
    if (!res.ok || (t.verify && !t.verify(text))) {
      throw new Error(`preflight ${t.method ?? 'GET'} ${t.url} ${t.body ?? ''}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
  }
}
