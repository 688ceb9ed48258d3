import { readdirSync, readFileSync } from 'node:fs';
import { CpuMeter, procStat, type ProcStat } from './cpu.js';
import { createClient, sleep } from './edge-fixtures.js';
import { startEdgeServer } from './server-process.js';

/**
 * A scanned PDF through the path a document takes: an embedded server (`edge-server.js`) started
 * for it in a child process over a fresh temp data dir, a client created through the access API,
 * the PDF sent with `POST /v1/upload` (multipart `files`), then `GET /v1/status?docId=` every
 * 200 ms until the document is `ready` (or `failed`: the run fails with the document's error).
 *
 * Memory is the server's process tree, sampled from /proc every 200 ms: tesseract.js runs worker
 * threads inside the server process, and the ingest service reads each document in a sandbox
 * child it forks. Also used for native tesseract's processes (the tree below the bench process).
 */

export interface ServiceScan {
  pages: number;
  pdfBytes: number;
  /** Upload sent → `ready`. */
  wallMs: number;
  /** Upload sent → the first poll that shows a page done (`pages_done` > 0). */
  firstPageMs: number;
  /** Largest sum of VmRSS over the server and all its descendants, sampled. */
  peakTreeRssKb: number;
  /** The server process's own VmHWM (its peak RSS since it started), read once the document was ready. */
  serverHwmKb: number;
  samples: number;
  /** CPU of the server's process tree over the timed run, in cores. */
  treeCores: number;
  /** CPU of everything else on the machine (neither the bench process nor the server's tree) over the timed run, in cores. */
  otherCores: number | undefined;
  /** Upload → `ready` of the warm-up document (the OCR engine starts with it). */
  warmUpMs: number | undefined;
}

export interface ScanOptions {
  pdf: Uint8Array;
  /** Pages in the PDF: the run fails unless the service reports as many. */
  pages: number;
  label: string;
  /** Settings for the server beside its defaults (the edge server takes `OCR_WORKERS` and `OCR_DPI`). */
  env: Record<string, string>;
  /**
   * A small document uploaded by the same client and waited for (`ready`) before the timed upload:
   * the service starts its OCR engine with the first page that needs it, once per process, and a
   * running deployment has done that long before.
   */
  warmUp?: { bytes: Uint8Array; filename: string; type: string };
  /** Runs just before the timed upload, e.g. to wait for other processes to leave the cores alone. */
  beforeUpload?: () => Promise<void>;
  log: (message: string) => void;
}

export const POLL_MS = 200;
export const SAMPLE_MS = 200;
/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLK_TCK = 100;

// ── /proc ──

