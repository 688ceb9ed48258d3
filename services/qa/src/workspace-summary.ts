import type { DocumentFacts } from '@perceptiq/contracts';
import type { DocumentSummary } from './summary/index.js';

export interface WorkspaceSummary {
  scope: 'workspace';
  totalDocuments: number;
  byStatus: Record<string, number>;
  summary: string;
}

export interface DocumentLine {
  docId: string;
  filename: string;
  status: string;
  docType: string | null;
  summary: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const LINE_CHARS = 160;

/** The active set at a glance; an empty workspace is a normal answer, not an error. */
export function summarizeWorkspace(docs: DocumentFacts[]): WorkspaceSummary {
  const byStatus: Record<string, number> = {};
  for (const d of docs) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
  const summary =
    docs.length === 0
      ? 'No documents yet. Upload files with POST /v1/upload, then ask questions with POST /v1/ask.'
      : `${plural(docs.length, 'document')}: ${Object.entries(byStatus)
          .map(([status, n]) => `${n} ${status}`)
          .join(', ')}.`;
  return { scope: 'workspace', totalDocuments: docs.length, byStatus, summary };
}

/** Documents by type (`types`: by document id, as the templates service decided them). */
export function countByType(docs: DocumentFacts[], types: Readonly<Record<string, string>>): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const d of docs) {
    const type = types[d.doc_id] ?? 'unclassified';
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return byType;
}

/** A line per document: its title and lead where QA has summarized it (`summaries`, by document id), else its file name and status. */
export function documentLines(docs: DocumentFacts[], summaries: ReadonlyMap<string, DocumentSummary>, types: Readonly<Record<string, string>> = {}): DocumentLine[] {
  return docs.map((d) => {
    const own = summaries.get(d.doc_id);
    let summary = `${d.filename}: ${plural(d.page_count, 'page')}, ${d.status}.`;
    if (own?.summary) {
      const lead = own.summary.length > LINE_CHARS ? `${own.summary.slice(0, own.summary.lastIndexOf(' ', LINE_CHARS))}…` : own.summary;
      summary = `${own.title} (${plural(d.page_count, 'page')}): ${lead}`;
    }
    return { docId: d.doc_id, filename: d.filename, status: d.status, docType: types[d.doc_id] ?? null, summary };
  });
}
