/** The value types an extracted field can hold. */
export type FieldType =
  | 'string'
  | 'date'
  | 'money'
  | 'number'
  | 'id'
  | 'address'
  | 'email'
  | 'phone'
  | 'percent'
  | 'boolean';

export const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'date',
  'money',
  'number',
  'id',
  'address',
  'email',
  'phone',
  'percent',
  'boolean',
];

/** A typed value found in text. `value` is the text as found (trimmed); `confidence` (0..1) is of the parse. */
export interface ParsedValue {
  value: string;
  normalized: unknown;
  confidence: number;
}

export interface ParseOptions {
  /** Order of numeric dates such as `05/01/2024`; without it the order is inferred. */
  dateOrder?: 'DMY' | 'MDY';
  /** ISO 4217 code for amounts that carry no currency. */
  defaultCurrency?: string;
}

/** Normalized form of a money value (API contract). */
export interface Money {
  amount: number;
  currency: string | null;
}

/**
 * What a single-type parser returns: `value` is the matched text, `confidence` the parser's own
 * certainty. Whether the match covers the whole input is judged once, in parse-value.ts.
 */
export interface Match<T> {
  value: string;
  normalized: T;
  confidence: number;
}
