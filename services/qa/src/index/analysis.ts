import { chunkDocument, type Chunk, type SourceDocument } from '../retrieval/index.js';
import { summarizeDocument, type DocumentSummary } from '../summary/index.js';

/** What QA derives from a document when it indexes it. */
export interface Analysis {
  chunks: Chunk[];
  summary: DocumentSummary;
}

export const analyzeDocument = (source: SourceDocument): Analysis => ({ chunks: chunkDocument(source), summary: summarizeDocument(source) });
