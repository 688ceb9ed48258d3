import type { ExtractionInput } from './types.js';
import { buildLines, findKeyValues, type KeyValue, type Line, type Token } from '../layout/index.js';

/** Lowercase words and '#', single-spaced: how labels, keys and anchors are compared. */
export const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}#]+/gu, ' ').trim();

/** A document as the engine reads it: lines in reading order, their label → value pairs, and its text. */
export interface ReadDocument {
  lines: Line[];
  /** Each line's `norm` text, by index. */
  normed: string[];
  pairs: KeyValue[];
  /** All lines' `norm` text, space-joined and space-padded, for anchor search. */
  text: string;
  /** From plain text: boxes and pages are made up for layout and must not be reported. */
  textOnly: boolean;
}

/** Plain text as one token per line, stacked down a page, so layout rules apply to it too. */
function textTokens(text: string): Token[] {
  const rows = text.split(/\r?\n/).map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean).slice(0, 20_000);
  const h = 1 / (rows.length + 1);
  return rows.map((row, i) => ({ text: row, page: 1, bbox: [0, i * h, Math.min(1, Math.max(0.01, row.length * 0.008)), h * 0.8] }));
}

export function readDocument(input: ExtractionInput): ReadDocument {
  const textOnly = input.tokens.length === 0;
  const lines = buildLines(textOnly ? textTokens(input.text) : input.tokens);
  const normed = lines.map((l) => norm(l.text));
  return { lines, normed, pairs: findKeyValues(lines), text: ` ${normed.join(' ')} `, textOnly };
}
