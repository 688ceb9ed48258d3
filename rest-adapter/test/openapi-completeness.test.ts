import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { buildOpenApiDocument } from '../src/openapi.js';
import type { RouteDef } from '../src/route.js';
import { ROUTES } from '../src/routes/index.js';

type Json = Record<string, any>;

const published = readFileSync(new URL('../../../shared/spec/published-api-page.txt', import.meta.url), 'utf8');

/** Paths the published page shows a curl line for: their operations must carry it as an example. */
const PUBLISHED_CURL_PATHS = new Set([...published.matchAll(/curl (?:-X (\w+) )?"http:\/\/127\.0\.0\.1:8100(\/[\w/]+)/g)].map(([, m, p]) => `${(m ?? 'GET').toLowerCase()} ${p}`));
const RATE_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

/** Everything a partner's generator needs of one operation, as the problems found (none: complete). */
function problemsOf(doc: Json, routes: RouteDef[]): string[] {
  const problems: string[] = [];
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const op = doc.paths[route.path]?.[route.method] as Json | undefined;
    if (!op) {
      problems.push(`${name}: missing`);
      continue;
    }
    const params = new Set((op.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name));
    for (const [, param] of route.path.matchAll(/\{(\w+)\}/g)) if (!params.has(param)) problems.push(`${name}: path parameter ${param} undeclared`);
    const takesBody = route.method === 'post' && (route.body || route.multipart || route.action.kind === 'stream');
    if (takesBody && !op.requestBody?.content) problems.push(`${name}: no request body`);
    const success = op.responses?.[String(route.status)];
    const schemas = Object.values((success?.content ?? {}) as Record<string, Json>).map((c) => c.schema);
    if (!schemas.length || schemas.some((s) => !s)) problems.push(`${name}: no success schema`);
    if (route.scope && op['x-required-scope'] !== route.scope) problems.push(`${name}: x-required-scope is not ${route.scope}`);
    if (route.auth === 'key') {
      for (const status of [String(route.status), '403', '429']) {
        for (const header of RATE_HEADERS) if (!op.responses?.[status]?.headers?.[header]) problems.push(`${name}: ${status} lacks ${header}`);
      }
      if (!op.responses?.['401'] || !op.responses?.['403']) problems.push(`${name}: 401/403 undeclared`);
    }
    if (!op.responses?.['429']?.headers?.['Retry-After']) problems.push(`${name}: 429 lacks Retry-After`);
    const hasExample = op['x-codeSamples']?.length || op.requestBody?.content?.['application/json']?.example !== undefined;
    if (PUBLISHED_CURL_PATHS.has(`${route.method} ${route.path}`) && !hasExample) problems.push(`${name}: the published page's example is missing`);
  }
  return problems;
}

describe('the OpenAPI document is complete', () => {
  const doc = buildOpenApiDocument(ROUTES) as Json;

  it('declares every operation fully: parameters, bodies, success schemas, scopes, rate-limit headers, published examples', () => {
    expect(PUBLISHED_CURL_PATHS.size).toBeGreaterThanOrEqual(7);
    expect(problemsOf(doc, ROUTES)).toEqual([]);
  });

  it('finds an incomplete route (the check can fail)', () => {
    const incomplete: RouteDef = {
      operationId: 'broken',
      method: 'post',
      path: '/v1/ask/{id}',
      auth: 'key',
      scope: 'ask',
      summary: 'broken',
      tags: [],
      status: 200,
      response: z.object({}),
      action: { kind: 'graphql', document: '{ me { clientId } }', variables: () => ({}), shape: (data) => data },
    };
    const broken = buildOpenApiDocument([incomplete]) as Json;
    delete broken.paths['/v1/ask/{id}'].post['x-required-scope'];
    expect(problemsOf(broken, [incomplete])).toEqual(
      expect.arrayContaining([
        'POST /v1/ask/{id}: path parameter id undeclared',
        'POST /v1/ask/{id}: x-required-scope is not ask',
      ]),
    );
  });

  it('names the recurring shapes once, under components, and every $ref resolves', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Document', 'Citation', 'ExtractedField', 'Error', 'Template', 'BBox']));
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter(([, kind, name]) => !doc.components[kind!]?.[name!]).map(([ref]) => ref)).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  // No OpenAPI validator is installed: the structural rules of OpenAPI 3.1 a generator relies on, checked here.
  it('is structurally OpenAPI 3.1: unique operationIds, described responses, well-formed parameters, known security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const problems: string[] = [];
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!['get', 'post', 'delete', 'put', 'patch'].includes(method)) problems.push(`${name}: not an HTTP method`);
        if (operationIds.has(op.operationId)) problems.push(`${name}: operationId ${op.operationId} repeated`);
        operationIds.add(op.operationId);
        for (const [status, res] of Object.entries(op.responses as Json)) if (!/^[1-5]\d\d$/.test(status) || typeof res.description !== 'string') problems.push(`${name}: response ${status} malformed`);
        for (const p of op.parameters ?? []) if (!p.name || !['path', 'query', 'header'].includes(p.in) || !p.schema || (p.in === 'path' && p.required !== true)) problems.push(`${name}: parameter ${p.name} malformed`);
        for (const requirement of op.security ?? []) for (const scheme of Object.keys(requirement)) if (!doc.components.securitySchemes[scheme]) problems.push(`${name}: unknown security scheme ${scheme}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the upload as multipart with files as an array of binary parts', () => {
    const body = doc.paths['/v1/upload'].post.requestBody.content['multipart/form-data'].schema;
    expect(body.required).toContain('files');
    expect(body.properties.files).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } });
  });

  it("accepts the published page's example bodies with the routes' own request schemas", () => {
    const withBodies = ROUTES.filter((r) => r.example?.body !== undefined);
    expect(withBodies.map((r) => r.operationId)).toEqual(expect.arrayContaining(['requestAccess', 'enableAccess', 'rotateKey', 'askQuestion', 'smartExtract']));
    for (const route of withBodies) expect({ route: route.operationId, ok: route.body!.safeParse(route.example!.body).success }).toEqual({ route: route.operationId, ok: true });
  });

  it('opens with a guide: quickstart, tiers and scopes, rate-limit headers, errors, GraphQL', () => {
    const guide = doc.info.description as string;
    for (const heading of ['## Quickstart', '## Tiers and scopes', '## Rate limits', '## Errors', '## GraphQL']) expect(guide).toContain(heading);
    expect(guide).toContain('| enterprise |');
    expect(guide).toContain('X-RateLimit-Remaining');
  });
});
