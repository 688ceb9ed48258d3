import { readFileSync } from 'node:fs';
import { SCOPES } from '@perceptiq/contracts';
import { buildOpenApiDocument } from '../src/openapi.js';
import { checkJsonLimits } from '../src/json-limits.js';
import { ROUTES } from '../src/routes/index.js';

const SPEC = new URL('../../../shared/spec/', import.meta.url);
const published = readFileSync(new URL('published-api-page.txt', SPEC), 'utf8');
const contract = readFileSync(new URL('API.md', SPEC), 'utf8');

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const table = new Map(ROUTES.map((r) => [key(r.method, r.path), r]));

describe('route table', () => {
  it('has an entry for every path of the published page, with the published scope', () => {
    // The page's function map reads "POST /v1/uploadScope: upload".
    const pairs = [...published.matchAll(/(GET|POST|DELETE) (\/v1\/[A-Za-z/]+?)Scope: (\w+)/g)];
    expect(pairs.length).toBe(14);
    for (const [, method, path, scope] of pairs) {
      const route = table.get(key(method!, path!));
      expect(route).toBeDefined();
      expect(route?.scope).toBe(scope);
    }
  });

  it('has an entry for every call named in the published page and API.md', () => {
    const calls = new Set(
      [...`${published}\n${contract}`.matchAll(/(GET|POST|DELETE) (\/(?:v1|api)\/[A-Za-z0-9/_{}.-]*[A-Za-z0-9}/])(?=Scope|[\s?`:]|$)/g)].map(
        ([, m, p]) => key(m!, p!.replace(/Scope$/, '')),
      ),
    );
    expect(calls.size).toBeGreaterThanOrEqual(27);
    const missing = [...calls].filter((c) => !table.has(c));
    expect(missing).toEqual([]);
  });

  it('uses only known scopes, unique operation ids and one entry per method+path', () => {
    for (const r of ROUTES) if (r.scope) expect(SCOPES).toContain(r.scope);
    expect(new Set(ROUTES.map((r) => r.operationId)).size).toBe(ROUTES.length);
    expect(table.size).toBe(ROUTES.length);
  });

  it('keeps admin calls behind the admin token and the access request public', () => {
    expect(table.get('POST /api/access/request')?.auth).toBe('public');
    for (const p of ['POST /api/access/enable', 'POST /api/access/rotate', 'POST /api/access/revoke', 'GET /api/access/requests', 'GET /api/access/clients', 'GET /api/access/audit']) {
      expect(table.get(p)?.auth).toBe('admin');
    }
    for (const r of ROUTES.filter((r) => r.path.startsWith('/v1/'))) expect(r.auth).toBe('key');
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(ROUTES) as { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };

  it('is OpenAPI 3.1 with every route, its scope and its request schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op?.operationId).toBe(r.operationId);
      if (r.scope) expect(op?.['x-required-scope']).toBe(r.scope);
      if (r.body) expect(op?.requestBody).toBeDefined();
    }
    const enable = doc.paths['/api/access/enable']!.post!.requestBody as { content: Record<string, { schema: { required: string[] } }> };
    expect(enable.content['application/json']!.schema.required).toEqual(expect.arrayContaining(['email', 'company', 'tier']));
  });
});

describe('JSON limits', () => {
  const nested = (depth: number) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  it('accepts 64 levels and refuses 65, naming where', () => {
    expect(() => checkJsonLimits(nested(63))).not.toThrow();
    expect(() => checkJsonLimits(nested(70))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('refuses a string over 1 MB', () => {
    expect(() => checkJsonLimits({ text: 'x'.repeat(1024 * 1024) })).not.toThrow();
    expect(() => checkJsonLimits({ items: [{ text: 'x'.repeat(1024 * 1024 + 1) }] })).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { field: 'items.0.text' } }),
    );
  });
});
