import { snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql } from './actions.js';
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
  parts: z
    .array(z.object({ question: z.string(), answer: z.string(), found: z.boolean(), confidence: z.number().min(0).max(1), citations: z.array(Citation) }))
    .describe('A question about several things ("renewal and termination clauses") answers each part, each with its own citations'),
});

const CITATION_FIELDS = 'docId filename page snippet bbox score';
type WireCitation = Record<string, unknown> & { bbox?: unknown };
/** GraphQL answers `bbox: null` for a span without word boxes; API.md leaves the field out. */
const withoutNullBox = ({ bbox, ...rest }: WireCitation) => (bbox == null ? rest : { ...rest, bbox });
const askShape = (data: Record<string, unknown>) => {
  const answer = snakeKeys(data.ask) as { citations: WireCitation[]; parts: Array<{ citations: WireCitation[] }> };
  return { ...answer, citations: answer.citations.map(withoutNullBox), parts: answer.parts.map((p) => ({ ...p, citations: p.citations.map(withoutNullBox) })) };
};

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
    action: {
      kind: 'graphql',
      document: `query Ask($question: String!, $docIds: [ID!], $topK: Int) { ask(question: $question, docIds: $docIds, topK: $topK) { answer confidence mode found citations { ${CITATION_FIELDS} } parts { question answer found confidence citations { ${CITATION_FIELDS} } } } }`,
      variables: ({ body }) => {
        const named = [...(body.doc_id ? [body.doc_id] : []), ...((body.doc_ids as string[] | undefined) ?? [])];
        return { question: body.question, docIds: named.length ? named : null, topK: body.top_k };
      },
      shape: askShape,
    },
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
    // One operation for both forms: the field the call does not want is skipped, so `data` holds only the other.
    action: gql(
      `query Summary($docId: ID!, $one: Boolean!) {
        summary @skip(if: $one) { scope totalDocuments byStatus byType summary documents { docId filename status docType summary } }
        documentSummary(docId: $docId) @include(if: $one) { docId title docType summary keyPoints keyFacts { parties dates amounts terms } pages }
      }`.replace(/\s+/g, ' '),
      ({ query }) => ({ docId: query.docId ?? '', one: query.docId !== undefined }),
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
    query: z.object({ docId: DocId.optional(), format: z.enum(['wav']).default('wav').describe('wav only: mp3 is not available in this version') }),
    errors: ['not_found', 'conflict'],
    status: 200,
    download: ['audio/wav'],
    action: { kind: 'stream', service: 'qa', path: '/summary/audio' },
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
    action: gql(
      'query Search($q: String!, $docId: ID, $limit: Int, $offset: Int) { search(q: $q, docId: $docId, limit: $limit, offset: $offset) { query total hits { docId filename page snippet highlights score } } }',
      ({ query }) => ({ q: query.q, docId: query.docId, limit: query.limit, offset: query.offset }),
    ),
  },
];
