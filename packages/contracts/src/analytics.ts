import { z } from 'zod';
import { defineEvent, defineQueue, defineRequest } from './define.js';

/**
 * Analytics (API.md "Analytics"): the bodies and queries of its REST routes, which its GraphQL
 * fields check the same way, and the messages it lives on.
 */

/** A text to tag is at most 1 MB (the body limit of every JSON route). */
export const MAX_TAG_TEXT = 1_000_000;
const DocRef = z.string().min(1).max(64);

export const DOC_TYPES = ['invoice', 'receipt', 'purchase_order', 'contract', 'letter', 'form', 'report', 'statement', 'resume', 'other'] as const;
export const ENTITY_TYPES = ['person', 'organization', 'place', 'date', 'money', 'percent', 'email', 'phone', 'url', 'iban'] as const;
export const PII_TYPES = ['email', 'phone', 'iban', 'credit_card', 'national_id', 'date_of_birth'] as const;

/** `POST /v1/tagging`: a text, or a document of the caller's. */
export const TagBody = z
  .object({ text: z.string().max(MAX_TAG_TEXT).optional(), doc_id: DocRef.optional() })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.doc_id === undefined), { message: 'send either "text" or "doc_id"', path: ['text'] });
export type TagBody = z.infer<typeof TagBody>;

export const Tagging = z.object({
  doc_type: z.enum(DOC_TYPES),
  language: z.string().nullable(),
  tags: z.array(z.object({ tag: z.string(), category: z.string(), confidence: z.number().min(0).max(1) })),
  entities: z.array(z.object({ type: z.enum(ENTITY_TYPES), text: z.string(), start: z.number().int(), end: z.number().int() })),
  pii: z.array(z.object({ type: z.enum(PII_TYPES), start: z.number().int(), end: z.number().int() })),
});
export type Tagging = z.infer<typeof Tagging>;

/** `POST /v1/compare`: API.md names the documents `base_id`/`compare_id`, the published map `baseId`/`compareId`; either is accepted. */
export const CompareBody = z
  .object({ base_id: DocRef.optional(), compare_id: DocRef.optional(), baseId: DocRef.optional(), compareId: DocRef.optional() })
  .strict()
  .transform((b, ctx) => {
    const base = b.base_id ?? b.baseId;
    const compare = b.compare_id ?? b.compareId;
    if (!base) ctx.addIssue({ code: 'custom', path: ['base_id'], message: 'base_id (or baseId) is required' });
    if (!compare) ctx.addIssue({ code: 'custom', path: ['compare_id'], message: 'compare_id (or compareId) is required' });
    return { base_id: base ?? '', compare_id: compare ?? '' };
  });
export type CompareBody = z.output<typeof CompareBody>;

export const Comparison = z.object({
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
export type Comparison = z.infer<typeof Comparison>;

export const EXPORT_SCOPES = ['documents', 'extractions', 'questions', 'tags', 'all'] as const;
export const EXPORT_FORMATS = ['json', 'ndjson', 'csv', 'xlsx'] as const;
/** `GET /v1/export` */
export const ExportQuery = z.object({ scope: z.enum(EXPORT_SCOPES).default('all'), format: z.enum(EXPORT_FORMATS).default('json') }).strict();
export type ExportQuery = z.infer<typeof ExportQuery>;

export const METRICS_PERIODS = ['24h', '7d', '30d'] as const;
/** `GET /v1/dashboard/metrics` */
export const MetricsQuery = z.object({ period: z.enum(METRICS_PERIODS).default('24h') }).strict();

const Counts = z.record(z.string(), z.number().int());
export const DashboardMetrics = z.object({
  period: z.enum(METRICS_PERIODS),
  documents: z.object({ total: z.number().int(), by_status: Counts, by_type: Counts }),
  pages: z.object({ total: z.number().int() }),
  processing_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
  ocr_confidence: z.object({ mean: z.number().nullable() }),
  questions: z.object({ total: z.number().int() }),
  api: z.object({ calls: z.number().int(), by_scope: Counts, by_status: Counts, rate_limited: z.number().int() }),
  series: z.array(z.object({ date: z.string(), calls: z.number().int(), documents: z.number().int(), pages: z.number().int(), questions: z.number().int() })),
});
export type DashboardMetrics = z.infer<typeof DashboardMetrics>;

/**
 * The analytics service's durable job: tag a document that just became `ready`, fetching its
 * pages with `GetDocumentPages`. Durable, so an analytics outage only delays its tags.
 */
export const TagDocument = defineQueue('analytics.tag', z.object({ doc_id: z.string(), client_id: z.string() }));

/** A question QA answered (for usage metrics and exports); the answer is clipped to keep the event small. */
export const QuestionAsked = defineEvent(
  'question.asked',
  1,
  z.object({
    question_id: z.string(),
    client_id: z.string(),
    question: z.string(),
    answer: z.string(),
    found: z.boolean(),
    mode: z.string(),
    confidence: z.number(),
    doc_ids: z.array(z.string()),
    at: z.string(),
  }),
);

/** One document's extraction, as exports list it. */
export const ExtractionRecord = z.object({
  doc_id: z.string(),
  template_id: z.string(),
  template_name: z.string(),
  doc_type: z.string().nullable(),
  score: z.number(),
  extracted_at: z.string(),
  fields: z.array(
    z.object({ name: z.string(), value: z.string().nullable(), normalized: z.unknown().optional(), confidence: z.number(), page: z.number().int().nullable() }),
  ),
});
export type ExtractionRecord = z.infer<typeof ExtractionRecord>;

/** A client's stored extractions, a page at a time in document-id order (`after`: the last id of the previous page). */
export const ListExtractions = defineRequest(
  'templates.extractions.list',
  z.object({ client_id: z.string(), after: z.string().optional(), limit: z.number().int().min(1).max(200).default(100) }),
  z.object({ items: z.array(ExtractionRecord), next: z.string().nullable() }),
);
