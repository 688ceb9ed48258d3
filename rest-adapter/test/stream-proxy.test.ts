import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeKey, type ClientIdentity } from '@perceptiq/contracts';
import {
  ContextSigner,
  Lifecycle,
  createBaseApp,
  createLogger,
  createMemoryBus,
  listen,
  loadConfig,
  openStore,
  signedStreamRoute,
  type Bus,
  type Listening,
  type Store,
} from '@perceptiq/platform';
import { z } from 'zod';
import { createRestApp } from '../src/app.js';
import type { RouteDef } from '../src/route.js';
import { ROUTES } from '../src/routes/index.js';

/**
 * Byte streams through the REST adapter over real HTTP: a fake service on port 0 stands in for
 * the owning services and checks the signed context as a real one does. Each direction proves it
 * streams: the far side must see the first chunk before the near side sends the rest.
 */

const logger = createLogger({ level: 'silent', name: 'test' });
const SECRET = 'c'.repeat(32);
const KEY = `pa_live_${'k'.repeat(40)}`;
const client: ClientIdentity = { client_id: 'cli_stream', company: 'Acme', tier: 'business', scopes: ['upload', 'export', 'summary_audio'], rate_limit_rpm: 600 };
const AUDIO = randomBytes(256 * 1024);

/** A promise with its resolver, to hand one side's progress to the other. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Fails a test that would otherwise hang when a side waits for bytes that were buffered. */
function within(promise: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not streamed`)), 5_000)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

let dir: string;
let store: Store;
let bus: Bus;
let lifecycle: Lifecycle;
let rest: Listening;
let uploadFirstChunk = signal();
let downloadFirstChunk = signal();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perceptiq-stream-'));
  store = await openStore({ dataDir: dir, service: 'bus' });
  bus = createMemoryBus({ store, requestTimeoutMs: 2_000 });
  // The access service's part: every call with KEY is this client, within its limit.
  bus.serve(AuthorizeKey, () => ({ ok: true as const, client, rate: { limit: 600, remaining: 599, reset_seconds: 60 }, allowed: true }));
  lifecycle = new Lifecycle(logger, 2_000);

  const service = createBaseApp({ component: 'fake-service', logger, lifecycle, readiness: async () => {}, trustedProxies: [], errorShape: 'envelope' });
  const streamFor = (name: 'ingest' | 'analytics' | 'qa') => signedStreamRoute(new ContextSigner(SECRET, 30_000, name), logger);
  service.post(
    '/upload',
    streamFor('ingest')('upload', async (req, res, caller) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) {
        chunks.push(chunk as Buffer);
        uploadFirstChunk.resolve();
      }
      res.status(202).json({
        method: req.method,
        query: req.query,
        content_type: req.get('content-type'),
        body: Buffer.concat(chunks).toString(),
        client_id: caller.client.client_id,
        request_id: caller.requestId,
      });
    }),
  );
  service.get(
    '/export',
    streamFor('analytics')('export', async (req, res) => {
      // Raw headers: Express's `set` would add a charset, and the test checks they pass unchanged.
      res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="export.csv"', 'Cache-Control': 'no-store', 'X-Internal': 'not for partners' });
      res.write(`format,${String(req.query.format)},body,${req.get('content-length') ?? req.get('transfer-encoding') ?? 'none'}\n`);
      await within(downloadFirstChunk.promise, 'download');
      res.end('doc_1,Invoice\n');
    }),
  );
  service.get(
    '/audio',
    streamFor('qa')('summary_audio', (_req, res) => {
      res.status(200).set({ 'Content-Type': 'audio/wav', 'Content-Length': String(AUDIO.length) }).end(AUDIO);
    }),
  );
  const fake = await listen(service, '127.0.0.1', 0, lifecycle, 'fake-service');

  // A port nothing listens on, for a service that is down.
  const closed = await listen(createBaseApp({ component: 'gone', logger, lifecycle, readiness: async () => {}, trustedProxies: [], errorShape: 'envelope' }), '127.0.0.1', 0, lifecycle, 'gone');
  await new Promise((r) => closed.server.close(r));

  const config = loadConfig({
    INGEST_URL: `${fake.url}/graphql`,
    ANALYTICS_URL: `${fake.url}/graphql`,
    QA_URL: `${fake.url}/graphql`,
    TEMPLATES_URL: `${closed.url}/graphql`,
  });
  const download = (operationId: string, path: string, action: RouteDef['action']): RouteDef => ({
    operationId,
    method: 'get',
    path,
    auth: 'key',
    scope: 'export',
    summary: operationId,
    tags: ['test'],
    query: z.object({ format: z.enum(['csv', 'json']).default('json') }),
    status: 200,
    download: ['text/csv', 'application/json'],
    action,
  });
  const routes = [
    ROUTES.find((r) => r.operationId === 'uploadDocuments')!,
    download('exportData', '/v1/export', { kind: 'stream', service: 'analytics', path: '/export' }),
    download('summaryAudio', '/v1/summary/audio', { kind: 'stream', service: 'qa', path: '/audio' }),
    download('templatesDown', '/v1/templates/export', { kind: 'stream', service: 'templates', path: '/export' }),
  ];
  const secrets = { adminToken: 'a'.repeat(32), keySecret: 'k'.repeat(32), contextSecret: SECRET, adminTokenGenerated: false };
  rest = await listen(createRestApp({ config, secrets, bus, logger, lifecycle, streamBodyLimitBytes: 64 * 1024 * 1024 }, routes), '127.0.0.1', 0, lifecycle, 'rest-adapter');
});

beforeEach(() => {
  uploadFirstChunk = signal();
  downloadFirstChunk = signal();
});

afterAll(async () => {
  await lifecycle.stop();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${KEY}` };

