import type { Comparison, DashboardMetrics, Tagging } from '@perceptiq/contracts';

/** Answers in the SDL's shape (camelCase): the REST adapter turns them back into the contract's. */

export const taggingView = (t: Tagging) => ({ docType: t.doc_type, language: t.language, tags: t.tags, entities: t.entities, pii: t.pii });

export const comparisonView = (c: Comparison) => ({
  similarity: c.similarity,
  summary: c.summary,
  changes: c.changes.map((ch) => ({ kind: ch.kind, section: ch.section, baseText: ch.base_text ?? null, compareText: ch.compare_text ?? null, diff: ch.diff })),
  changedTerms: c.changed_terms,
});

export const metricsView = (m: DashboardMetrics) => ({
  period: m.period,
  documents: { total: m.documents.total, byStatus: m.documents.by_status, byType: m.documents.by_type },
  pages: m.pages,
  processingMs: m.processing_ms,
  ocrConfidence: m.ocr_confidence,
  questions: m.questions,
  api: { calls: m.api.calls, byScope: m.api.by_scope, byStatus: m.api.by_status, rateLimited: m.api.rate_limited },
  series: m.series,
});
