import { snakeKeys } from '@perceptiq/platform';

/**
 * Extraction answers from GraphQL to API.md's form. Not a blanket `snakeKeys`: field names and
 * table columns are the client's data (a template may name a field `invoiceNo`), so they are
 * kept as they are, and fields arrive as a list that API.md keys by name.
 */

interface WireField {
  name: string;
  sourceText: string | null;
  [key: string]: unknown;
}

interface WireExtraction {
  fields: WireField[];
  keyValues: unknown[];
  lineItems: unknown[] | null;
  [key: string]: unknown;
}

const fieldsOut = (fields: WireField[]) =>
  Object.fromEntries(fields.map(({ name, sourceText, ...f }) => [name, { ...f, source_text: sourceText }]));

/** A smart-extraction result or a stored document's extraction; `line_items` left out when no table was found. */
export function extractionOut(wire: WireExtraction): Record<string, unknown> {
  const { fields, keyValues, lineItems, ...rest } = wire;
  return {
    ...snakeKeys<Record<string, unknown>>(rest),
    fields: fieldsOut(fields),
    key_values: snakeKeys(keyValues),
    ...(lineItems ? { line_items: lineItems } : {}),
  };
}

/** The GraphQL selection both extraction shapes share. */
export const EXTRACTED_FIELDS = 'fields { name value normalized confidence page bbox sourceText } keyValues { key value confidence page keyBbox valueBbox } lineItems';
