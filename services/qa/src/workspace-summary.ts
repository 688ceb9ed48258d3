import type { DocumentFacts } from '@perceptiq/contracts';
import type { DocumentSummary } from './summary/index.js';

export interface WorkspaceSummary {
  scope: 'workspace';
  totalDocuments: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  summary: string;
  documents: Array<{ docId: string; filename: string; status: string; docType: string | null; summary: string }>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line of a document's own summary: its title and lead, cut short. */
const LINE_CHARS = 160;
function line(d: DocumentFacts, own: DocumentSummary | undefined): string {
  if (!own?.summary) return `${d.filename}: ${plural(d.page_count, 'page')}, ${d.status}.`;
  const lead = own.summary.length > LINE_CHARS ? `${own.summary.slice(0, own.summary.lastIndexOf(' ', LINE_CHARS))}…` : own.summary;
  return `${own.title} (${plural(d.page_count, 'page')}): ${lead}`;
}

/**
 * The active set at a glance, with each document's own summary (`summaries`, by document id) where
 * QA has made one; an empty workspace is a normal answer, not an error.
 */
export function summarizeWorkspace(docs: DocumentFacts[], summaries: ReadonlyMap<string, DocumentSummary> = new Map()): WorkspaceSummary {
  const byStatus: Record<string, number> = {};
  const byType: Record<string, number> = {};
  for (const d of docs) {
    byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
    const type = d.doc_type ?? 'unclassified';
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const summary =
    docs.length === 0
      ? 'No documents yet. Upload files with POST /v1/upload, then ask questions with POST /v1/ask.'
      : `${plural(docs.length, 'document')}: ${Object.entries(byStatus)
          .map(([status, n]) => `${n} ${status}`)
          .join(', ')}.`;
  return {
    scope: 'workspace',
    totalDocuments: docs.length,
    byStatus,
    byType,
    summary,
    documents: docs.map((d) => ({
      docId: d.doc_id,
      filename: d.filename,
      status: d.status,
      docType: d.doc_type,
      summary: line(d, summaries.get(d.doc_id)),
    })),
  };
}
