import { randomBytes } from 'node:crypto';
import type { TestStack } from '@perceptiq/testkit/stack';

/**
 * Tiny HTTP helpers for the end-to-end suites: real HTTP with the global `fetch`, nothing mocked.
 */

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON (or parses as JSON), else the text. */
  body: T;
  /** The raw response text. */
  text: string;
}

export interface CallOptions {
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** Sent as `x-admin-token`. */
  adminToken?: string;
  /** Sent as JSON (`Content-Type: application/json`). */
  body?: unknown;
  /** Sent as is (`Content-Type: application/json` unless `headers` says otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
}

async function readResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.adminToken !== undefined) headers['x-admin-token'] = options.adminToken;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] = 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const res = await fetch(new URL(path, baseUrl), { method: method.toUpperCase(), headers, body });
  return readResponse(res);
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return readResponse(res);
}

let sequence = 0;

/** A unique email and company for one test client. */
export function uniqueIdentity(label = 'client'): { email: string; company: string } {
  const tag = `${Date.now().toString(36)}${(sequence++).toString(36)}${randomBytes(3).toString('hex')}`;
  return { email: `e2e-${label}-${tag}@example.com`, company: `E2E ${label} ${tag} Inc` };
}

export interface EnabledClient {
  client_id: string;
  api_key: string;
  key_prefix: string;
  tier: string;
  scopes: string[];
  rate_limit_rpm: number;
  created_at: string;
  email: string;
  company: string;
  /** The access request's id, when one was made first. */
  request_id?: string;
}

export interface EnableOptions {
  tier: 'starter' | 'growth' | 'business' | 'enterprise';
  scopes?: string[];
  rate_limit_rpm?: number;
  email?: string;
  company?: string;
  /**
   * Make the public access request first (default true). The request endpoint allows 10 calls a
   * minute from one address, so suites that make many clients skip it.
   */
  request?: boolean;
}

/** Request access (unless `request: false`), then enable with the admin token. Throws on any unexpected status. */
export async function enableClient(stack: Pick<TestStack, 'restUrl' | 'adminToken'>, options: EnableOptions): Promise<EnabledClient> {
  const identity = uniqueIdentity(options.tier);
  const email = options.email ?? identity.email;
  const company = options.company ?? identity.company;
  let requestId: string | undefined;
  if (options.request ?? true) {
    const req = await call(stack.restUrl, 'POST', '/api/access/request', {
      body: {
        full_name: 'E2E Tester',
        email,
        company,
        requested_tier: options.tier,
        use_case: 'End-to-end tests',
        expected_monthly_documents: 100,
      },
    });
    if (req.status !== 202) throw new Error(`access request answered ${req.status}: ${req.text}`);
    requestId = req.body.request_id;
  }
  const enableBody: Record<string, unknown> = { email, company, tier: options.tier };
  if (options.scopes !== undefined) enableBody.scopes = options.scopes;
  if (options.rate_limit_rpm !== undefined) enableBody.rate_limit_rpm = options.rate_limit_rpm;
  const res = await call(stack.restUrl, 'POST', '/api/access/enable', { adminToken: stack.adminToken, body: enableBody });
  if (res.status !== 201) throw new Error(`enable answered ${res.status}: ${res.text}`);
  return { ...res.body, email, company, ...(requestId ? { request_id: requestId } : {}) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds left in the current wall-clock minute (rate windows are aligned to it). */
export const msLeftInMinute = (now = Date.now()): number => 60_000 - (now % 60_000);

/**
 * Make sure at least `minMs` are left in the current rate window, waiting for the next minute
 * (plus a little) when fewer remain, so a test cannot straddle two windows.
 */
export async function ensureWindow(minMs: number): Promise<void> {
  const left = msLeftInMinute();
  if (left < minMs) await sleep(left + 250);
}

/** Call `fn` every `intervalMs` until `done(result)` or the timeout; returns the last result. */
export async function pollUntil<T>(fn: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

/** `pa_live_` followed by more characters than a 12-character key prefix shows: a whole key (or part of one). */
export const WHOLE_KEY = /pa_live_[A-Za-z0-9_-]{5,}/;

/**
 * The published page's "Scope by plan" table, copied by hand (never derived from the product's
 * own table, so a wrong product table is caught).
 */
const STARTER = ['status', 'documents', 'summary', 'search', 'export'];
const GROWTH = [...STARTER, 'upload', 'ask', 'templates', 'tagging'];
const BUSINESS = [...GROWTH, 'compare', 'metrics', 'summary_audio'];
export const PUBLISHED_TIER_SCOPES: Readonly<Record<'starter' | 'growth' | 'business' | 'enterprise', readonly string[]>> = {
  starter: STARTER,
  growth: GROWTH,
  business: BUSINESS,
  enterprise: BUSINESS,
};

/** API.md: default rate_limit_rpm by tier. */
export const PUBLISHED_TIER_RPM = { starter: 60, growth: 180, business: 600, enterprise: 1200 } as const;

export const sorted = (values: readonly string[]): string[] => [...values].sort();

/** The API.md error envelope, with `request_id` equal to the `X-Request-Id` header. */
export function envelopeProblems(res: ApiResponse, status: number, code: string): string[] {
  const problems: string[] = [];
  if (res.status !== status) problems.push(`status ${res.status} (expected ${status})`);
  const error = res.body?.error;
  if (!error || typeof error !== 'object') return [...problems, `no error envelope: ${res.text.slice(0, 300)}`];
  if (error.code !== code) problems.push(`error.code ${JSON.stringify(error.code)} (expected ${code})`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('error.message missing');
  const header = res.headers.get('x-request-id');
  if (!header) problems.push('no X-Request-Id header');
  if (error.request_id !== header) problems.push(`error.request_id ${JSON.stringify(error.request_id)} differs from X-Request-Id ${JSON.stringify(header)}`);
  if (Object.keys(res.body).length !== 1) problems.push(`extra top-level keys: ${Object.keys(res.body).join(',')}`);
  return problems;
}
