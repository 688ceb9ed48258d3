import type { Box, KeyValue as LayoutKeyValue, Token } from '../layout/index.js';
import type { FieldType } from '../values/index.js';

/** Where a field's value sits relative to its label, and where on the page it may be. */
export interface PositionHint {
  /** `right`: on the label's row; `below`: under it; `any` (default): either, or inline. */
  relation?: 'right' | 'below' | 'any';
  /** [x, y, w, h] page fractions the value should fall in (soft: outside lowers confidence). */
  region?: Box;
}

/** One field of a template (API.md: name, type, required, description; the rest guides extraction). */
export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  description: string;
  /** Label synonyms, lower or mixed case ("Invoice #", "Invoice No", "Inv. Number"). */
  labels: string[];
  /** Regular-expression sources the value must match (case-insensitive), when given. */
  patterns?: string[];
  position?: PositionHint;
  /**
   * Where to look when no label is found (built-ins): `top_lines` the issuer's name at the top,
   * `address_block` the lines under it, `total` the final amount on a total line, `any_value` the
   * first value of the type anywhere, `parties` "between A and B", `sentence` the sentence
   * holding a label (clauses of contracts).
   */
  strategy?: 'top_lines' | 'address_block' | 'total' | 'any_value' | 'parties' | 'sentence';
}

/** A line-item table: the columns a row may hold, each found by its header labels. */
export interface LineItemSpec {
  columns: Array<{ name: string; type: FieldType; labels: string[] }>;
}

export interface TemplateSpec {
  template_id: string;
  name: string;
  /** invoice, receipt, purchase_order, contract, bank_statement, utility_bill, tax_form, or a client's own. */
  doc_type: string | null;
  builtin: boolean;
  /** Phrases whose presence says the document is of this type ("tax invoice", "bill to"). */
  anchors: string[];
  fields: FieldSpec[];
  line_items?: LineItemSpec;
}

/** What extraction reads: tokens with boxes (words or lines), or plain text (no boxes). */
export interface ExtractionInput {
  tokens: Token[];
  /** Used when `tokens` is empty: text only, lines split at line breaks; results carry no boxes. */
  text: string;
}

export interface ExtractOptions {
  /** How many ranked templates to report (1..20). */
  topK: number;
  /** Extract with this template instead of the best-ranked one (it is still reported in the ranking). */
  templateId?: string;
}

export interface ExtractedField {
  value: string | null;
  normalized: unknown;
  confidence: number;
  page: number | null;
  bbox: Box | null;
  source_text: string | null;
}

export interface ExtractedKeyValue {
  key: string;
  value: string;
  confidence: number;
  /** Null, like the boxes, when extracting from plain text. */
  page: number | null;
  key_bbox: Box | null;
  value_bbox: Box | null;
}

export interface ExtractionResult {
  templates: Array<{ template_id: string; name: string; score: number }>;
  template_id: string | null;
  /** Keyed by field name; a field not found is present with value null and confidence 0. */
  fields: Record<string, ExtractedField>;
  key_values: ExtractedKeyValue[];
  /** Table rows, each keyed by column name; absent when no table was found. */
  line_items?: Array<Record<string, ExtractedField>>;
  warnings: string[];
}

export type { Box, LayoutKeyValue, Token };
