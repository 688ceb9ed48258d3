import type { Match } from './types.js';

const TRUE_WORDS = new Set(['yes', 'y', 'true', 'x', 'checked', 'ticked', 'selected', 'on', '✓', '✔', '☑', '☒', '✅']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'unchecked', 'unticked', 'unselected', 'off', '☐']);

/**
 * A yes/no at the start of the text. Only the start is looked at: words like "no" occur inside
 * any sentence. The token must stand alone (`N/A` and `Nothing` are not booleans).
 */
const LEAD_RE = /^\s*(\p{L}+|[✓✔☑☒☐✅])(?![\p{L}\p{N}/])/u;

export function parseBoolean(text: string): Match<boolean> | undefined {
  const m = LEAD_RE.exec(text);
  if (!m) return undefined;
  const token = m[1]!.toLowerCase();
  const normalized = TRUE_WORDS.has(token) ? true : FALSE_WORDS.has(token) ? false : undefined;
  if (normalized === undefined) return undefined;
  // Single letters are weaker evidence than words or check marks.
  const confidence = /^[a-z]$/.test(token) ? 0.8 : 1;
  return { value: m[1]!, normalized, confidence };
}
