import { ERROR_HTTP_STATUS } from '@perceptiq/contracts';
import { z } from 'zod';
import type { RouteDef } from './route.js';

type Json = Record<string, unknown>;

/** The error envelope every error answer uses (API.md; written by platform's `sendErrorEnvelope`). */
const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

/** The OpenAPI 3.1 document, generated from the route table (JSON Schema 2020-12 from the zod schemas). */
export function buildOpenApiDocument(routes: RouteDef[]): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const parameters: Json[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, prop] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: prop });
      }
    }
    const responses: Json = {
      [String(route.status)]: {
        description: route.action.kind === 'later' ? 'Success (once this capability ships)' : 'Success',
        ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response, 'output') } } } : {}),
      },
    };
    for (const code of errorCodesFor(route)) {
      responses[String(ERROR_HTTP_STATUS[code])] ??= {
        description: code,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        ...(route.auth === 'key' ? { security: [{ apiKey: route.scope ? [route.scope] : [] }] } : {}),
        ...(route.auth === 'admin' ? { security: [{ adminToken: [] }] } : {}),
        ...(route.auth === 'public' ? { security: [] } : {}),
        ...(route.scope ? { 'x-required-scope': route.scope } : {}),
        ...(route.action.kind === 'later' ? { 'x-status': 'not_implemented' } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Perceptiq API',
      version: '1.0.0',
      description:
        'Document AI: upload, status, questions with citations, summaries, search, templates and extraction, tagging, comparison, exports and metrics. Keys start with pa_live_ and carry scopes by tier.',
    },
    servers: [{ url: 'http://127.0.0.1:8100' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer pa_live_…' },
        adminToken: { type: 'apiKey', in: 'header', name: 'x-admin-token' },
      },
      schemas: { Error: schemaOf(ErrorEnvelope, 'output') },
    },
    paths,
  };
}

function errorCodesFor(route: RouteDef): Array<keyof typeof ERROR_HTTP_STATUS> {
  const codes: Array<keyof typeof ERROR_HTTP_STATUS> = ['invalid_request', 'rate_limited', 'internal', 'unavailable'];
  if (route.auth === 'key') codes.push('invalid_token', 'insufficient_scope');
  if (route.auth === 'admin') codes.push('invalid_admin_token');
  if (route.params) codes.push('not_found');
  if (route.action.kind === 'later') codes.push('not_implemented');
  return codes;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained docs page (no scripts, no CDN: it works on a machine with no internet). */
export function renderDocsPage(doc: Json): string {
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const scope = (op['x-required-scope'] as string | undefined) ?? (op.security && (op.security as unknown[]).length === 0 ? 'public' : (op.security as Json[] | undefined)?.[0]?.adminToken ? 'admin token' : 'any key');
      const status = op['x-status'] === 'not_implemented' ? ' <em>(coming)</em>' : '';
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(scope)}</td><td>${escapeHtml(String(op.summary ?? ''))}${status}</td></tr>`,
      );
    }
  }
  const info = doc.info as { title: string; description: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}code{font-size:13px}</style></head>
<body><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer pa_live_…</code>; errors use <code>{"error":{"code","message","request_id","details"}}</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Scope</th><th>What it does</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`;
}
