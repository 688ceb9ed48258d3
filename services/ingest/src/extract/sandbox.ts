import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { counter } from '@perceptiq/platform';
import { DEFAULT_EXTRACT_LIMITS, ExtractionError, type DetectedType, type ExtractedPage, type ExtractLimits } from './types.js';

/**
 * The document for the sandbox: its bytes, or a local file holding them, which the sandbox reads
 * itself. A file saves sending the bytes through the pipe (about 0.3 s for 36 MB here) and lets
 * this process drop its copy while the document is read.
 */
export type SandboxInput = { bytes: Uint8Array } | { file: string };
/** What the sandbox process is told: the document, then "next" each time a page has been taken. */
export type ToSandbox = { kind: 'start'; input: SandboxInput; type: DetectedType; limits: Omit<ExtractLimits, 'onPageCount'> } | { kind: 'next' };
/**
 * What it answers: the page count (when known), one page per request, then done or the reason the
 * document failed; `unreadable` when the input file could not be read, which is no fault of the
 * document's.
 */
export type FromSandbox =
  | { kind: 'pageCount'; pages: number }
  | { kind: 'page'; page: ExtractedPage }
  | { kind: 'done' }
  | { kind: 'error'; message: string }
  | { kind: 'unreadable'; code: string };

// Node cannot start a TypeScript file as a process, and jest runs these sources as TypeScript
// (swc): there, start the built copy of the entry (tests run after `tsc -b`).
const ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/extract/sandbox-child.js' : './sandbox-child.js', import.meta.url));

/** Node's last words when the heap cap is reached ("FATAL ERROR: … JavaScript heap out of memory"). */
const OUT_OF_MEMORY = /out of memory/i;
/** Enough of stderr's end to find those words across chunk boundaries. */
const STDERR_TAIL = 64;

const stops = () => counter('perceptiq_ingest_extraction_stops_total', 'Extraction sandboxes stopped by a limit or a crash, by reason', ['reason']);

/** One sandbox process: what it sent, in order, then how it ended as the document's reason. */
class Sandbox {
  private readonly child: ChildProcess;
  private readonly inbox: FromSandbox[] = [];
  private ended: Error | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;
  private stderr = '';
  private outOfMemory = false;
  /** Settles once the process is gone (or never started). */
  private readonly gone: Promise<void>;

  constructor(private readonly maxMemoryMb: number) {
    this.child = fork(ENTRY, [], {
      execArgv: [`--max-old-space-size=${maxMemoryMb}`],
      env: {}, // nothing of ours (secrets above all) reaches the process that parses untrusted files
      serialization: 'advanced', // Buffers (page images) cross as bytes, not JSON
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      const text = this.stderr + s;
      this.outOfMemory ||= OUT_OF_MEMORY.test(text);
      this.stderr = text.slice(-STDERR_TAIL);
    });
    this.child.on('message', (message: FromSandbox) => {
      this.inbox.push(message);
      this.wake?.();
    });
    this.child.on('error', (err) => this.end(err)); // could not start: not the document's fault, so the job is retried
    this.gone = new Promise((resolve) => {
      this.child.once('error', () => resolve());
      this.child.once('close', (code, signal) => {
        if (!this.stopped) this.end(this.crash(code, signal));
        resolve();
      });
    });
  }

  send(message: ToSandbox): void {
    // A send to a process that has just died fails; its 'close' says why, so the failure is ignored here.
    this.child.send(message, () => undefined);
  }

  /** The next message, waiting until `deadline` at most. */
  async receive(deadline: number, tooSlow: () => ExtractionError): Promise<FromSandbox> {
    const timer = setTimeout(() => {
      stops().inc({ reason: 'timeout' });
      this.end(tooSlow());
      void this.stop();
    }, deadline - Date.now());
    try {
      while (!this.inbox.length && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    } finally {
      clearTimeout(timer);
      this.wake = undefined;
    }
    const message = this.inbox.shift();
    if (!message) throw this.ended!;
    return message;
  }

  /** Kill the process (nothing in there needs cleaning up) and wait until it is gone. */
  stop(): Promise<void> {
    this.stopped = true;
    this.child.kill('SIGKILL'); // a no-op once it has exited
    return this.gone;
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.wake?.();
  }

  private crash(code: number | null, signal: NodeJS.Signals | null): ExtractionError {
    if (this.outOfMemory) {
      stops().inc({ reason: 'memory' });
      return new ExtractionError(`Reading the document needed more than ${this.maxMemoryMb} MB of memory; it was stopped.`);
    }
    stops().inc({ reason: 'crash' });
    return new ExtractionError(`Reading the document crashed the reader (${signal ?? `exit code ${code}`}); it was stopped.`);
  }
}

/**
 * `extractDocument` in a sandbox: a process of its own per document, with a heap cap
 * (`maxMemoryMb`) and a time limit per page (`timeoutMs`), so a parser's work never blocks this
 * event loop and a bomb or a crash costs only that process. Every format goes there: images too,
 * since BMPs are decoded in JavaScript (a 50 MB one blocks for 1–2.5 s) and libvips' decoders
 * are native code fed untrusted bytes.
 * The document comes as bytes or as a local file the sandbox reads (SandboxInput).
 * Running out of memory or time, or a crash, fails the document with a readable ExtractionError:
 * reading the same bytes again would end the same way. Pages come one at a time, each read
 * when the previous one has been taken (the job's caller keeps its queue lease meanwhile).
 *
 * A process rather than a worker thread: a native crash (pdfjs' canvas: STACK.md, trap 9) in a
 * worker takes the whole service down, in a process only its document; a process's heap cap is
 * V8's own, and an overrun process can be killed outright.
 */
export async function* extractInSandbox(input: SandboxInput, type: DetectedType, limits: ExtractLimits): AsyncGenerator<ExtractedPage> {
  const { onPageCount, maxMemoryMb = DEFAULT_EXTRACT_LIMITS.maxMemoryMb, timeoutMs = DEFAULT_EXTRACT_LIMITS.timeoutMs, ...readLimits } = limits;
  const sandbox = new Sandbox(maxMemoryMb);
  try {
    sandbox.send({ kind: 'start', input, type, limits: readLimits });
    for (let page = 1, deadline = Date.now() + timeoutMs; ; ) {
      const tooSlow = () => new ExtractionError(`Reading ${page === 1 ? 'the document' : `page ${page}`} took longer than ${timeoutMs / 1000} s; it was stopped.`);
      const message = await sandbox.receive(deadline, tooSlow);
      if (message.kind === 'done') return;
      if (message.kind === 'error') throw new ExtractionError(message.message);
      // Not the document's fault (a disk error, or the file removed meanwhile): a plain error, so the job is retried.
      if (message.kind === 'unreadable') throw new Error(`The sandbox could not read the document's file (${message.code}).`);
      if (message.kind === 'pageCount') onPageCount?.(message.pages);
      else {
        yield message.page;
        page++;
        deadline = Date.now() + timeoutMs;
        sandbox.send({ kind: 'next' });
      }
    }
  } finally {
    await sandbox.stop();
  }
}
