import { DocumentPage } from '@perceptiq/contracts';
import { snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { RouteDef, RouteInput } from '../route.js';
import { gql } from './actions.js';
import { EXTRACTED_FIELDS, extractionOut } from './extraction-shape.js';
import { BBox, Document, DocumentExtraction } from './shapes.js';

export const DocId = z.string().min(1).max(64);
/** `/v1/documents/{id}`: the path param, and the `$id` variable of the routes that take only it. */
const DocParams = z.object({ id: DocId });
const byId = ({ params }: RouteInput) => ({ id: params.id });
const Cursor = z.string().max(512).optional();
const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const DocumentsQuery = z.object({
  limit: Limit(1000, 100),
  cursor: Cursor,
  include_archived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

const UploadAnswer = z.object({
  batch_id: z.string(),
  documents: z.array(
    z.object({
      doc_id: z.string().nullable(),
      filename: z.string(),
      status: z.enum(['queued', 'duplicate', 'rejected']),
      sha256: z.string().nullable(),
      duplicate_of: z.string().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

const StatusAnswer = z.object({
  queue: z.object({ queued: z.number().int(), processing: z.number().int(), ready: z.number().int(), failed: z.number().int() }),
  documents: z.array(
    z.object({
      doc_id: z.string(),
      filename: z.string(),
      status: z.string(),
      stage: z.string(),
      progress: z.number(),
      pages_done: z.number().int(),
      pages_total: z.number().int().nullable(),
      error: z.string().nullable(),
    }),
  ),
  next_cursor: z.string().nullable(),
});

const Word = z.object({ text: z.string(), bbox: BBox, confidence: z.number() });
const DocumentDetail = Document.extend({
  error: z.string().nullable(),
  extraction: DocumentExtraction.nullable().describe('Fields found when it became ready, when a template matched well enough'),
  text: z.string(),
  pages: z.array(DocumentPage.extend({ low_quality: z.boolean(), words: z.array(Word).optional() })),
});

const DOCUMENT_FIELDS = 'docId filename mimeType sizeBytes pageCount sha256 status docType tags language ocrConfidence createdAt archived';

/** Documents: upload, processing status, reading and changing the library. */
export const DOCUMENT_ROUTES: RouteDef[] = [
  {
    operationId: 'uploadDocuments',
    method: 'post',
    path: '/v1/upload',
    auth: 'key',
    scope: 'upload',
    summary: 'Upload documents (multipart, one or more `files` parts)',
    description:
      'Answers 202 at once; processing continues in the background (GET /v1/status). Up to 20 files of 50 MB; types are sniffed from the bytes. With merge=false the active documents are archived first.',
    tags: ['documents'],
    query: z.object({ merge: z.enum(['true', 'false']).default('true') }),
    multipart: z.object({ files: z.array(z.file()).min(1).max(20).describe('One part per file; the name is kept, the type is sniffed') }),
    example: { curl: 'curl -X POST "http://127.0.0.1:8100/v1/upload?merge=true" -H "Authorization: Bearer <API_KEY>" -F "files=@contract.pdf"' },
    status: 202,
    response: UploadAnswer,
    action: { kind: 'stream', service: 'ingest', path: '/upload' },
  },
  {
    operationId: 'getProcessingStatus',
    method: 'get',
    path: '/v1/status',
    auth: 'key',
    scope: 'status',
    summary: 'Processing status of recent documents',
    tags: ['documents'],
    query: z.object({ limit: Limit(1000, 100), cursor: Cursor, batch_id: z.string().max(64).optional(), docId: DocId.optional() }),
    status: 200,
    response: StatusAnswer,
    action: gql(
      `query Status($batchId: ID, $docId: ID, $limit: Int, $cursor: String) { processingStatus(batchId: $batchId, docId: $docId, limit: $limit, cursor: $cursor) {
        queue { queued processing ready failed } documents { docId filename status stage progress pagesDone pagesTotal error } nextCursor } }`,
      ({ query }) => ({ batchId: query.batch_id, docId: query.docId, limit: query.limit, cursor: query.cursor }),
    ),
  },
  {
    operationId: 'listDocuments',
    method: 'get',
    path: '/v1/documents',
    auth: 'key',
    scope: 'documents',
    summary: 'Documents, newest first (cursor paging)',
    tags: ['documents'],
    query: DocumentsQuery,
    status: 200,
    response: z.object({ documents: z.array(Document), next_cursor: z.string().nullable() }),
    action: gql(
      `query Documents($limit: Int, $cursor: String, $includeArchived: Boolean) { documents(limit: $limit, cursor: $cursor, includeArchived: $includeArchived) { documents { ${DOCUMENT_FIELDS} } nextCursor } }`,
      ({ query }) => ({ limit: query.limit, cursor: query.cursor, includeArchived: query.include_archived }),
    ),
  },
  {
    operationId: 'getDocument',
    method: 'get',
    path: '/v1/documents/{id}',
    auth: 'key',
    scope: 'documents',
    summary: 'One document with its text and pages (words with boxes unless words=false)',
    tags: ['documents'],
    params: DocParams,
    query: z.object({ words: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }),
    status: 200,
    response: DocumentDetail,
    action: {
      kind: 'graphql',
      document: `query Document($id: ID!, $words: Boolean!) { document(id: $id) { ${DOCUMENT_FIELDS} error text pages { page text source confidence width height lowQuality words @include(if: $words) { text bbox confidence } }
        extraction { templateId templateName docType score extractedAt ${EXTRACTED_FIELDS} } } }`,
      variables: ({ params, query }) => ({ id: params.id, words: query.words }),
      shape: (data) => {
        const { extraction, ...doc } = data.document as { extraction: Parameters<typeof extractionOut>[0] | null };
        return { ...snakeKeys<Record<string, unknown>>(doc), extraction: extraction && extractionOut(extraction) };
      },
    },
  },
  {
    operationId: 'deleteDocument',
    method: 'delete',
    path: '/v1/documents/{id}',
    auth: 'key',
    scope: 'upload',
    summary: 'Delete a document everywhere',
    tags: ['documents'],
    params: DocParams,
    status: 200,
    response: z.object({ doc_id: z.string(), deleted: z.literal(true) }),
    action: gql('mutation Delete($id: ID!) { deleteDocument(id: $id) { docId deleted } }', byId),
  },
  {
    operationId: 'restoreDocument',
    method: 'post',
    path: '/v1/documents/{id}/restore',
    auth: 'key',
    scope: 'upload',
    summary: 'Bring an archived document back into the active set',
    tags: ['documents'],
    params: DocParams,
    errors: ['conflict'],
    status: 200,
    response: Document,
    action: gql(`mutation Restore($id: ID!) { restoreDocument(id: $id) { ${DOCUMENT_FIELDS} } }`, byId),
  },
  {
    operationId: 'retryDocument',
    method: 'post',
    path: '/v1/documents/{id}/retry',
    auth: 'key',
    scope: 'upload',
    summary: 'Process a failed document again',
    tags: ['documents'],
    params: DocParams,
    errors: ['conflict'],
    status: 202,
    response: Document,
    action: gql(`mutation Retry($id: ID!) { retryDocument(id: $id) { ${DOCUMENT_FIELDS} } }`, byId),
  },
];
