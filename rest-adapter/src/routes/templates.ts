import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { later } from './actions.js';
import { DocId } from './documents.js';
import { OcrToken, SmartExtractPayload, SmartExtractResult, Template, TemplateField } from './shapes.js';

const GenerateBody = z.object({
  name: z.string().trim().min(1).max(200),
  doc_type: z.string().max(64).optional(),
  fields: z
    .array(z.object({ name: z.string().min(1).max(100), type: TemplateField.shape.type, labels: z.array(z.string().max(200)).max(20).optional() }))
    .max(200)
    .optional(),
  sample: z
    .union([
      z.object({ doc_id: DocId }),
      z.object({ ocr_tokens: z.array(OcrToken).max(20_000) }),
      z.object({ document_text: z.string().max(1_000_000) }),
    ])
    .optional(),
});

const BatchBody = z.object({ items: z.array(SmartExtractPayload).min(1).max(100) });
const BatchResults = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      ok: z.boolean(),
      result: SmartExtractResult.optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
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

/** Templates and extraction. */
export const TEMPLATE_ROUTES: RouteDef[] = [
  {
    operationId: 'listTemplates',
    method: 'get',
    path: '/v1/templates',
    auth: 'key',
    scope: 'templates',
    summary: 'Built-in and own templates',
    tags: ['templates'],
    status: 200,
    response: z.object({ templates: z.array(Template) }),
    action: later('templates'),
  },
  {
    operationId: 'generateTemplate',
    method: 'post',
    path: '/v1/templates/generate',
    auth: 'key',
    scope: 'templates',
    summary: 'Create a template from fields or a sample',
    tags: ['templates'],
    body: GenerateBody,
    errors: ['not_found'],
    status: 201,
    response: Template,
    action: later('template generation'),
  },
  {
    operationId: 'smartExtract',
    method: 'post',
    path: '/v1/templates/smart/extract',
    auth: 'key',
    scope: 'templates',
    summary: 'Extract fields from OCR tokens, text or images',
    tags: ['templates'],
    body: SmartExtractPayload,
    example: {
      body: SMART_EXTRACT_EXAMPLE,
      curl: `curl -X POST "http://127.0.0.1:8100/v1/templates/smart/extract" -H "Authorization: Bearer <API_KEY>" -H "Content-Type: application/json" -d '${JSON.stringify(SMART_EXTRACT_EXAMPLE)}'`,
    },
    errors: ['not_found'],
    status: 200,
    response: SmartExtractResult,
    action: later('smart extraction'),
  },
  {
    operationId: 'smartExtractBatch',
    method: 'post',
    path: '/v1/templates/smart/extract/batch',
    auth: 'key',
    scope: 'templates',
    summary: 'Smart extraction for up to 100 items; one bad item never fails the others',
    tags: ['templates'],
    body: BatchBody,
    example: { body: { items: [SMART_EXTRACT_EXAMPLE] } },
    status: 200,
    response: BatchResults,
    action: later('batch extraction'),
  },
];
