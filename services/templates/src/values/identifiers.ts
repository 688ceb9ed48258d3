import type { Match } from './types.js';

/** Alphanumeric runs joined by `-`, `/` or `.`; inner punctuation only, so trailing dots drop off. */
const TOKEN_RE = /[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)*/gu;
/** A label in front of the number, e.g. `PO# 4500012345`, `No. 17`, `#123`. */
const LABEL_RE = /(?:(?<![\p{L}\p{N}])[\p{L}]{1,4}\.?\s*#|#|(?<![\p{L}\p{N}])No\.|(?<![\p{L}\p{N}])Nr\.)\s*$/iu;

/**
 * The first identifier-like token: letters/digits with `-`, `/`, `.`, containing a digit. The
 * normalized form is the bare token; `value` keeps a directly preceding label such as `PO#` so it
 * shows what was read. Tokens of digits (and separators) alone may just be numbers or dates, so
 * they get lower confidence.
 */
export function parseId(text: string): Match<string> | undefined {
  for (const m of text.matchAll(TOKEN_RE)) {
    const token = m[0];
    if (!/\p{N}/u.test(token)) continue;
    // A plain decimal (`12.50`) is a quantity, not an identifier.
    if (/^\d+\.\d+$/.test(token)) continue;
    const start = m.index ?? 0;
    const label = LABEL_RE.exec(text.slice(Math.max(0, start - 12), start));
    const value = label ? `${label[0].trimStart()}${token}` : token;
    const hasLetter = /\p{L}/u.test(token);
    return { value, normalized: token, confidence: hasLetter || label ? 0.9 : 0.5 };
  }
  return undefined;
}
