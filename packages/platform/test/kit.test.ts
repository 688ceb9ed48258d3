import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defineSettings, loadConfig, settingTypes } from '../src/config.js';
import { ContextSigner, CONTEXT_HEADER, CONTEXT_SIGNATURE_HEADER } from '../src/client-context.js';
import { constantTimeEqual, keyedHash, randomUrlSafe } from '../src/crypto.js';
import { secureDataDir } from '../src/data-dir.js';
import { resolveSecrets } from '../src/secrets.js';
import { AppError, publicError } from '../src/errors.js';
import { createBaseApp, listen } from '../src/http/server.js';
import { serveMetrics } from '../src/http/metrics-server.js';
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

  it("builds each settings slice, and names bad variables of the platform's and the slices' in one message", () => {
    const a = defineSettings({ env: { A_LIMIT: settingTypes.positiveInt(3) }, build: (e) => ({ limit: e.A_LIMIT }) });
    const b = defineSettings({ env: { B_ON: settingTypes.flag(false) }, build: (e) => ({ on: e.B_ON }) });
    expect(loadConfig({ B_ON: 'true' }, { a, b }).settings).toEqual({ a: { limit: 3 }, b: { on: true } });
    expect(() => loadConfig({ PORT: 'eighty', A_LIMIT: '0', B_ON: 'yes' }, { a, b })).toThrow(/^Invalid environment variables: PORT: .*; A_LIMIT: .*; B_ON: /);
  });

  it('requires every shared secret in distributed mode', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' })).toThrow(
      /PERCEPTIQ_ADMIN_TOKEN.*PERCEPTIQ_KEY_SECRET.*PERCEPTIQ_CONTEXT_SECRET/,
    );
    expect(() => loadConfig({ PERCEPTIQ_KEY_SECRET: 'short' })).toThrow(/PERCEPTIQ_KEY_SECRET/);
    // 31 characters is one short of the floor; 32 passes.
    expect(() => loadConfig({ PERCEPTIQ_CONTEXT_SECRET: 'c'.repeat(31) })).toThrow(/PERCEPTIQ_CONTEXT_SECRET: must be at least 32 characters/);
    expect(loadConfig({ PERCEPTIQ_CONTEXT_SECRET: 'c'.repeat(32) }).secrets.contextSecret).toBe('c'.repeat(32));
  });

  it('takes TRUSTED_PROXIES as a list of addresses and ranges, and refuses anything else', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: ' 10.0.0.0/8, ::1 ,loopback' }).trustedProxies).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.example.com' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('takes CORS_ALLOWED_ORIGINS as * (the default), nothing, or a list of origins, and refuses anything else', () => {
    expect(loadConfig({}).corsAllowedOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: '' }).corsAllowedOrigins).toEqual([]);
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: ' https://app.example.com, http://localhost:5173' }).corsAllowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    for (const bad of ['https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'ftp://files.example.com', '*,https://app.example.com', 'https://App.example.com']) {
      expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: bad })).toThrow(/CORS_ALLOWED_ORIGINS: must be \* or origins/);
    }
  });
});

describe('secrets and the data dir', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'perceptiq-kit-')), 'data');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('refuses a secret file shorter than 32 characters, empty included', () => {
    mkdirSync(dir);
    for (const short of ['', 'x'.repeat(31)]) {
      writeFileSync(join(dir, 'context-secret'), `${short}\n`);
      expect(() => resolveSecrets(loadConfig({ PERCEPTIQ_DATA_DIR: dir }))).toThrow(/context-secret: must hold a secret of at least 32 characters/);
    }
    writeFileSync(join(dir, 'context-secret'), 'x'.repeat(32));
    expect(resolveSecrets(loadConfig({ PERCEPTIQ_DATA_DIR: dir })).contextSecret).toBe('x'.repeat(32));
  });

  it('makes the data dir and everything written in it private', () => {
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755); // as an older version left it
    secureDataDir(dir);
    resolveSecrets(loadConfig({ PERCEPTIQ_DATA_DIR: dir }));
    writeFileSync(join(dir, 'written-later'), 'x');
    mkdirSync(join(dir, 'blobs'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect([name, statSync(join(dir, name)).mode & 0o077]).toEqual([name, 0]);
  });
});

