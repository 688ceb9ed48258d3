import type { ExtractedField, ExtractedKeyValue, ExtractionInput, ExtractionResult, ExtractOptions, TemplateSpec } from './types.js';
import { compile, type CompiledField, type CompiledTemplate } from './compiled.js';
import { readDocument, type ReadDocument } from './document.js';
import { byPattern, candidates, NOT_FOUND, toExtracted, type Found } from './fields.js';
import { findLineItems } from './line-items.js';
import { byStrategy } from './strategies.js';

export { builtinTemplates } from './builtins.js';
export { fieldSpec, proposeFields } from './propose.js';

/** A document whose best template scores this much is of that template's type (extraction on ingest). */
export const MATCH_THRESHOLD = 0.45;

/** How each layout links a key to its value, as a confidence. */
const LAYOUT_CONFIDENCE = { inline: 0.9, right: 0.85, below: 0.75 } as const;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** A field's best value: by label (or pattern), then by its built-in rule. */
function locate(field: CompiledField, doc: ReadDocument): Found | undefined {
  // A total's rule knows more than its labels ("TOTAL QTY", rounding, cash tendered): it goes first.
  if (field.spec.strategy === 'total') return byStrategy(field, doc) ?? candidates(field, doc)[0];
  // A field with value patterns ("W-2|1099|…") is found by them first: its label line says more than the value.
  if (field.patterns.length) return byPattern(field, doc) ?? candidates(field, doc)[0] ?? byStrategy(field, doc);
  return candidates(field, doc)[0] ?? byStrategy(field, doc);
}

/**
 * How well a template fits: its anchors found (each one more halves what is missing) and its
 * fields found, weighted by required, a field found by a fallback rule counting half.
 */
function score(t: CompiledTemplate, doc: ReadDocument, found: Map<CompiledField, Found | undefined>): number {
  const anchors = t.anchors.filter((a) => doc.text.includes(a)).length;
  const anchorScore = 1 - 0.5 ** anchors;
  let credit = 0;
  let weight = 0;
  for (const f of t.fields) {
    weight += f.weight;
    const hit = found.get(f);
    if (hit) credit += f.weight * (hit.labelled ? 1 : 0.5);
  }
  const fieldScore = weight ? credit / weight : 0;
  return round3(0.6 * anchorScore + 0.4 * fieldScore);
}

/**
 * Smart extraction: lines in reading order, their label → value pairs, every template ranked,
 * and the chosen one's fields (each with its value, normalized value, confidence, page and box).
 */
export function extract(input: ExtractionInput, templates: readonly TemplateSpec[], options: ExtractOptions): ExtractionResult {
  const doc = readDocument(input);
  const ranked = templates.map((spec) => {
    const t = compile(spec);
    const found = new Map(t.fields.map((f) => [f, locate(f, doc)] as const));
    return { t, found, score: score(t, doc, found) };
  });
  const order = [...ranked].sort((a, b) => b.score - a.score);
  const chosen = options.templateId ? ranked.find((r) => r.t.spec.template_id === options.templateId) : order[0];
  const fields: Record<string, ExtractedField> = {};
  const warnings: string[] = [];
  for (const [f, hit] of chosen?.found ?? []) {
    fields[f.spec.name] = hit ? toExtracted(hit, doc.textOnly) : NOT_FOUND;
    if (!hit && f.spec.required) warnings.push(`${f.spec.name}: required field not found`);
  }
  const key_values: ExtractedKeyValue[] = doc.pairs.map((p) => ({
    key: p.key,
    value: p.value,
    confidence: LAYOUT_CONFIDENCE[p.layout],
    page: doc.textOnly ? null : p.page,
    key_bbox: doc.textOnly ? null : p.key_bbox,
    value_bbox: doc.textOnly ? null : p.value_bbox,
  }));
  const line_items = chosen && findLineItems(chosen.t, doc);
  return {
    templates: order.slice(0, options.topK).map((r) => ({ template_id: r.t.spec.template_id, name: r.t.spec.name, score: r.score })),
    template_id: chosen?.t.spec.template_id ?? null,
    fields,
    key_values,
    ...(line_items ? { line_items } : {}),
    warnings,
  };
}
