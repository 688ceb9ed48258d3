import { Worker } from 'node:worker_threads';
import type { SourceDocument } from '../retrieval/index.js';
import { createSerialWorker, type SerialWorker } from '../worker/serial-worker.js';
import type { Analysis } from './analysis.js';

// A worker runs JavaScript: under jest (sources in .ts) it is the built one, as ingest's extraction sandbox.
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../../dist/index/analysis-worker.js' : './analysis-worker.js', import.meta.url);
/** Summarizing a 300-page document takes a few hundred milliseconds: a minute means it is stuck. */
const TIMEOUT_MS = 60_000;
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 };

/**
 * Chunking and summarizing a document on a worker thread: a contract's summary (compromise's
 * entity tagging, LexRank) takes 80–270 ms of CPU, which on the event loop would stall every
 * other call of the process (all of them, embedded).
 */
export function createAnalyzer(timeoutMs = TIMEOUT_MS): SerialWorker<SourceDocument, Analysis> {
  return createSerialWorker<SourceDocument, Analysis>({
    task: 'document analysis',
    closedMessage: 'the QA service is stopping',
    start: () => new Worker(ENTRY, { resourceLimits: RESOURCE_LIMITS }),
    decode: (message) => {
      const reply = message as { analysis: Analysis } | { error: string };
      return 'analysis' in reply ? reply.analysis : new Error(`document analysis failed: ${reply.error}`);
    },
    timeoutMs,
  });
}