describe('signed client context', () => {
  const signer = new ContextSigner('s'.repeat(32), 30_000, 'ingest');
  const ctx = { principal: { type: 'admin' as const }, request_id: 'r1', ip: '127.0.0.1' };

  it('round-trips a context until it expires', () => {
    const headers = signer.sign(ctx, 'ingest', 1_000);
    expect(signer.verify(headers, 2_000)).toMatchObject(ctx);
    expect(signer.verify(headers, 31_001)).toBeUndefined();
  });

  it('is accepted only by its audience', () => {
    const forGateway = signer.sign(ctx, 'gateway');
    expect(signer.verify(forGateway)).toBeUndefined();
    const gateway = new ContextSigner('s'.repeat(32), 30_000, 'gateway');
    expect(gateway.verify(forGateway)).toMatchObject(ctx);
  });

  it('refuses a context that would outlive one issued now, whoever signed it', () => {
    const longLived = new ContextSigner('s'.repeat(32), 3_600_000, 'rest-adapter').sign(ctx, 'ingest', 1_000);
    expect(signer.verify(longLived, 2_000)).toBeUndefined();
    // The same context is fine for a verifier whose own TTL allows it.
    const patient = new ContextSigner('s'.repeat(32), 3_600_000, 'ingest');
    expect(patient.verify(longLived, 2_000)).toMatchObject(ctx);
  });

  it('refuses a tampered body, a wrong signature, another secret and garbage, before and after a good one was seen', () => {
    const headers = signer.sign(ctx, 'ingest');
    const forged = Buffer.from(JSON.stringify({ ...ctx, principal: { type: 'public' }, aud: 'ingest', exp: Date.now() + 1e4 })).toString('base64url');
    for (let round = 0; round < 2; round++) {
      expect(signer.verify({ ...headers, [CONTEXT_HEADER]: forged })).toBeUndefined();
      expect(signer.verify({ ...headers, [CONTEXT_SIGNATURE_HEADER]: 'x' })).toBeUndefined();
      expect(signer.verify({ ...headers, [CONTEXT_SIGNATURE_HEADER]: headers[CONTEXT_SIGNATURE_HEADER].replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).toBeUndefined();
      expect(new ContextSigner('t'.repeat(32), 30_000, 'ingest').verify(headers)).toBeUndefined();
      expect(signer.verify({})).toBeUndefined();
      const junk = 'not-json';
      expect(signer.verify({ [CONTEXT_HEADER]: junk, [CONTEXT_SIGNATURE_HEADER]: keyedHash('s'.repeat(32), junk) })).toBeUndefined();
      expect(signer.verify(headers)).toMatchObject(ctx); // the good one, now known: the bad ones stay bad
    }
  });

  it('signs a caller once for a while, with each call\'s own request id beside it, and re-signs past half its lifetime', () => {
    const first = signer.sign(ctx, 'ingest', 1_000);
    const second = signer.sign({ ...ctx, request_id: 'r2' }, 'ingest', 10_000);
    expect(second[CONTEXT_SIGNATURE_HEADER]).toBe(first[CONTEXT_SIGNATURE_HEADER]);
    expect(signer.verify(second, 10_000)).toMatchObject({ ...ctx, request_id: 'r2' });
    const later = signer.sign(ctx, 'ingest', 16_001);
    expect(later[CONTEXT_SIGNATURE_HEADER]).not.toBe(first[CONTEXT_SIGNATURE_HEADER]);
    expect(signer.verify(later, 40_000)).toMatchObject(ctx);
    // Another caller, address or audience never shares a signature.
    expect(signer.sign({ ...ctx, ip: '10.0.0.1' }, 'ingest', 1_000)[CONTEXT_SIGNATURE_HEADER]).not.toBe(first[CONTEXT_SIGNATURE_HEADER]);
    expect(signer.sign({ ...ctx, principal: { type: 'public' } }, 'ingest', 1_000)[CONTEXT_SIGNATURE_HEADER]).not.toBe(first[CONTEXT_SIGNATURE_HEADER]);
    expect(signer.sign(ctx, 'qa', 1_000)[CONTEXT_SIGNATURE_HEADER]).not.toBe(first[CONTEXT_SIGNATURE_HEADER]);
  });

  it('takes a well-formed request id from beside the context, else makes one', () => {
    const headers = signer.sign(ctx, 'ingest');
    expect(signer.verify({ ...headers, 'x-request-id': 'bad id with spaces' })?.request_id).toMatch(/^[0-9a-f-]{36}$/);
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
  it('serves liveness, readiness that follows dependencies and draining, and echoes request ids; metrics only on their own port', async () => {
    const lifecycle = new Lifecycle(logger, 2_000);
    let ready = false;
    const app = createBaseApp({ component: 'test', logger, lifecycle, readiness: async () => { if (!ready) throw new Error('store down'); }, trustedProxies: [], errorShape: 'envelope' });
    const { server } = await listen(app, '127.0.0.1', 0, lifecycle, 'test');
    const metrics = await serveMetrics('127.0.0.1', 0, lifecycle, logger);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      const res = await fetch(`${base}/readyz`, { headers: { 'x-request-id': 'abc-123' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('abc-123');
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect(await (await fetch(metrics.url)).text()).toContain('perceptiq_http_request_duration_seconds');
      const other = await fetch(metrics.url.replace('/metrics', '/graphql'));
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ error: { code: 'not_found' } });
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
