/** Typed value parsing and normalization for extracted template fields (pure, no I/O). */
export { guessTypes } from './guess.js';
export { parseValue } from './parse-value.js';
export { FIELD_TYPES, type FieldType, type Money, type ParsedValue, type ParseOptions } from './types.js';
