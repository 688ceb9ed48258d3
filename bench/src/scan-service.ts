import { readdirSync, readFileSync } from 'node:fs';
import { createClient } from './edge-fixtures.js';
import { startEdgeServer } from './server-process.js';

/**
 * A scanned PDF through the path a document takes: an embedded server in a child process with the
 * default settings (OCR workers = cores), a client created through the access API, `POST
 * /v1/upload`, then `GET /v1/status?docId=` every 100 ms until `ready`. Memory is the server's
 * process tree (tesseract.js threads live in the server; each document is parsed in a sandbox
 * child), sampled from /proc every 200 ms.
 */
export interface ServiceScan {
  pages: number;
  pdfBytes: number;
  /** Upload sent → `ready`. */
  wallMs: number;
  /** Upload sent → first page stored. */
  firstPageMs: number;
  /** Largest sum of VmRSS over the server and its descendants. */
  peakTreeRssKb: number;
  /** The server process's own VmHWM once the document was ready. */
  serverHwmKb: number;
  samples: number;
}

const POLL_MS = 100;
const SAMPLE_MS = 200;
const TIMEOUT_MS = 60 * 60_000;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

/** `root` and every process below it. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** `env`: settings for the server beside its defaults (the edge server takes `OCR_DPI`). */
export async function scanThroughService(pdf: Uint8Array, label: string, log: (m: string) => void, env: Record<string, string> = {}): Promise<ServiceScan> {
  const server = await startEdgeServer({ label: `scan ${label}`, env });
  try {
    const { restUrl, gatewayUrl, serviceUrls, adminToken, pid, dataDir } = server.info;
    const contextSecret = readFileSync(`${dataDir}/context-secret`, 'utf8').trim();
    const client = await createClient({ pids: [pid], restUrl, gatewayUrl, serviceUrls, adminToken, contextSecret }, `bench-scan-${Date.now()}@example.com`);
    const authorization = `Bearer ${client.apiKey}`;
    let peakTreeRssKb = 0;
    let samples = 0;
    const sample = () => {
      const rss = processTree(pid).reduce((sum, p) => sum + statusField(p, 'VmRSS'), 0);
      peakTreeRssKb = Math.max(peakTreeRssKb, rss);
      samples++;
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    try {
      const form = new FormData();
      form.append('files', new Blob([pdf], { type: 'application/pdf' }), `${label}.pdf`);
      const started = performance.now();
      const res = await fetch(`${restUrl}/v1/upload`, { method: 'POST', headers: { authorization }, body: form });
      const answer = (await res.json()) as { documents?: Array<{ doc_id: string | null; status: string }> };
      const docId = answer.documents?.[0]?.doc_id;
      if (res.status !== 202 || !docId) throw new Error(`POST /v1/upload answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      let firstPageMs = 0;
      let logged = 0;
      for (;;) {
        const status = (await (await fetch(`${restUrl}/v1/status?docId=${docId}`, { headers: { authorization } })).json()) as {
          documents: Array<{ status: string; pages_done: number | null; pages_total: number | null; error: string | null }>;
        };
        const doc = status.documents[0];
        if (!doc) throw new Error(`GET /v1/status lists no ${docId}`);
        const elapsed = performance.now() - started;
        if (!firstPageMs && (doc.pages_done ?? 0) > 0) firstPageMs = elapsed;
        if (doc.status === 'failed') throw new Error(`the scanned PDF failed: ${doc.error}`);
        if (doc.status === 'ready') {
          sample();
          return { pages: doc.pages_total ?? 0, pdfBytes: pdf.length, wallMs: elapsed, firstPageMs, peakTreeRssKb, serverHwmKb: statusField(pid, 'VmHWM'), samples };
        }
        if (elapsed > TIMEOUT_MS) throw new Error(`the scanned PDF was still ${doc.status} after ${TIMEOUT_MS / 60_000} min`);
        if (elapsed - logged > 30_000) {
          logged = elapsed;
          log(`   ${label}: ${doc.pages_done ?? 0}/${doc.pages_total ?? '?'} pages after ${(elapsed / 1000).toFixed(0)} s, tree RSS peak ${(peakTreeRssKb / 1024).toFixed(0)} MB`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await server.stop();
  }
}
