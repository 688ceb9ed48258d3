import { parentPort } from 'node:worker_threads';
import type { SourceDocument } from '../retrieval/index.js';
import { analyzeDocument } from './analysis.js';

/** The document-analysis worker thread (analyzer.ts): a document in, its chunks and summary out. */
parentPort!.on('message', (source: SourceDocument) => {
  try {
    parentPort!.postMessage({ analysis: analyzeDocument(source) });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
