import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql, later } from './actions.js';
import { DocId } from './documents.js';
import { Citation } from './shapes.js';

const WorkspaceSummary = z.object({
  scope: z.literal('workspace'),
  total_documents: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  by_type: z.record(z.string(), z.number().int()),
  summary: z.string(),
  documents: z.array(z.object({ doc_id: z.string(), filename: z.string(), status: z.string(), doc_type: z.string().nullable(), summary: z.string() })),
});

const DocumentSummary = z.object({
  doc_id: z.string(),
  title: z.string(),
  doc_type: z.string().nullable(),
  summary: z.string(),
  key_points: z.array(z.string()),
  key_facts: z.object({ parties: z.array(z.string()), dates: z.array(z.string()), amounts: z.array(z.string()), terms: z.array(z.string()) }),
  pages: z.number().int(),
});

const Question = z.string().trim().min(1).max(2_000);
const AskBody = z.object({
  question: Question,
  doc_id: DocId.optional(),
  doc_ids: z.array(DocId).min(1).max(100).optional(),
  top_k: z.number().int().min(1).max(20).default(5),
});
const AskAnswer = z.object({
  answer: z.string(),
  confidence: z.number().min(0).max(1),
  citations: z.array(Citation),
  mode: z.enum(['extractive', 'generative']),
  found: z.boolean(),
});

const SearchQuery = z.object({
  q: z.string().trim().min(1).max(1_000).describe('Words; "a phrase" in quotes; term* for a prefix'),
  docId: DocId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
const SearchResults = z.object({
  query: z.string(),
  total: z.number().int(),
  hits: z.array(
    z.object({
      doc_id: z.string(),
      filename: z.string(),
      page: z.number().int(),
      snippet: z.string(),
      highlights: z.array(z.tuple([z.number().int(), z.number().int()])).describe('[start, end) offsets into snippet'),
      score: z.number(),
    }),
  ),
});

/** Questions, summary, search. */
export const QUESTION_ROUTES: RouteDef[] = [
  {
    operationId: 'askQuestion',
    method: 'post',
    path: '/v1/ask',
    auth: 'key',
    scope: 'ask',
    summary: 'Ask a question; answers cite document, page and region',
    tags: ['questions'],
    body: AskBody,
    example: {
      body: { question: 'What are the renewal and termination clauses?' },
      curl: 'curl -X POST "http://127.0.0.1:8100/v1/ask" -H "Authorization: Bearer <API_KEY>" -H "Content-Type: application/json" -d "{\\"question\\":\\"What are the renewal and termination clauses?\\"}"',
    },
    errors: ['not_found', 'conflict'],
    status: 200,
    response: AskAnswer,
    action: later('question answering'),
  },
  {
    operationId: 'getSummary',
    method: 'get',
    path: '/v1/summary',
    auth: 'key',
    scope: 'summary',
    summary: 'Summary of one document (docId) or of the active document set',
    tags: ['questions'],
    query: z.object({ docId: DocId.optional() }),
    example: { curl: 'curl "http://127.0.0.1:8100/v1/summary" -H "Authorization: Bearer <API_KEY>"' },
    errors: ['not_found', 'conflict'],
    status: 200,
    response: z.union([WorkspaceSummary, DocumentSummary]),
    action: gql(
      'query Summary($docId: ID) { summary(docId: $docId) { scope totalDocuments byStatus byType summary documents { docId filename status docType summary } } }',
      ({ query }) => ({ docId: query.docId }),
    ),
  },
  {
    operationId: 'getSummaryAudio',
    method: 'get',
    path: '/v1/summary/audio',
    auth: 'key',
    scope: 'summary_audio',
    summary: 'The summary, spoken (audio/wav)',
    tags: ['questions'],
    query: z.object({ docId: DocId.optional(), format: z.enum(['wav', 'mp3']).default('wav') }),
    errors: ['not_found', 'conflict'],
    status: 200,
    download: ['audio/wav', 'audio/mpeg'],
    action: later('spoken summaries'),
  },
  {
    operationId: 'searchDocuments',
    method: 'get',
    path: '/v1/search',
    auth: 'key',
    scope: 'search',
    summary: 'Full-text search, one hit per matching page',
    tags: ['questions'],
    query: SearchQuery,
    errors: ['not_found'],
    status: 200,
    response: SearchResults,
    action: later('search'),
  },
];
