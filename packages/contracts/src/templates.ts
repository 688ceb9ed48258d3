import { z } from 'zod';
import { defineQueue, defineRequest } from './define.js';

/**
 * The smart-extraction payload (API.md "Templates and extraction"), checked the same way by the
 * REST route and by the GraphQL field: one definition, so both paths hold the same limits.
 */

export const MAX_OCR_TOKENS = 20_000;
/** Over 1 MB of text in one token or field is refused (API.md body limits). */
const MAX_STRING = 1_000_000;

const Num = z.number().finite();
const Point = z.union([z.object({ x: Num, y: Num }), z.tuple([Num, Num])]);

/**
 * A word or line with its box. The published form is `bbox: [x, y, w, h]` in page fractions; boxes
 * other OCR tools produce are accepted too and converted: `polygon` (8 numbers or a list of
 * points, as Azure gives), `boundingBox` (`{Left, Top, Width, Height}`, as Textract gives), and
 * pixel coordinates in any of these when the payload's `page_size` says the page's size.
 */
export const OcrToken = z
  .object({
    text: z.string().max(MAX_STRING).refine((t) => t.trim().length > 0, 'text must not be empty'),
    page: z.number().int().min(1).max(10_000).default(1),
    bbox: z.array(Num).length(4).optional(),
    polygon: z.union([z.array(Num).min(4).max(64), z.array(Point).min(2).max(32)]).optional(),
    boundingBox: z.object({ Left: Num, Top: Num, Width: Num, Height: Num }).optional(),
  })
  .refine((t) => t.bbox ?? t.polygon ?? t.boundingBox, { message: 'a token needs bbox, polygon or boundingBox', path: ['bbox'] });
export type OcrToken = z.infer<typeof OcrToken>;

const PageSize = z.object({ width: z.number().positive().max(1_000_000), height: z.number().positive().max(1_000_000) });

/** Every coordinate of a token's geometry, with the path naming it. */
function coordinates(t: OcrToken): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  t.bbox?.forEach((n, i) => out.push([`bbox.${i}`, n]));
  t.polygon?.forEach((p, i) => {
    if (typeof p === 'number') out.push([`polygon.${i}`, p]);
    else if (Array.isArray(p)) p.forEach((n, j) => out.push([`polygon.${i}.${j}`, n]));
    else { out.push([`polygon.${i}.x`, p.x]); out.push([`polygon.${i}.y`, p.y]); }
  });
  if (t.boundingBox) for (const [k, n] of Object.entries(t.boundingBox)) out.push([`boundingBox.${k}`, n]);
  return out;
}

/** Without a page size, coordinates are fractions of the page: anything outside 0..1 is a mistake, not pixels. */
function fractionsUnlessSized(p: { ocr_tokens: OcrToken[]; page_size?: unknown }, ctx: z.RefinementCtx): void {
  if (p.page_size) return;
  for (let i = 0; i < p.ocr_tokens.length; i++) {
    const bad = coordinates(p.ocr_tokens[i]!).find(([, n]) => n < 0 || n > 1);
    if (bad) {
      const path = bad[0].split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      ctx.addIssue({ code: 'custom', path: ['ocr_tokens', i, ...path], message: 'box coordinates are fractions of the page (0..1) unless page_size is given' });
      return;
    }
  }
}

export const SmartExtractPayload = z
  .object({
    ocr_tokens: z.array(OcrToken).max(MAX_OCR_TOKENS).default([]),
    document_text: z.string().max(MAX_STRING).default(''),
    document_images: z.array(z.string().min(1).max(900_000)).max(10).default([]).describe('base64 or data: URLs, at most about 675 KB of image each'),
    top_k_templates: z.number().int().min(1).max(20).default(3),
    template_id: z.string().min(1).max(64).optional(),
    page_size: PageSize.optional().describe('The page size in the unit of pixel boxes; without it boxes are page fractions (0..1)'),
  })
  .superRefine(fractionsUnlessSized);
export type SmartExtractPayload = z.infer<typeof SmartExtractPayload>;

export const MAX_BATCH_ITEMS = 100;

/** `{items: [payload, …]}`: each item is checked on its own, so a malformed one is answered in its place. */
export const SmartExtractBatchBody = z.object({
  items: z
    .array(z.unknown())
    .min(1)
    .max(MAX_BATCH_ITEMS)
    .describe('Smart-extraction payloads; an item that is not one is answered `ok: false` in its place'),
});

/** The value types a template field can hold (API.md). */
export const FieldType = z.enum(['string', 'date', 'money', 'number', 'id', 'address', 'email', 'phone', 'percent', 'boolean']);

const DocId = z.string().min(1).max(64);

/** `POST /v1/templates/generate`: a template from a field list, a sample, or both. */
export const GenerateTemplateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    doc_type: z.string().trim().min(1).max(64).optional(),
    fields: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(100),
          type: FieldType,
          labels: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
          required: z.boolean().optional(),
          description: z.string().max(500).optional(),
        }),
      )
      .min(1)
      .max(200)
      .optional(),
    sample: z
      .union([
        z.object({ doc_id: DocId }),
        z.object({ ocr_tokens: z.array(OcrToken).min(1).max(MAX_OCR_TOKENS), page_size: PageSize.optional() }).superRefine(fractionsUnlessSized),
        z.object({ document_text: z.string().trim().min(1).max(MAX_STRING) }),
      ])
      .optional(),
  })
  .refine((b) => b.fields || b.sample, { message: 'give fields, a sample, or both', path: ['fields'] });
export type GenerateTemplateBody = z.infer<typeof GenerateTemplateBody>;

/** The document types the templates service has decided, for services that show them (summaries). */
export const GetDocumentTypes = defineRequest(
  'templates.documents.types',
  z.object({ client_id: z.string(), doc_ids: z.array(z.string()).max(10_000).optional() }),
  z.object({ types: z.record(z.string(), z.string()) }),
);

/**
 * The templates service's durable job: extract fields from a document that just became `ready`,
 * fetching its pages with `GetDocumentPages`. Durable, so a templates outage only delays extraction.
 */
export const ExtractDocument = defineQueue(
  'templates.extract',
  z.object({ doc_id: z.string(), client_id: z.string() }),
);
