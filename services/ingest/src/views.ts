import type { DocumentPage } from '@perceptiq/contracts';
import type { z } from 'zod';
import type { DocumentRecord } from './documents.js';
import type { PageRecord } from './pages.js';

type DocumentPageFacts = z.input<typeof DocumentPage>;

/** GraphQL shapes of stored records (the REST adapter turns them into the snake_case contract). */
export const documentView = (d: DocumentRecord) => ({
  id: d._id,
  docId: d._id,
  filename: d.filename,
  mimeType: d.mime_type,
  sizeBytes: d.size_bytes,
  pageCount: d.page_count,
  sha256: d.sha256,
  status: d.status,
  ocrConfidence: d.ocr_confidence,
  createdAt: d.created_at,
  archived: d.archived,
  batchId: d.batch_id,
  error: d.error,
});


/** A page as the bus contract carries it to other services (GetDocumentPages); words only when asked. */
export const pageFacts = (p: PageRecord, words: boolean): DocumentPageFacts => ({
  page: p.page,
  text: p.text,
  source: p.source,
  confidence: p.confidence,
  width: p.width,
  height: p.height,
  ...(words ? { words: p.words } : {}),
});

export const pageView = (p: PageRecord) => ({
  ...pageFacts(p, false),
  lowQuality: p.low_quality,
  words: p.words ?? null,
});

/** Share of the work done: pages when the page count is known, else a rough position by stage. */
export function progressOf(d: DocumentRecord): number {
  if (d.status === 'ready') return 1;
  if (d.pages_total) return Math.min(0.99, d.pages_done / d.pages_total);
  const byStage: Record<string, number> = { queued: 0, extracting: 0.05, ocr: 0.1, indexing: 0.95, failed: 0 };
  return byStage[d.stage] ?? 0;
}

export const progressView = (d: DocumentRecord) => ({
  docId: d._id,
  filename: d.filename,
  status: d.status,
  stage: d.stage,
  progress: Math.round(progressOf(d) * 1000) / 1000,
  pagesDone: d.pages_done,
  pagesTotal: d.pages_total,
  error: d.error,
});
