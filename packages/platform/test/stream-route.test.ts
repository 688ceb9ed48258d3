import type { ClientIdentity } from '@perceptiq/contracts';
import { ContextSigner } from '../src/client-context.js';
import { AppError } from '../src/errors.js';
import { createBaseApp, listen, type Listening } from '../src/http/server.js';
import { signedStreamRoute } from '../src/http/stream-route.js';
import { Lifecycle } from '../src/lifecycle.js';
import { createLogger } from '../src/logger.js';
import { currentContext } from '../src/request-context.js';

const logger = createLogger({ level: 'silent', name: 'test' });
const SECRET = 's'.repeat(32);
const client: ClientIdentity = { client_id: 'cli_1', company: 'Acme', tier: 'business', scopes: ['export'], rate_limit_rpm: 600 };
/** What the REST adapter holds: it signs for a service, and is itself no audience. */
const edge = new ContextSigner(SECRET, 30_000, 'rest-adapter');
const signedFor = (audience: 'analytics' | 'qa', principal: { type: 'client'; client: ClientIdentity } | { type: 'admin' } = { type: 'client', client }) => ({
  ...edge.sign({ principal, request_id: 'req-42', ip: '203.0.113.9' }, audience),
  'x-request-id': 'req-42',
});

let lifecycle: Lifecycle;
let server: Listening;

beforeAll(async () => {
  lifecycle = new Lifecycle(logger, 2_000);
  const app = createBaseApp({ component: 'analytics', logger, lifecycle, readiness: async () => {}, trustedProxies: [], errorShape: 'envelope' });
  const stream = signedStreamRoute(new ContextSigner(SECRET, 30_000, 'analytics'), logger);
  app.get(
    '/export',
    stream('export', (_req, res, caller) => {
      res.json({ caller, locals: res.locals.caller, context: currentContext() });
    }),
  );
  app.get(
    '/conflict',
    stream('export', async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new AppError('conflict', 'Not ready yet.', { status: 'processing' }, { 'Retry-After': '3' });
    }),
  );
  app.get(
    '/bug',
    stream('export', () => {
      throw new Error('secret internals');
    }),
  );
  app.get(
    '/cut',
    stream('export', async (_req, res) => {
      res.status(200).type('text/csv');
      res.write('a,b\n');
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('the export source failed mid-way');
    }),
  );
  server = await listen(app, '127.0.0.1', 0, lifecycle, 'analytics');
});

afterAll(() => lifecycle.stop());

interface Envelope {
  error: { code: string; message: string; request_id: string; details?: Record<string, unknown> };
}

async function call(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, requestId: res.headers.get('x-request-id'), retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Envelope };
}

describe('signedStreamRoute', () => {
  it('answers an unsigned call 401 in the error envelope', async () => {
    const res = await call('/export', { 'x-request-id': 'req-unsigned' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'invalid_token', message: 'A valid signed client context is required.', request_id: 'req-unsigned' } });
  });

  it('refuses a context signed for another service, or for anyone but a client', async () => {
    for (const headers of [signedFor('qa'), signedFor('analytics', { type: 'admin' })]) {
      const res = await call('/export', headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_token');
    }
  });

  it('refuses a caller without the route scope, naming it', async () => {
    const res = await call('/export', signedFor('analytics', { type: 'client', client: { ...client, scopes: ['summary'] } }));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'insufficient_scope', details: { required_scope: 'export' } });
  });

  it('hands the handler the caller, on res.locals too, and restores the request context', async () => {
    const res = await call('/export', signedFor('analytics'));
    expect(res.status).toBe(200);
    const caller = { client, requestId: 'req-42', ip: '203.0.113.9' };
    expect(res.body).toEqual({ caller, locals: caller, context: { requestId: 'req-42', clientId: 'cli_1' } });
  });

  it('answers a rejected AppError with its status, code, details and headers', async () => {
    const res = await call('/conflict', signedFor('analytics'));
    expect(res).toMatchObject({ status: 409, retryAfter: '3', requestId: 'req-42' });
    expect(res.body).toEqual({ error: { code: 'conflict', message: 'Not ready yet.', request_id: 'req-42', details: { status: 'processing' } } });
  });

  it('answers any other error 500 internal, without its message', async () => {
    const res = await call('/bug', signedFor('analytics'));
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal');
    expect(JSON.stringify(res.body)).not.toContain('secret internals');
  });

  it('cuts the connection when a stream fails after it started, so the client sees it incomplete', async () => {
    const res = await fetch(`${server.url}/cut`, { headers: signedFor('analytics') });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});
