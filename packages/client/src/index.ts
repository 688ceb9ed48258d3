import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

export interface PerceptiqClientOptions {
  /** The REST API's address; the published page's by default. */
  baseUrl?: string;
  /** A `pa_live_` key; leave it out for the public access request. */
  apiKey?: string;
  /** The admin token, for the admin calls under `/api/access`. */
  adminToken?: string;
  fetch?: typeof globalThis.fetch;
}

/** A typed client of the Perceptiq REST API: every path, parameter, body and answer typed from the OpenAPI document. */
export function createPerceptiqClient(options: PerceptiqClientOptions = {}): Client<paths> {
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  if (options.adminToken) headers['x-admin-token'] = options.adminToken;
  return createClient<paths>({ baseUrl: options.baseUrl ?? 'http://127.0.0.1:8100', headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
}

/**
 * The body serializer for uploads: `{ files: [blob, …] }` as the multipart form the API reads.
 * `client.POST('/v1/upload', { body: { files }, bodySerializer: multipart })`.
 */
export function multipart(body: { files: Blob[] }): FormData {
  const form = new FormData();
  for (const file of body.files) form.append('files', file, file instanceof File ? file.name : 'upload');
  return form;
}
