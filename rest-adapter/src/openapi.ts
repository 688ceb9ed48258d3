import { ERROR_HTTP_STATUS, type ErrorCode } from '@perceptiq/contracts';
import { z } from 'zod';
import { API_GUIDE } from './api-guide.js';
import type { RouteDef } from './route.js';

type Json = Record<string, unknown>;

/** The error envelope every error answer uses (API.md; written by platform's `sendError`). */
const ErrorEnvelope = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), request_id: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  })
  .meta({ id: 'Error', description: 'Every error answer: the code, a message for people, the request id, and details' });

const integerHeader = (description: string): Json => ({ description, schema: { type: 'integer', minimum: 0 } });

/** Response headers, named once under `components/headers`. */
const HEADERS: Record<string, Json> = {
  'X-Request-Id': { description: "The request's id (the caller's own when it sent one); error.request_id equals it", schema: { type: 'string' } },
  'X-RateLimit-Limit': integerHeader("The key's calls per minute (rate_limit_rpm)"),
  'X-RateLimit-Remaining': integerHeader('Calls left in the current 60-second window'),
  'X-RateLimit-Reset': integerHeader('Whole seconds until the window resets'),
  'Retry-After': integerHeader('Whole seconds to wait before calling again'),
  'WWW-Authenticate': { description: 'Bearer, with error="invalid_token" for a wrong, revoked or expired key', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } },
};
const RATE_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];
const headerRefs = (names: string[]): Json => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** The headers each error answer carries on top of `X-Request-Id` (and the rate headers on keyed calls). */
const ERROR_HEADERS: Partial<Record<ErrorCode, string[]>> = { invalid_token: ['WWW-Authenticate'], rate_limited: ['Retry-After'] };

/**
 * JSON Schemas from zod, with every named schema (`.meta({ id })`) collected into `components` once
 * and referred to by `$ref`: zod puts them under the schema's own `$defs`, which are hoisted here.
 */
class SchemaComponents {
  readonly schemas: Record<string, Json> = {};

  of(schema: z.ZodType, io: 'input' | 'output'): Json {
    const { $schema: _ignored, $defs, ...root } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json & { $defs?: Record<string, Json> };
    // Named schemas refer to each other through `$defs` too: every reference is pointed at its component.
    const names = new Map<string, string>();
    const pointed = (json: Json) => JSON.parse(JSON.stringify(json).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${names.get(id) ?? id}"`)) as Json;
    const defs = Object.entries($defs ?? {});
    for (const [id, def] of defs) names.set(id, this.nameFor(id, pointed(def)));
    for (const [id, def] of defs) this.schemas[names.get(id)!] ??= pointed(def);
    return pointed(root);
  }

  /** The component name for `def`: its id, or `<id>Input` for an input form that differs from the output one. */
  private nameFor(id: string, def: Json): string {
    const text = JSON.stringify(def);
    for (const name of [id, `${id}Input`]) {
      const existing = this.schemas[name];
      if (!existing || JSON.stringify(existing) === text) return name;
    }
    throw new Error(`Two different schemas are both named ${id}`);
  }
}

/** The OpenAPI 3.1 document, generated from the route table (JSON Schema 2020-12 from the zod schemas). */
export function buildOpenApiDocument(routes: RouteDef[]): Json {
  const components = new SchemaComponents();
  const errorSchema = components.of(ErrorEnvelope, 'output');
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const keyed = route.auth === 'key';
    const parameters: Json[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = components.of(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, prop] of Object.entries(json.properties ?? {})) {
        const { description, ...rest } = prop;
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
      }
    }
    const successHeaders = headerRefs(['X-Request-Id', ...(keyed ? RATE_HEADERS : []), ...(route.download ? ['Content-Disposition'] : [])]);
    const successContent = route.download
      ? Object.fromEntries(route.download.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
      : route.response
        ? { 'application/json': { schema: components.of(route.response, 'output') } }
        : undefined;
    if (!successContent) throw new Error(`${route.operationId}: a route declares its success answer (response or download)`);
    const responses: Json = {
      [String(route.status)]: {
        description: 'Success',
        headers: successHeaders,
        content: successContent,
      },
    };
    for (const code of errorCodesFor(route)) {
      responses[String(ERROR_HTTP_STATUS[code])] ??= {
        description: code,
        headers: headerRefs(['X-Request-Id', ...(keyed && code !== 'invalid_token' ? RATE_HEADERS : []), ...(ERROR_HEADERS[code] ?? [])]),
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    const bodyExample = route.example?.body === undefined ? {} : { example: route.example.body };
    const requestBody = route.body
      ? { required: true, content: { 'application/json': { schema: components.of(route.body, 'input'), ...bodyExample } } }
      : route.multipart
        ? { required: true, content: { 'multipart/form-data': { schema: components.of(route.multipart, 'input') } } }
        : undefined;
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags,
        ...(keyed ? { security: [{ apiKey: route.scope ? [route.scope] : [] }] } : {}),
        ...(route.auth === 'admin' ? { security: [{ adminToken: [] }] } : {}),
        ...(route.auth === 'public' ? { security: [] } : {}),
        ...(route.scope ? { 'x-required-scope': route.scope } : {}),
        ...(route.example?.curl ? { 'x-codeSamples': [{ lang: 'curl', label: 'curl (published page)', source: route.example.curl }] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Perceptiq API', version: '1.0.0', description: API_GUIDE },
    // This server first, so the reference page's "Try it out" calls the origin it was loaded from
    // (the only one its Content-Security-Policy allows), at whatever address it is reached.
    servers: [
      { url: '/', description: 'This server' },
      { url: 'http://127.0.0.1:8100', description: 'The default local address (the published page)' },
    ],
    tags: [
      { name: 'access', description: 'Requesting access, the admin lifecycle of clients and keys, and the calling client' },
      { name: 'documents', description: 'Upload, processing status, reading and changing the document library' },
      { name: 'questions', description: 'Questions with citations, summaries (spoken too) and search' },
      { name: 'templates', description: 'Templates and field extraction from OCR tokens, text or images' },
      { name: 'analytics', description: 'Tagging, comparison, exports and usage metrics' },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer pa_live_…' },
        adminToken: { type: 'apiKey', in: 'header', name: 'x-admin-token' },
      },
      headers: HEADERS,
      schemas: components.schemas,
    },
    paths,
  };
}

function errorCodesFor(route: RouteDef): ErrorCode[] {
  const codes: ErrorCode[] = ['invalid_request', 'rate_limited', 'internal', 'unavailable'];
  if (route.auth === 'key') codes.push('invalid_token', 'insufficient_scope');
  if (route.auth === 'admin') codes.push('invalid_admin_token');
  if (route.params) codes.push('not_found');
  if (route.body || route.multipart) codes.push('payload_too_large', 'unsupported_media_type');
  codes.push(...(route.errors ?? []));
  return codes;
}