describe('stream routes through the REST adapter', () => {
  it('streams a GET download back with its disposition, caching and query string, and no request body', async () => {
    const res = await fetch(`${rest.url}/v1/export?format=csv`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="export.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-internal')).toBeNull();
    expect(res.headers.get('x-ratelimit-limit')).toBe('600');

    // The service holds the rest back until the client has read the first line.
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    let text = decoder.decode(first.value, { stream: true });
    expect(text).toBe('format,csv,body,none\n');
    downloadFirstChunk.resolve();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    expect(text).toBe('format,csv,body,none\ndoc_1,Invoice\n');
  });

  it('passes binary bytes and Content-Length through unchanged', async () => {
    const res = await fetch(`${rest.url}/v1/summary/audio`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-length')).toBe(String(AUDIO.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(AUDIO)).toBe(true);
  });

  it('still streams a POST upload to the service, with its type, query and caller', async () => {
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${rest.url}/v1/upload?merge=false`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'multipart/form-data; boundary=x', 'x-request-id': 'req-upload-1' },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('first part;');
      // The rest is sent only once the service has the first part: a buffering proxy would wait forever.
      within(uploadFirstChunk.promise, 'upload').then(() => req.end('second part'), reject);
    });
    const { status, body } = await answer;
    expect(status).toBe(202);
    expect(JSON.parse(body)).toEqual({
      method: 'POST',
      query: { merge: 'false' },
      content_type: 'multipart/form-data; boundary=x',
      body: 'first part;second part',
      client_id: 'cli_stream',
      request_id: 'req-upload-1',
    });
  });

  it('refuses a bad query before the service is called', async () => {
    const res = await fetch(`${rest.url}/v1/export?format=pdf`, { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it('answers 503 unavailable in the envelope when the service is down', async () => {
    const res = await fetch(`${rest.url}/v1/templates/export`, { headers: { ...auth, 'x-request-id': 'req-down' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: 'unavailable', message: 'The templates service did not answer; try again shortly.', request_id: 'req-down' },
    });
  });
});
