import { ContextSigner, type Principal } from '@perceptiq/platform';
import { CpuMeter } from './cpu.js';

/** What the edge suite needs of a stack under test, embedded or distributed. */
export interface EdgeStack {
  /** Every process of the stack: their CPU, summed, is the server's. */
  pids: number[];
  restUrl: string;
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  adminToken: string;
  contextSecret: string;
}

export interface Client {
  apiKey: string;
  clientId: string;
  /** Signed client contexts for this stack (for the gateway, and for the access subgraph), valid for an hour. */
  context: Record<string, string>;
  accessContext: Record<string, string>;
}

/** A client whose workspace holds `docIds`, every one processed (`ready`). */
export interface Library extends Client {
  docIds: string[];
}

const UPLOAD_BATCH = 20; // the most files one `POST /v1/upload` takes
const READY_TIMEOUT_MS = 180_000;

/** Request access, enable it with the highest rate limit, and sign contexts for gateway and direct subgraph calls. */
export async function createClient(stack: EdgeStack, email: string): Promise<Client> {
  const { restUrl, adminToken, contextSecret } = stack;
  const person = { email, company: 'Perceptiq Bench' };
  await call('POST', `${restUrl}/api/access/request`, 202, {
    body: { full_name: 'Bench Runner', ...person, requested_tier: 'enterprise', use_case: 'Benchmarking the edge.', expected_monthly_documents: 1000 },
  });
  const enabled = (await call('POST', `${restUrl}/api/access/enable`, 201, {
    headers: { 'x-admin-token': adminToken },
    body: { ...person, tier: 'enterprise', rate_limit_rpm: 1_000_000 },
  })) as { api_key: string };
  const me = (await call('GET', `${restUrl}/v1/me`, 200, { headers: { authorization: `Bearer ${enabled.api_key}` } })) as { client_id: string };
  const principal = { type: 'client', client: me } as Principal;
  // The stacks accept hour-long contexts because SERVER_ENV sets CONTEXT_TTL_SECONDS for the bench.
  const signer = new ContextSigner(contextSecret, 3600_000, 'rest-adapter');
  const caller = { principal, request_id: 'bench', ip: '127.0.0.1' };
  return { apiKey: enabled.api_key, clientId: me.client_id, context: { ...signer.sign(caller, 'gateway') }, accessContext: { ...signer.sign(caller, 'access') } };
}

/**
 * A new client with `count` small distinct .txt documents, uploaded through `POST /v1/upload` and
 * waited for until `GET /v1/status` reports every one `ready`; then until the stack is idle again.
 */
export async function createLibrary(stack: EdgeStack, count: number, log: (message: string) => void): Promise<Library> {
  const client = await createClient(stack, 'bench-library@example.com');
  const authorization = `Bearer ${client.apiKey}`;
  const started = Date.now();
  const docIds: string[] = [];
  for (let first = 0; first < count; first += UPLOAD_BATCH) {
    const form = new FormData();
    for (let i = first; i < Math.min(count, first + UPLOAD_BATCH); i++) {
      const text = `Bench document ${i + 1}\n\nInvoice INV-${10_000 + i} from Perceptiq Bench Ltd.\nAmount due: ${(i + 1) * 17} EUR, within 30 days.\n`;
      form.append('files', new Blob([text], { type: 'text/plain' }), `bench-${String(i + 1).padStart(3, '0')}.txt`);
    }
    const res = await fetch(`${stack.restUrl}/v1/upload`, { method: 'POST', headers: { authorization }, body: form });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`POST /v1/upload: expected HTTP 202, got ${res.status}: ${text.slice(0, 500)}`);
    const answer = JSON.parse(text) as { documents: Array<{ doc_id: string | null; status: string; filename: string }> };
    const notQueued = answer.documents.find((d) => d.status !== 'queued' || !d.doc_id);
    if (notQueued) throw new Error(`POST /v1/upload: ${notQueued.filename} was ${notQueued.status}, not queued: ${text.slice(0, 500)}`);
    docIds.push(...answer.documents.map((d) => d.doc_id!));
  }
  const pending = new Set(docIds);
  while (pending.size) {
    if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`${pending.size} of ${count} uploaded documents were not ready within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(250);
    const status = (await call('GET', `${stack.restUrl}/v1/status?limit=1000`, 200, { headers: { authorization } })) as {
      documents: Array<{ doc_id: string; status: string; error: string | null }>;
    };
    for (const d of status.documents) {
      if (!pending.has(d.doc_id)) continue;
      if (d.status === 'failed') throw new Error(`uploaded document ${d.doc_id} failed: ${d.error}`);
      if (d.status === 'ready') pending.delete(d.doc_id);
    }
  }
  log(`${count} documents uploaded and ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await waitIdle(stack.pids);
  return { ...client, docIds };
}

/**
 * Until the stack's processes use under a tenth of a core (at most 15 s): work the pipeline does
 * after `ready` (indexing, analytics) must not run into the first measured window.
 */
async function waitIdle(pids: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const meter = new CpuMeter(pids);
    await sleep(500);
    const use = meter.stop();
    if (!use || use.server < 0.1) return;
  }
}

export async function call(method: string, url: string, status: number, init: { headers?: Record<string, string>; body?: unknown }): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${url}: expected HTTP ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
