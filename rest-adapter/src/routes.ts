import {
  AccessRequestBody,
  AuditQuery,
  DocumentPage,
  EnableBody,
  RequestsQuery,
  RevokeBody,
  RotateBody,
  SCOPES,
  TIERS,
} from '@perceptiq/contracts';
import { camelKeys, snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { GraphqlAction, RouteDef, RouteInput } from './route.js';

/**
 * The route table: every path of the published page and of API.md, with its scope, its request
 * schemas and what answers it. The OpenAPI document is generated from this table, and the scope
 * matrix test walks it, so a path cannot be documented one way and enforced another.
 */

const later = (capability: string) => ({ kind: 'later' as const, capability });

/** A GraphQL action whose single root field's value is the response (keys turned snake_case). */
function gql(document: string, variables: (input: RouteInput) => Record<string, unknown> = () => ({})): GraphqlAction {
  return {
    kind: 'graphql',
    document,
    variables,
    shape: (data) => snakeKeys(Object.values(data)[0]),
  };
}

const inputOf = (input: RouteInput) => ({ input: camelKeys(input.body) });

const DocId = z.string().min(1).max(64);
const Cursor = z.string().max(512).optional();
const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const DocumentsQuery = z.object({
  limit: Limit(1000, 100),
  cursor: Cursor,
  include_archived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export { ErrorEnvelope };

const Me = z.object({
  client_id: z.string(),
  company: z.string(),
  tier: z.enum(TIERS),
  scopes: z.array(z.enum(SCOPES)),
  rate_limit_rpm: z.number().int(),
});

const DocumentListItem = z.object({
  doc_id: z.string(),
  filename: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  page_count: z.number().int(),
  sha256: z.string(),
  status: z.string(),
  doc_type: z.string().nullable(),
  tags: z.array(z.string()),
  language: z.string().nullable(),
  ocr_confidence: z.number().nullable(),
  created_at: z.string(),
  archived: z.boolean(),
});

const WorkspaceSummary = z.object({
  scope: z.literal('workspace'),
  total_documents: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  by_type: z.record(z.string(), z.number().int()),
  summary: z.string(),
  documents: z.array(z.object({ doc_id: z.string(), filename: z.string(), status: z.string(), doc_type: z.string().nullable(), summary: z.string() })),
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

const Word = z.object({ text: z.string(), bbox: z.array(z.number()).length(4), confidence: z.number() });
const DocumentDetail = DocumentListItem.extend({
  error: z.string().nullable(),
  text: z.string(),
  pages: z.array(DocumentPage.extend({ low_quality: z.boolean(), words: z.array(Word).optional() })),
});

const DOCUMENT_FIELDS = 'docId filename mimeType sizeBytes pageCount sha256 status docType tags language ocrConfidence createdAt archived';

export const ROUTES: RouteDef[] = [
  // ── Access (published page: "Quickstart", "Enablement syntax", "Admin lifecycle syntax") ──
  {
    operationId: 'requestAccess',
    method: 'post',
    path: '/api/access/request',
    auth: 'public',
    summary: 'Request API access',
    description: 'Public; at most 10 requests a minute from one address. The same pending email+company answers the same request.',
    tags: ['access'],
    body: AccessRequestBody,
    status: 202,
    response: z.object({ request_id: z.string(), status: z.enum(['pending']) }),
    action: gql('mutation RequestAccess($input: AccessRequestInput!) { requestAccess(input: $input) { requestId status } }', inputOf),
  },
  {
    operationId: 'enableAccess',
    method: 'post',
    path: '/api/access/enable',
    auth: 'admin',
    summary: 'Enable a client and issue its first key (shown once)',
    tags: ['access'],
    body: EnableBody,
    status: 201,
    response: z.object({
      client_id: z.string(),
      api_key: z.string(),
      key_prefix: z.string(),
      tier: z.enum(TIERS),
      scopes: z.array(z.enum(SCOPES)),
      rate_limit_rpm: z.number().int(),
      created_at: z.string(),
    }),
    action: gql(
      'mutation EnableAccess($input: EnableAccessInput!) { enableAccess(input: $input) { clientId apiKey keyPrefix tier scopes rateLimitRpm createdAt } }',
      inputOf,
    ),
  },
  {
    operationId: 'rotateKey',
    method: 'post',
    path: '/api/access/rotate',
    auth: 'admin',
    summary: "Issue a new key; the old one keeps working for grace_seconds",
    tags: ['access'],
    body: RotateBody,
    status: 200,
    response: z.object({
      client_id: z.string(),
      api_key: z.string(),
      key_prefix: z.string(),
      rotated_at: z.string(),
      previous_key_expires_at: z.string(),
    }),
    action: gql(
      'mutation RotateKey($input: RotateKeyInput!) { rotateKey(input: $input) { clientId apiKey keyPrefix rotatedAt previousKeyExpiresAt } }',
      inputOf,
    ),
  },
  {
    operationId: 'revokeAccess',
    method: 'post',
    path: '/api/access/revoke',
    auth: 'admin',
    summary: 'Revoke a client: every key stops working at once',
    tags: ['access'],
    body: RevokeBody,
    status: 200,
    response: z.object({ client_id: z.string(), revoked_at: z.string() }),
    action: gql('mutation RevokeAccess($input: RevokeAccessInput!) { revokeAccess(input: $input) { clientId revokedAt } }', inputOf),
  },
  {
    operationId: 'listAccessRequests',
    method: 'get',
    path: '/api/access/requests',
    auth: 'admin',
    summary: 'Access requests, newest first',
    tags: ['access'],
    query: RequestsQuery,
    status: 200,
    action: {
      ...gql(
        'query AccessRequests($status: AccessRequestStatusFilter) { accessRequests(status: $status) { requestId fullName email company requestedTier useCase expectedMonthlyDocuments status createdAt enabledAt clientId } }',
        ({ query }) => ({ status: query.status }),
      ),
      shape: (data) => ({ requests: snakeKeys(data.accessRequests) }),
    },
  },
  {
    operationId: 'listClients',
    method: 'get',
    path: '/api/access/clients',
    auth: 'admin',
    summary: 'Clients with tier, scopes, rate limit and key prefix (never a key)',
    tags: ['access'],
    status: 200,
    action: {
      ...gql('query Clients { clients { clientId email company tier scopes rateLimitRpm keyPrefix status createdAt lastUsedAt revokedAt } }'),
      shape: (data) => ({ clients: snakeKeys(data.clients) }),
    },
  },
  {
    operationId: 'accessAudit',
    method: 'get',
    path: '/api/access/audit',
    auth: 'admin',
    summary: 'Audit log of every access change, newest first',
    tags: ['access'],
    query: AuditQuery,
    status: 200,
    action: {
      ...gql(
        'query Audit($clientId: ID, $limit: Int) { auditLog(clientId: $clientId, limit: $limit) { auditId at actor action clientId requestId reason ip } }',
        ({ query }) => ({ clientId: query.client_id, limit: query.limit }),
      ),
      shape: (data) => ({ entries: snakeKeys(data.auditLog) }),
    },
  },
  {
    operationId: 'me',
    method: 'get',
    path: '/v1/me',
    auth: 'key',
    summary: 'The calling client: company, tier, scopes and rate limit',
    tags: ['access'],
    status: 200,
    response: Me,
    action: { kind: 'identity' },
  },

  // ── Documents ──
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
    response: z.object({ documents: z.array(DocumentListItem), next_cursor: z.string().nullable() }),
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
    params: z.object({ id: DocId }),
    query: z.object({ words: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }),
    status: 200,
    response: DocumentDetail,
    action: gql(
      `query Document($id: ID!, $words: Boolean!) { document(id: $id) { ${DOCUMENT_FIELDS} error text pages { page text source confidence width height lowQuality words @include(if: $words) { text bbox confidence } } } }`,
      ({ params, query }) => ({ id: params.id, words: query.words }),
    ),
  },
  {
    operationId: 'deleteDocument',
    method: 'delete',
    path: '/v1/documents/{id}',
    auth: 'key',
    scope: 'upload',
    summary: 'Delete a document everywhere',
    tags: ['documents'],
    params: z.object({ id: DocId }),
    status: 200,
    response: z.object({ doc_id: z.string(), deleted: z.literal(true) }),
    action: gql('mutation Delete($id: ID!) { deleteDocument(id: $id) { docId deleted } }', ({ params }) => ({ id: params.id })),
  },
  {
    operationId: 'restoreDocument',
    method: 'post',
    path: '/v1/documents/{id}/restore',
    auth: 'key',
    scope: 'upload',
    summary: 'Bring an archived document back into the active set',
    tags: ['documents'],
    params: z.object({ id: DocId }),
    status: 200,
    response: DocumentListItem,
    action: gql(`mutation Restore($id: ID!) { restoreDocument(id: $id) { ${DOCUMENT_FIELDS} } }`, ({ params }) => ({ id: params.id })),
  },
  {
    operationId: 'retryDocument',
    method: 'post',
    path: '/v1/documents/{id}/retry',
    auth: 'key',
    scope: 'upload',
    summary: 'Process a failed document again',
    tags: ['documents'],
    params: z.object({ id: DocId }),
    status: 202,
    response: DocumentListItem,
    action: gql(`mutation Retry($id: ID!) { retryDocument(id: $id) { ${DOCUMENT_FIELDS} } }`, ({ params }) => ({ id: params.id })),
  },

  // ── Questions, summary, search ──
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

  // ── Templates and extraction ──
  { operationId: 'listTemplates', method: 'get', path: '/v1/templates', auth: 'key', scope: 'templates', summary: 'Built-in and own templates', tags: ['templates'], status: 200, action: later('templates') },
  { operationId: 'generateTemplate', method: 'post', path: '/v1/templates/generate', auth: 'key', scope: 'templates', summary: 'Create a template from fields or a sample', tags: ['templates'], status: 201, action: later('template generation') },
  { operationId: 'smartExtract', method: 'post', path: '/v1/templates/smart/extract', auth: 'key', scope: 'templates', summary: 'Extract fields from OCR tokens, text or images', tags: ['templates'], status: 200, action: later('smart extraction') },
  { operationId: 'smartExtractBatch', method: 'post', path: '/v1/templates/smart/extract/batch', auth: 'key', scope: 'templates', summary: 'Smart extraction for up to 100 items', tags: ['templates'], status: 200, action: later('batch extraction') },

  // ── Analytics ──
  { operationId: 'exportData', method: 'get', path: '/v1/export', auth: 'key', scope: 'export', summary: 'Export documents, extractions, questions or tags', tags: ['analytics'], status: 200, action: later('exports') },
  { operationId: 'autoTagText', method: 'post', path: '/v1/tagging', auth: 'key', scope: 'tagging', summary: 'Document type, language, tags, entities and PII', tags: ['analytics'], status: 200, action: later('tagging') },
  { operationId: 'compareDocs', method: 'post', path: '/v1/compare', auth: 'key', scope: 'compare', summary: 'Compare two documents section by section', tags: ['analytics'], status: 200, action: later('document comparison') },
  { operationId: 'getDashboardMetrics', method: 'get', path: '/v1/dashboard/metrics', auth: 'key', scope: 'metrics', summary: "The client's own usage figures", tags: ['analytics'], status: 200, action: later('dashboard metrics') },
];
