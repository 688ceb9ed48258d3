import { CompareBody, Comparison, DashboardMetrics, ExportQuery, MetricsQuery, TagBody, Tagging } from '@perceptiq/contracts';
import { snakeKeys } from '@perceptiq/platform';
import type { RouteDef } from '../route.js';
import { gql } from './actions.js';

const TAGGING_FIELDS = 'docType language tags { tag category confidence } entities { type text start end } pii { type start end }';
const COMPARISON_FIELDS = 'similarity summary changes { kind section baseText compareText diff { op text } } changedTerms { term base compare }';
const METRICS_FIELDS =
  'period documents { total byStatus byType } pages { total } processingMs { p50 p95 } ocrConfidence { mean } questions { total } api { calls byScope byStatus rateLimited } series { date calls documents pages questions }';

interface WireChange {
  kind: string;
  section: string | null;
  baseText: string | null;
  compareText: string | null;
  diff: Array<{ op: string; text: string }>;
}

/** API.md: a change's `base_text` / `compare_text` are absent on the side that lacks the section. */
const comparisonOut = (data: Record<string, unknown>) => {
  const c = data.compareDocs as { similarity: number; summary: string; changes: WireChange[]; changedTerms: unknown[] };
  return {
    similarity: c.similarity,
    summary: c.summary,
    changes: c.changes.map(({ kind, section, baseText, compareText, diff }) => ({
      kind,
      section,
      ...(baseText !== null ? { base_text: baseText } : {}),
      ...(compareText !== null ? { compare_text: compareText } : {}),
      diff,
    })),
    changed_terms: c.changedTerms,
  };
};

/** Counts by name (scope, status, type) stay as they are: only the contract's own keys are turned snake_case. */
const metricsOut = (data: Record<string, unknown>) => {
  const m = data.dashboardMetrics as Record<string, Record<string, unknown>> & { period: string; series: unknown[] };
  return {
    ...(snakeKeys({ period: m.period, pages: m.pages, processingMs: m.processingMs, ocrConfidence: m.ocrConfidence, questions: m.questions, series: m.series }) as object),
    documents: { total: m.documents.total, by_status: m.documents.byStatus, by_type: m.documents.byType },
    api: { calls: m.api.calls, by_scope: m.api.byScope, by_status: m.api.byStatus, rate_limited: m.api.rateLimited },
  };
};

/** Analytics: exports, tagging, comparison, usage metrics. */
export const ANALYTICS_ROUTES: RouteDef[] = [
  {
    operationId: 'exportData',
    method: 'get',
    path: '/v1/export',
    auth: 'key',
    scope: 'export',
    summary: 'Export documents, extractions, questions or tags, as a download',
    tags: ['analytics'],
    query: ExportQuery,
    status: 200,
    download: ['application/json', 'application/x-ndjson', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    action: { kind: 'stream', service: 'analytics', path: '/export' },
  },
  {
    operationId: 'autoTagText',
    method: 'post',
    path: '/v1/tagging',
    auth: 'key',
    scope: 'tagging',
    summary: 'Document type, language, tags, entities and PII of a text or a document',
    tags: ['analytics'],
    body: TagBody,
    example: { body: { text: 'Invoice INV-123 from Company Inc, due 2026-01-31: 1,250.00 EUR. Contact billing@company.com.' } },
    errors: ['not_found', 'conflict'],
    status: 200,
    response: Tagging,
    // The body travels as it is, checked again by the same contract schema in the analytics subgraph.
    action: gql(`query AutoTagText($payload: JSON!) { autoTagText(payload: $payload) { ${TAGGING_FIELDS} } }`, ({ body }) => ({ payload: body })),
  },
  {
    operationId: 'compareDocs',
    method: 'post',
    path: '/v1/compare',
    auth: 'key',
    scope: 'compare',
    summary: 'Compare two documents section by section',
    tags: ['analytics'],
    body: CompareBody,
    example: { body: { baseId: 'doc_base123', compareId: 'doc_compare456' } },
    errors: ['not_found', 'conflict'],
    status: 200,
    response: Comparison,
    action: {
      kind: 'graphql',
      document: `query CompareDocs($baseId: ID!, $compareId: ID!) { compareDocs(baseId: $baseId, compareId: $compareId) { ${COMPARISON_FIELDS} } }`,
      variables: ({ body }) => ({ baseId: body.base_id, compareId: body.compare_id }),
      shape: comparisonOut,
    },
  },
  {
    operationId: 'getDashboardMetrics',
    method: 'get',
    path: '/v1/dashboard/metrics',
    auth: 'key',
    scope: 'metrics',
    summary: "The client's own usage figures",
    tags: ['analytics'],
    query: MetricsQuery,
    status: 200,
    response: DashboardMetrics,
    action: {
      kind: 'graphql',
      document: `query DashboardMetrics($period: String!) { dashboardMetrics(period: $period) { ${METRICS_FIELDS} } }`,
      variables: ({ query }) => ({ period: query.period }),
      shape: metricsOut,
    },
  },
];
