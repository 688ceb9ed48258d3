import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AppError } from '../src/errors.js';
import { graphQLErrorResponse } from '../src/http/error-response.js';
import { jsonLane } from '../src/http/lane.js';
import { metricsRegistry } from '../src/http/metrics.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../src/http/security-headers.js';
import { createBaseApp, listen } from '../src/http/server.js';
import { Lifecycle } from '../src/lifecycle.js';
import { currentRequestId } from '../src/request-context.js';
import { send } from './support/answer.js';

/**
 * A lane (`POST /graphql` on bare node:http, ahead of Express) answers as the base app would:
 * the caller checked before the body is read, the body within its limit, errors in the server's
 * shape, the same headers, metrics and request id; everything else still reaches Express.
 * A real server on a loopback port.
 */

const MARKER = 'lane-marker-7f3a';
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString('utf8')), done()) }));
const lifecycle = new Lifecycle(logger, 2_000);
const answered: Array<{ body: unknown; requestId: string | undefined }> = [];
let url = '';

beforeAll(async () => {
  const app = createBaseApp({ component: 'lane-test', logger, lifecycle, readiness: async () => {}, trustedProxies: [], errorShape: 'graphql' });
  app.get('/graphql', (_req, res) => {
    res.json({ express: true });
  });
  const lane = jsonLane<string>({
    component: 'lane-test',
    logger,
    method: 'POST',
    path: '/graphql',
    accepts: (req) => req.headers.origin === undefined,
    limitBytes: 1024,
    authenticate: (req) => {
      if (req.headers.authorization !== 'Bearer good') throw new AppError('invalid_token', 'A valid signed client context is required.');
      return 'caller-1';
    },
    answer: async (caller, body) => {
      answered.push({ body, requestId: currentRequestId() });
      return { status: 200, headers: { 'x-ratelimit-remaining': '7' }, body: { data: { caller, got: body } } };
    },
    errorResponse: (err) => graphQLErrorResponse(err, logger),
  });
  url = (await listen(app, '127.0.0.1', 0, lifecycle, 'lane-test', lane)).url;
});
afterAll(() => lifecycle.stop());


const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...headers },
  body,
});

/** A raw request, for what fetch will not send (a body in chunks of our choosing). */
function raw(headers: Record<string, string>, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, { method: 'POST', headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const codeOf = (answer: { body: any }) => answer.body?.errors?.[0]?.extensions?.code;

describe('a JSON lane', () => {
  it('answers its route with the answer, the route headers, the request id and the security headers', async () => {
    const answer = await send(url + '/graphql?trace=1', post(JSON.stringify({ query: '{ a }' }), { 'x-request-id': 'req-lane-1' }));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { data: { caller: 'caller-1', got: { query: '{ a }' } } } });
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-request-id')).toBe('req-lane-1');
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('7');
    expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    for (const [name, value] of SECURITY_HEADERS) expect([name, answer.headers.get(name)]).toEqual([name, value]);
    // The answer ran in the request's own async context.
    expect(answered.at(-1)?.requestId).toBe('req-lane-1');
  });

  it('leaves every other request to Express', async () => {
    expect((await send(url + '/graphql')).body).toEqual({ express: true });
    expect((await send(url + '/healthz')).body).toEqual({ status: 'ok' });
    // A browser's call (it sends an Origin) is for the app, where CORS is decided.
    const browser = await send(url + '/graphql', post('{}', { origin: 'https://partner.example' }));
    expect(browser.status).toBe(404);
    expect(codeOf(browser)).toBe('not_found');
  });

  it('refuses a caller before reading its body', async () => {
    const before = answered.length;
    const answer = await send(url + '/graphql', post(JSON.stringify({ query: MARKER }), { authorization: 'Bearer bad' }));
    expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 401, code: 'invalid_token' });
    expect(answered.length).toBe(before);
    // The connection is still good for the next request.
    expect((await send(url + '/graphql', post('{}'))).status).toBe(200);
  });

  it.each([
    ['malformed JSON', post(`{"q": ${MARKER}`), 400, 'invalid_request'],
    ['a bare JSON string', post(JSON.stringify(MARKER)), 400, 'invalid_request'],
    ['a body over the limit', post(JSON.stringify({ q: MARKER.repeat(100) })), 413, 'payload_too_large'],
    ['a body that is not JSON', post(MARKER, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['a charset other than UTF-8', post('{}', { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type'],
    ['a compressed body', post('{}', { 'content-encoding': 'gzip' }), 415, 'unsupported_media_type'],
    ['a body with no Content-Type', { method: 'POST', headers: { authorization: 'Bearer good' }, body: new Uint8Array([123, 125]) }, 415, 'unsupported_media_type'],
  ])('answers %s in GraphQL errors, with no stack and nothing of the body', async (_label, init, status, code) => {
    const before = answered.length;
    const answer = await send(url + '/graphql', init as RequestInit);
    expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status, code });
    expect(answer.text).not.toContain(MARKER);
    expect(answer.text).not.toMatch(/\n\s+at |\.js:\d/);
    expect(answered.length).toBe(before);
  });

  it('counts a chunked body while it arrives, and refuses it past the limit', async () => {
    const small = await raw({ 'transfer-encoding': 'chunked' }, ['{"a":', '1}']);
    expect(small).toEqual({ status: 200, body: { data: { caller: 'caller-1', got: { a: 1 } } } });
    const big = await raw({ 'transfer-encoding': 'chunked' }, ['{"a":"', 'x'.repeat(900), 'y'.repeat(900), '"}']);
    expect({ status: big.status, code: codeOf(big) }).toEqual({ status: 413, code: 'payload_too_large' });
  });

  it('records each answer in the request-duration histogram under its route, and logs no body', async () => {
    await send(url + '/graphql', post(JSON.stringify({ q: MARKER })));
    const metrics = await metricsRegistry().getSingleMetricAsString('perceptiq_http_request_duration_seconds');
    expect(metrics).toMatch(/perceptiq_http_request_duration_seconds_count\{component="lane-test",method="POST",route="\/graphql",status="200"\} \d+/);
    expect(metrics).toMatch(/perceptiq_http_request_duration_seconds_count\{component="lane-test",method="POST",route="\/graphql",status="401"\} \d+/);
    expect(logLines.join('')).not.toContain(MARKER);
  });
});