/** Every process: its parent and CPU time. */
function readProcs(): Map<number, ProcStat> {
  const procs = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      procs.set(Number(entry), procStat(entry));
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

/** `root`'s descendants (not `root` itself). */
function descendants(root: number, procs: Map<number, ProcStat>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of procs) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

/**
 * Samples a process tree from /proc every SAMPLE_MS while it runs: the largest sum of VmRSS over
 * its processes (shared pages, e.g. of the node binary, count once per process), and their CPU
 * time (a process's last interval before it exits is missed).
 */
export class TreeSampler {
  peakRssKb = 0;
  samples = 0;
  /** CPU ticks of each process seen: when first seen (0 for one started after the sampler), and last. */
  private readonly ticks = new Map<number, { first: number; last: number }>();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly root: number,
    private readonly includeRoot: boolean,
  ) {
    const procs = readProcs();
    for (const pid of this.tree(procs)) {
      const t = procs.get(pid)?.ticks ?? 0;
      this.ticks.set(pid, { first: t, last: t });
    }
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private tree(procs: Map<number, ProcStat>): number[] {
    return [...(this.includeRoot ? [this.root] : []), ...descendants(this.root, procs)];
  }

  sample(): void {
    const procs = readProcs();
    let rss = 0;
    for (const pid of this.tree(procs)) {
      rss += statusKb(pid, 'VmRSS');
      const t = procs.get(pid)?.ticks ?? 0;
      const seen = this.ticks.get(pid);
      if (seen) seen.last = Math.max(seen.last, t);
      else this.ticks.set(pid, { first: 0, last: t });
    }
    this.peakRssKb = Math.max(this.peakRssKb, rss);
    this.samples++;
  }

  /** CPU seconds of the tree since the sampler started. */
  cpuSeconds(): number {
    let ticks = 0;
    for (const { first, last } of this.ticks.values()) ticks += last - first;
    return ticks / CLK_TCK;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.sample();
  }
}

// ── Through the service ──

interface StatusAnswer {
  documents: Array<{ doc_id: string; status: string; pages_done: number | null; pages_total: number | null; error: string | null }>;
}


export async function scanThroughService(options: ScanOptions): Promise<ServiceScan> {
  const { pdf, label, log } = options;
  const server = await startEdgeServer({ label: `scan ${label}`, env: options.env });
  let stopped = false;
  try {
    const { restUrl, gatewayUrl, serviceUrls, adminToken, pid, dataDir } = server.info;
    const contextSecret = readFileSync(`${dataDir}/context-secret`, 'utf8').trim();
    const client = await createClient({ pids: [pid], restUrl, gatewayUrl, serviceUrls, adminToken, contextSecret }, `bench-scan-${Date.now()}@example.com`);
    const authorization = `Bearer ${client.apiKey}`;
    /** A request to the server; if it no longer answers, stop it and say how it ended (e.g. killed for memory). */
    const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
      try {
        return await fetch(`${restUrl}${path}`, { ...init, headers: { authorization } });
      } catch (err) {
        stopped = true;
        const exit = await server.stop();
        throw new Error(`${label}: the server stopped answering (${(err as Error).message}); it ended with ${exit.signal ?? `exit code ${exit.code}`}`);
      }
    };
    const upload = async (bytes: Uint8Array, filename: string, type: string): Promise<string> => {
      const form = new FormData();
      form.append('files', new Blob([bytes], { type }), filename);
      const res = await request('/v1/upload', { method: 'POST', body: form });
      const text = await res.text();
      const doc = res.status === 202 ? (JSON.parse(text) as { documents: Array<{ doc_id: string | null; status: string }> }).documents[0] : undefined;
      if (!doc?.doc_id || doc.status !== 'queued') throw new Error(`${label}: POST /v1/upload of ${filename} answered ${res.status}: ${text.slice(0, 500)}`);
      return doc.doc_id;
    };
    /** Polls until `ready`; `onPoll` sees every answer. Fails on `failed`, or after `timeoutMs`. */
    const untilReady = async (docId: string, started: number, timeoutMs: number, onPoll: (doc: StatusAnswer['documents'][0], elapsed: number) => void) => {
      for (;;) {
        const res = await request(`/v1/status?docId=${encodeURIComponent(docId)}`);
        if (res.status !== 200) throw new Error(`${label}: GET /v1/status answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        const doc = ((await res.json()) as StatusAnswer).documents.find((d) => d.doc_id === docId);
        if (!doc) throw new Error(`${label}: GET /v1/status lists no document ${docId}`);
        const elapsed = performance.now() - started;
        onPoll(doc, elapsed);
        if (doc.status === 'failed') throw new Error(`${label}: the document failed after ${(elapsed / 1000).toFixed(1)} s (${doc.pages_done ?? 0}/${doc.pages_total ?? '?'} pages done): ${doc.error}`);
        if (doc.status === 'ready') return elapsed;
        if (elapsed > timeoutMs) throw new Error(`${label}: the document was still ${doc.status} (${doc.pages_done ?? 0}/${doc.pages_total ?? '?'} pages) after ${(timeoutMs / 60_000).toFixed(0)} min`);
        await sleep(POLL_MS);
      }
    };

    let warmUpMs: number | undefined;
    if (options.warmUp) {
      const { bytes, filename, type } = options.warmUp;
      const started = performance.now();
      warmUpMs = await untilReady(await upload(bytes, filename, type), started, 300_000, () => {});
      await untilIdle(pid);
    }
    await options.beforeUpload?.();

    const tree = new TreeSampler(pid, true);
    const meter = new CpuMeter(undefined);
    let firstPageMs = 0;
    let logged = 0;
    let last: StatusAnswer['documents'][0] | undefined;
    try {
      const started = performance.now();
      const docId = await upload(pdf, `${label}.pdf`, 'application/pdf');
      // The service's own budget is 20 s of OCR per page (OCR_PAGE_BUDGET_MS); this only stops a run that hangs.
      const wallMs = await untilReady(docId, started, 300_000 + 30_000 * options.pages, (doc, elapsed) => {
        last = doc;
        if (!firstPageMs && (doc.pages_done ?? 0) > 0) firstPageMs = elapsed;
        if (elapsed - logged >= 30_000) {
          logged = elapsed;
          log(`   ${label}: ${doc.pages_done ?? 0}/${doc.pages_total ?? '?'} pages after ${(elapsed / 1000).toFixed(0)} s, peak RSS of the server's tree so far ${((tree.peakRssKb * 1024) / 1e6).toFixed(0)} MB`);
        }
      });
      tree.stop();
      const use = meter.stop();
      const pages = last?.pages_total ?? 0;
      if (pages !== options.pages) throw new Error(`${label}: the service read ${pages} pages of the ${options.pages}-page PDF`);
      const treeCores = tree.cpuSeconds() / (wallMs / 1000);
      return {
        pages,
        pdfBytes: pdf.length,
        wallMs,
        firstPageMs,
        peakTreeRssKb: tree.peakRssKb,
        serverHwmKb: statusKb(pid, 'VmHWM'),
        samples: tree.samples,
        treeCores,
        otherCores: use ? Math.max(0, use.other - treeCores) : undefined,
        warmUpMs,
      };
    } finally {
      tree.stop();
    }
  } finally {
    if (!stopped) await server.stop();
  }
}

/**
 * Until the server's tree uses under a tenth of a core (at most 15 s): what follows `ready` (tagging,
 * extraction, analytics) must not run into the timed window.
 */
async function untilIdle(pid: number): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const tree = new TreeSampler(pid, true);
    await sleep(500);
    tree.stop();
    if (tree.cpuSeconds() / 0.5 < 0.1) return;
  }
}
