import { GenerateTemplateBody, SmartExtractBatchBody } from '@perceptiq/contracts';
import { snakeKeys } from '@perceptiq/platform';
import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { gql } from './actions.js';
import { EXTRACTED_FIELDS, extractionOut } from './extraction-shape.js';
import { SmartExtractPayload, SmartExtractResult, Template } from './shapes.js';

const TEMPLATE_FIELDS = 'templateId name docType builtin fields { name type required description labels } createdAt';
const EXTRACTION_FIELDS = `templates { templateId name score } templateId ${EXTRACTED_FIELDS} warnings`;

const BatchResults = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      ok: z.boolean(),
      result: SmartExtractResult.optional(),
      error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }).optional(),
    }),
  ),
});

interface WireBatchItem {
  index: number;
  ok: boolean;
  result: Parameters<typeof extractionOut>[0] | null;
  error: { code: string; message: string; details: Record<string, unknown> | null } | null;
}

/** Each item with `result` or `error`, never both, and no nulls where API.md leaves a key out. */
const batchOut = (items: WireBatchItem[]) => ({
  results: items.map(({ index, ok, result, error }) => ({
    index,
    ok,
    ...(result ? { result: extractionOut(result) } : {}),
    ...(error ? { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } } : {}),
  })),
});

/** The published "Smart extraction syntax" payload. */
const SMART_EXTRACT_EXAMPLE = {
  ocr_tokens: [
    { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
    { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
  ],
  document_text: '',
  document_images: [],
  top_k_templates: 3,
};

/** Templates and extraction. The bodies travel to GraphQL as they are, checked there by the same contract schemas. */
export const TEMPLATE_ROUTES: RouteDef[] = [
  {
    operationId: 'listTemplates',
    method: 'get',
    path: '/v1/templates',
    auth: 'key',
    scope: 'templates',
    summary: 'Built-in and own templates',
    tags: ['templates'],
    example: { curl: 'curl "http://127.0.0.1:8100/v1/templates" -H "Authorization: Bearer <API_KEY>"' },
    status: 200,
    response: z.object({ templates: z.array(Template) }),
    action: {
      kind: 'graphql',
      document: `query Templates { templates { ${TEMPLATE_FIELDS} } }`,
      variables: () => ({}),
      shape: (data) => ({ templates: snakeKeys(data.templates) }),
    },
  },
  {
    operationId: 'generateTemplate',
    method: 'post',
    path: '/v1/templates/generate',
    auth: 'key',
    scope: 'templates',
    summary: 'Create a template from a field list, a sample (doc_id, ocr_tokens or document_text), or both',
    tags: ['templates'],
    body: GenerateTemplateBody,
    example: {
      body: { name: 'Delivery note', doc_type: 'delivery_note', fields: [{ name: 'delivery_date', type: 'date', labels: ['Delivered on'] }] },
    },
    errors: ['not_found', 'conflict'],
    status: 201,
    response: Template,
    action: gql(`mutation Generate($body: JSON!) { generateTemplate(body: $body) { ${TEMPLATE_FIELDS} } }`, ({ body }) => ({ body })),
  },
  {
    operationId: 'deleteTemplate',
    method: 'delete',
    path: '/v1/templates/{id}',
    auth: 'key',
    scope: 'templates',
    summary: "Delete one of the client's own templates (built-ins cannot be deleted: 409)",
    tags: ['templates'],
    params: z.object({ id: z.string().min(1).max(64) }),
    errors: ['not_found', 'conflict'],
    status: 200,
    response: z.object({ template_id: z.string(), deleted: z.literal(true) }),
    action: gql('mutation Delete($id: ID!) { deleteTemplate(templateId: $id) { templateId deleted } }', ({ params }) => ({ id: params.id })),
  },
  {
    operationId: 'smartExtract',
    method: 'post',
    path: '/v1/templates/smart/extract',
    auth: 'key',
    scope: 'templates',
    summary: 'Extract fields from OCR tokens, text or images',
    description:
      'Tokens may be words or lines; boxes in other tools\' conventions (polygon, boundingBox, pixels with page_size) are converted. With only document_images, OCR runs first; with only document_text, fields come without boxes.',
    tags: ['templates'],
    body: SmartExtractPayload,
    example: {
      body: SMART_EXTRACT_EXAMPLE,
      curl: `curl -X POST "http://127.0.0.1:8100/v1/templates/smart/extract" -H "Authorization: Bearer <API_KEY>" -H "Content-Type: application/json" -d '${JSON.stringify(SMART_EXTRACT_EXAMPLE)}'`,
    },
    errors: ['not_found'],
    status: 200,
    response: SmartExtractResult,
    action: {
      kind: 'graphql',
      document: `query SmartExtract($payload: JSON!) { smartExtract(payload: $payload) { ${EXTRACTION_FIELDS} } }`,
      variables: ({ body }) => ({ payload: body }),
      shape: (data) => extractionOut(data.smartExtract as Parameters<typeof extractionOut>[0]),
    },
  },
  {
    operationId: 'smartExtractBatch',
    method: 'post',
    path: '/v1/templates/smart/extract/batch',
    auth: 'key',
    scope: 'templates',
    summary: 'Smart extraction for up to 100 items; one bad item never fails the others',
    tags: ['templates'],
    body: SmartExtractBatchBody,
    example: { body: { items: [SMART_EXTRACT_EXAMPLE] } },
    status: 200,
    response: BatchResults,
    action: {
      kind: 'graphql',
      document: `query SmartExtractBatch($items: [JSON!]!) { smartExtractBatch(items: $items) { index ok result { ${EXTRACTION_FIELDS} } error { code message details } } }`,
      variables: ({ body }) => ({ items: body.items }),
      shape: (data) => batchOut(data.smartExtractBatch as WireBatchItem[]),
    },
  },
];
