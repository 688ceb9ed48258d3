import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { later } from './actions.js';
import { DocId } from './documents.js';

const Counts = z.record(z.string(), z.number().int());

const TagBody = z.object({ text: z.string().max(1_000_000).optional(), doc_id: DocId.optional() });
const TagAnswer = z.object({
  doc_type: z.enum(['invoice', 'receipt', 'purchase_order', 'contract', 'letter', 'form', 'report', 'statement', 'resume', 'other']),
  language: z.string().nullable(),
  tags: z.array(z.object({ tag: z.string(), category: z.string(), confidence: z.number() })),
  entities: z.array(
    z.object({
      type: z.enum(['person', 'organization', 'place', 'date', 'money', 'percent', 'email', 'phone', 'url', 'iban']),
      text: z.string(),
      start: z.number().int(),
      end: z.number().int(),
    }),
  ),
  pii: z.array(
    z.object({ type: z.enum(['email', 'phone', 'iban', 'credit_card', 'national_id', 'date_of_birth']), start: z.number().int(), end: z.number().int() }),
  ),
});

// The published map names them baseId/compareId, API.md base_id/compare_id: both are accepted.
const CompareBody = z.object({ base_id: DocId.optional(), compare_id: DocId.optional(), baseId: DocId.optional(), compareId: DocId.optional() });
const CompareAnswer = z.object({
  similarity: z.number().min(0).max(1),
  summary: z.string(),
  changes: z.array(
    z.object({
      kind: z.enum(['added', 'removed', 'modified']),
      section: z.string().nullable(),
      base_text: z.string().optional(),
      compare_text: z.string().optional(),
      diff: z.array(z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() })),
    }),
  ),
  changed_terms: z.array(z.object({ term: z.string(), base: z.string().nullable(), compare: z.string().nullable() })),
});

const MetricsAnswer = z.object({
  period: z.enum(['24h', '7d', '30d']),
  documents: z.object({ total: z.number().int(), by_status: Counts, by_type: Counts }),
  pages: z.object({ total: z.number().int() }),
  processing_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
  ocr_confidence: z.object({ mean: z.number().nullable() }),
  questions: z.object({ total: z.number().int() }),
  api: z.object({ calls: z.number().int(), by_scope: Counts, by_status: Counts, rate_limited: z.number().int() }),
  series: z.array(z.object({ date: z.string(), calls: z.number().int(), documents: z.number().int(), pages: z.number().int(), questions: z.number().int() })),
});

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
    query: z.object({
      scope: z.enum(['documents', 'extractions', 'questions', 'tags', 'all']).default('all'),
      format: z.enum(['json', 'ndjson', 'csv', 'xlsx']).default('json'),
    }),
    status: 200,
    download: ['application/json', 'application/x-ndjson', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    action: later('exports'),
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
    response: TagAnswer,
    action: later('tagging'),
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
    response: CompareAnswer,
    action: later('document comparison'),
  },
  {
    operationId: 'getDashboardMetrics',
    method: 'get',
    path: '/v1/dashboard/metrics',
    auth: 'key',
    scope: 'metrics',
    summary: "The client's own usage figures",
    tags: ['analytics'],
    query: z.object({ period: z.enum(['24h', '7d', '30d']).default('24h') }),
    status: 200,
    response: MetricsAnswer,
    action: later('dashboard metrics'),
  },
];
