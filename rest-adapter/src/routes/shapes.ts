import { FieldType, OcrToken as ContractOcrToken, SmartExtractPayload as ContractSmartExtractPayload } from '@perceptiq/contracts';
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
  .meta({ id: 'ExtractedField', description: 'One field extracted from a document, with where it was found (page and box are null from text)' });

export const KeyValue = z
  .object({
    key: z.string(),
    value: z.string(),
    confidence: z.number(),
    page: z.number().int().nullable(),
    key_bbox: BBox.nullable(),
    value_bbox: BBox.nullable(),
  })
  .meta({ id: 'KeyValue', description: 'A label and its value as laid out on the page (boxes null from text)' });

const LineItems = z.array(z.record(z.string(), ExtractedField)).describe('Table rows, each keyed by column name');

export const TemplateField = z
  .object({
    name: z.string(),
    type: FieldType,
    required: z.boolean(),
    description: z.string(),
    labels: z.array(z.string()).describe('The labels the value is found next to'),
  })
  .meta({ id: 'TemplateField' });

export const Template = z
  .object({
    template_id: z.string(),
    name: z.string(),
    doc_type: z.string().nullable(),
    builtin: z.boolean(),
    fields: z.array(TemplateField),
    created_at: z.string().nullable().describe('null for built-ins'),
  })
  .meta({ id: 'Template' });

export const OcrToken = ContractOcrToken.meta({ id: 'OcrToken', description: 'A word or line from OCR, with its box: bbox [x, y, w, h], polygon or boundingBox' });

/** The published smart-extraction payload, exactly (plus `page_size` for pixel boxes). */
export const SmartExtractPayload = ContractSmartExtractPayload.meta({ id: 'SmartExtractPayload' });

export const SmartExtractResult = z
  .object({
    templates: z.array(z.object({ template_id: z.string(), name: z.string(), score: z.number() })),
    template_id: z.string().nullable(),
    fields: z.record(z.string(), ExtractedField).describe('Keyed by field name; a field not found has value null'),
    key_values: z.array(KeyValue),
    line_items: LineItems.optional(),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'SmartExtractResult' });

export const DocumentExtraction = z
  .object({
    template_id: z.string(),
    template_name: z.string(),
    doc_type: z.string().nullable(),
    score: z.number(),
    fields: z.record(z.string(), ExtractedField),
    key_values: z.array(KeyValue),
    line_items: LineItems.optional(),
    extracted_at: z.string(),
  })
  .meta({ id: 'DocumentExtraction', description: 'Fields extracted when the document became ready, with its best-matching template' });
