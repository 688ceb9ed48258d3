import { z } from 'zod';

/**
 * The shapes several routes share (API.md), each named once: the OpenAPI document lists every
 * schema with an `id` under `components/schemas` and refers to it from each operation.
 */

/** `[x, y, w, h]`, normalized to 0..1 by the page's width and height. */
export const BBox = z.array(z.number()).length(4).meta({ id: 'BBox', description: '[x, y, w, h], normalized to 0..1 by the page size' });

export const Document = z
  .object({
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
  })
  .meta({ id: 'Document', description: 'A document of the calling client' });

export const Citation = z
  .object({
    doc_id: z.string(),
    filename: z.string(),
    page: z.number().int(),
    snippet: z.string(),
    bbox: BBox.optional(),
    score: z.number(),
  })
  .meta({ id: 'Citation', description: 'Where an answer comes from: the document, the page and the region on it' });

export const ExtractedField = z
  .object({
    value: z.string().nullable(),
    normalized: z.unknown().describe('YYYY-MM-DD for dates, {amount, currency} for money, a number for numbers and percents'),
    confidence: z.number(),
    page: z.number().int().nullable(),
    bbox: BBox.nullable(),
    source_text: z.string().nullable(),
  })
  .meta({ id: 'ExtractedField', description: 'One field extracted from a document, with where it was found' });

export const TemplateField = z
  .object({
    name: z.string(),
    type: z.enum(['string', 'date', 'money', 'number', 'id', 'address', 'email', 'phone', 'percent', 'boolean']),
    required: z.boolean(),
    description: z.string(),
  })
  .meta({ id: 'TemplateField' });

export const Template = z
  .object({
    template_id: z.string(),
    name: z.string(),
    doc_type: z.string().nullable(),
    builtin: z.boolean(),
    fields: z.array(TemplateField),
  })
  .meta({ id: 'Template' });

export const OcrToken = z
  .object({ text: z.string().max(1_000_000), bbox: BBox, page: z.number().int().min(1) })
  .meta({ id: 'OcrToken', description: 'A word or line from OCR, with its box' });

/** The published smart-extraction payload, exactly. */
export const SmartExtractPayload = z
  .object({
    ocr_tokens: z.array(OcrToken).max(20_000).default([]),
    document_text: z.string().max(1_000_000).default(''),
    document_images: z.array(z.string()).max(20).default([]).describe('base64 or data: URLs'),
    top_k_templates: z.number().int().min(1).max(20).default(3),
    template_id: z.string().max(64).optional(),
  })
  .meta({ id: 'SmartExtractPayload' });

export const SmartExtractResult = z
  .object({
    templates: z.array(z.object({ template_id: z.string(), name: z.string(), score: z.number() })),
    template_id: z.string().nullable(),
    fields: z.record(z.string(), ExtractedField),
    key_values: z.array(
      z.object({ key: z.string(), value: z.string(), confidence: z.number(), page: z.number().int(), key_bbox: BBox, value_bbox: BBox }),
    ),
    line_items: z.array(z.record(z.string(), z.unknown())).optional(),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'SmartExtractResult' });
