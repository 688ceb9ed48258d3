import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql, later } from './actions.js';
import { DocId } from './documents.js';

const WorkspaceSummary = z.object({
  scope: z.literal('workspace'),
  total_documents: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  by_type: z.record(z.string(), z.number().int()),
  summary: z.string(),
  documents: z.array(z.object({ doc_id: z.string(), filename: z.string(), status: z.string(), doc_type: z.string().nullable(), summary: z.string() })),
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
    status: 200,
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
    status: 200,
    response: WorkspaceSummary,
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
    status: 200,
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
    status: 200,
    action: later('search'),
  },
];
