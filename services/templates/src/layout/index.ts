/**
 * Layout core of smart extraction (pure, no I/O): normalize partner OCR tokens to page-fraction
 * boxes, group them into lines in reading order, and find label → value pairs by position.
 */
export { normalizeTokens } from './normalize.js';
export { buildLines } from './lines.js';
export { findKeyValues } from './key-values.js';
export { boxesOf, tokensOf, unionBox, xOverlap, yOverlap, bottom, right, sameRow } from './geometry.js';
export { rowsOf } from './tables.js';
export type { Box, InputToken, KeyValue, Line, PageSize, Token } from './types.js';
