import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../src/config.js';
import { ContextSigner, CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER } from '../src/client-context.js';
import { constantTimeEqual, keyedHash, randomUrlSafe } from '../src/crypto.js';
import { AppError, publicError } from '../src/errors.js';
import { createBaseApp, listen } from '../src/http/server.js';
import { Lifecycle } from '../src/lifecycle.js';
import { createLogger } from '../src/logger.js';
import { camelKeys, snakeKeys } from '../src/case.js';
import { parseOrThrow } from '../src/validation.js';
import { z } from 'zod';

const logger = createLogger({ level: 'silent', name: 'test' });

describe('config', () => {
  it('defaults to the embedded mode on the published port', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ mode: 'embedded', rest: { port: 8100 }, gateway: { port: 4000 }, dataDir: './data' });
    expect(c.services.access.url).toBe('http://127.0.0.1:4005/graphql');
  });

  it('names every bad variable, not just the first', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', MONGODB_URI: 'postgres://x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      for (const name of ['PORT', 'LOG_LEVEL', 'MONGODB_URI']) expect(message).toContain(name);
    }
  });

  it('requires every shared secret in distributed mode', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' })).toThrow(
      /PERCEPTIQ_ADMIN_TOKEN.*PERCEPTIQ_KEY_SECRET.*PERCEPTIQ_CONTEXT_SECRET/,
    );
    expect(() => loadConfig({ PERCEPTIQ_KEY_SECRET: 'short' })).toThrow(/PERCEPTIQ_KEY_SECRET/);
  });
});

describe('signed client context', () => {
  const signer = new ContextSigner('s'.repeat(32), 30_000);
  const ctx = { principal: { type: 'admin' as const }, request_id: 'r1', ip: '127.0.0.1' };

  it('round-trips a context until it expires', () => {
    const headers = signer.sign(ctx, 1_000);
    expect(signer.verify(headers[CONTEXT_HEADER], headers[CONTEXT_SIGNATURE_HEADER], 2_000)).toMatchObject(ctx);
    expect(signer.verify(headers[CONTEXT_HEADER], headers[CONTEXT_SIGNATURE_HEADER], 31_001)).toBeUndefined();
  });

  it('refuses a tampered body, a wrong signature, another secret and garbage', () => {
    const headers = signer.sign(ctx);
    const forged = Buffer.from(JSON.stringify({ ...ctx, principal: { type: 'public' }, exp: Date.now() + 1e6 })).toString('base64url');
    expect(signer.verify(forged, headers[CONTEXT_SIGNATURE_HEADER])).toBeUndefined();
    expect(signer.verify(headers[CONTEXT_HEADER], 'x')).toBeUndefined();
    expect(new ContextSigner('t'.repeat(32), 30_000).verify(headers[CONTEXT_HEADER], headers[CONTEXT_SIGNATURE_HEADER])).toBeUndefined();
    expect(signer.verify(undefined, undefined)).toBeUndefined();
    const junk = 'not-json';
    expect(signer.verify(junk, keyedHash('s'.repeat(32), junk))).toBeUndefined();
  });
});

describe('crypto and errors', () => {
  it('compares in constant time and hashes with a key', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(keyedHash('k1', 'v')).not.toBe(keyedHash('k2', 'v'));
    expect(randomUrlSafe(40)).toMatch(/^[A-Za-z0-9_-]{40}$/);
  });

  it('never shows an internal error message', () => {
    expect(publicError(new Error('db password is hunter2'))).toEqual({ code: 'internal', message: expect.not.stringContaining('hunter2') });
    expect(publicError(new AppError('not_found', 'Document x was not found.'))).toEqual({ code: 'not_found', message: 'Document x was not found.' });
  });

  it('reports the first bad field as a dotted path and lists every issue', () => {
    const schema = z.object({ a: z.object({ b: z.number() }), c: z.string() });
    expect(() => parseOrThrow(schema, { a: { b: 'x' } })).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { field: 'a.b', issues: [expect.objectContaining({ field: 'a.b' }), expect.objectContaining({ field: 'c' })] } }),
    );
  });

  it('converts keys between snake_case and camelCase, including prototype-less objects', () => {
    const input = Object.assign(Object.create(null), { clientId: 'x', nested: [{ rateLimitRpm: 1 }] });
    expect(snakeKeys(input)).toEqual({ client_id: 'x', nested: [{ rate_limit_rpm: 1 }] });
    expect(camelKeys({ grace_seconds: 2 })).toEqual({ graceSeconds: 2 });
  });
});

describe('HTTP kit', () => {
  it('serves liveness, readiness that follows dependencies and draining, metrics, and echoes request ids', async () => {
    const lifecycle = new Lifecycle(logger, 2_000);
    let ready = false;
    const app = createBaseApp({ component: 'test', logger, lifecycle, readiness: async () => { if (!ready) throw new Error('store down'); } });
    const { server } = await listen(app, '127.0.0.1', 0, lifecycle, 'test');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      const res = await fetch(`${base}/readyz`, { headers: { 'x-request-id': 'abc-123' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('abc-123');
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('perceptiq_http_request_duration_seconds');
      lifecycle.draining = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
    } finally {
      await lifecycle.stop();
    }
    expect(server.listening).toBe(false);
  });

  it('stops components in reverse order of start', async () => {
    const lifecycle = new Lifecycle(logger, 1_000);
    const order: string[] = [];
    for (const name of ['store', 'bus', 'http']) lifecycle.onStop(name, async () => void order.push(name));
    await lifecycle.stop();
    expect(order).toEqual(['http', 'bus', 'store']);
  });

  it('moves on when a component does not stop before the deadline', async () => {
    const lifecycle = new Lifecycle(logger, 100);
    const order: string[] = [];
    lifecycle.onStop('store', async () => void order.push('store'));
    lifecycle.onStop('stuck', () => new Promise(() => {}));
    await lifecycle.stop();
    expect(order).toEqual([]); // the deadline was spent on the stuck one; the rest is skipped, not hung on
  });
});
