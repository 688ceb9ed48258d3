import type { ListedTemplate } from './catalog.js';
import type { StoredExtraction } from './document-extractions.js';
import type { ExtractedField, ExtractedKeyValue, ExtractionResult } from './engine/types.js';

/** GraphQL shapes of the engine's results and the stored records (the REST adapter turns them into API.md's). */

export const templateView = ({ spec, created_at }: ListedTemplate) => ({
  templateId: spec.template_id,
  name: spec.name,
  docType: spec.doc_type,
  builtin: spec.builtin,
  fields: spec.fields.map(({ name, type, required, description, labels }) => ({ name, type, required, description, labels })),
  createdAt: created_at,
});

const fieldView = (name: string, f: ExtractedField) => ({
  name,
  value: f.value,
  normalized: f.normalized ?? null,
  confidence: f.confidence,
  page: f.page,
  bbox: f.bbox,
  sourceText: f.source_text,
});

const fieldsView = (fields: Record<string, ExtractedField>) => Object.entries(fields).map(([name, f]) => fieldView(name, f));

const keyValueView = (kv: ExtractedKeyValue) => ({
  key: kv.key,
  value: kv.value,
  confidence: kv.confidence,
  page: kv.page,
  keyBbox: kv.key_bbox,
  valueBbox: kv.value_bbox,
});

export const extractionView = (r: ExtractionResult) => ({
  templates: r.templates.map((t) => ({ templateId: t.template_id, name: t.name, score: t.score })),
  templateId: r.template_id,
  fields: fieldsView(r.fields),
  keyValues: r.key_values.map(keyValueView),
  lineItems: r.line_items ?? null,
  warnings: r.warnings,
});

export const storedExtractionView = (e: StoredExtraction) => ({
  templateId: e.template_id,
  templateName: e.template_name,
  docType: e.doc_type,
  score: e.score,
  fields: fieldsView(e.fields),
  keyValues: e.key_values.map(keyValueView),
  lineItems: e.line_items ?? null,
  extractedAt: e.extracted_at,
});
