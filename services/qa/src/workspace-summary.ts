import type { DocumentFacts } from '@perceptiq/contracts';

export interface WorkspaceSummary {
  scope: 'workspace';
  totalDocuments: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  summary: string;
  documents: Array<{ docId: string; filename: string; status: string; docType: string | null; summary: string }>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The active set at a glance; an empty workspace is a normal answer, not an error. */
export function summarizeWorkspace(docs: DocumentFacts[]): WorkspaceSummary {
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
      summary: `${d.filename}: ${plural(d.page_count, 'page')}, ${d.status}.`,
    })),
  };
}
