import type { Match } from './types.js';

/** Characters that group thousands besides `.` and `,` (space, NBSP, narrow NBSP, Swiss apostrophe). */
const SPACE_GROUP = "[ \\u00a0\\u202f']";

/**
 * Source of a numeral: digits with `.`/`,` anywhere, and a space-like group separator only when
 * exactly three digits follow (so `12 500` is one number but `5 2024` is not). Ends on a digit, so
 * sentence punctuation after a number is not swallowed.
 */
export const NUMERAL_SOURCE = `\\d(?:(?:[\\d.,]|${SPACE_GROUP}(?=\\d{3}(?!\\d)))*\\d)?`;

/** A leading sign, only when not glued to a word (so `INV-123` is not -123). */
export const SIGN_SOURCE = '(?<![\\p{L}\\p{N}])[-+\\u2212]';

export interface Numeral {
  value: number;
  /** True when a lone separator before three digits was read as grouping (`1,234` → 1234). */
  ambiguous: boolean;
}

/**
 * Reads a numeral whose decimal separator may be `.` or `,`. The last separator decides:
 * when both kinds occur the last is the decimal point; a repeated separator only groups
 * (`1.234.567`); a lone separator followed by exactly three digits groups (`1,234`), otherwise it is
 * the decimal point (`12,50`). Group sizes are checked, so `1,23,4` is rejected.
 */
export function interpretNumeral(raw: string): Numeral | undefined {
  if (!/^\d[\d.,\u00a0\u202f' ]*$/u.test(raw) || !/\d$/.test(raw)) return undefined;
  const lastSep = Math.max(raw.lastIndexOf('.'), raw.lastIndexOf(','));
  const spaced = /[ \u00a0\u202f']/u.test(raw);

  let intRaw = raw;
  let frac = '';
  let ambiguous = false;
  if (lastSep >= 0) {
    const sep = raw[lastSep];
    const other = sep === '.' ? ',' : '.';
    const sepCount = raw.split(sep).length - 1;
    const after = raw.slice(lastSep + 1);
    const before = raw.slice(0, lastSep);
    if (raw.includes(other)) {
      // Both kinds present: the last is the decimal point and must occur once.
      if (sepCount > 1) return undefined;
      intRaw = before;
      frac = after;
    } else if (sepCount > 1) {
      intRaw = raw;
    } else if (after.length === 3 && before !== '0' && /^\d{1,3}$/.test(before) && !spaced) {
      // `1,234`: three digits after a lone separator read as thousands (the common invoice case).
      intRaw = raw;
      ambiguous = true;
    } else {
      intRaw = before;
      frac = after;
    }
  }
  if (!/^\d+$/.test(frac) && frac !== '') return undefined;

  const groups = intRaw.split(/[.,\u00a0\u202f' ]/u);
  if (groups.length > 1) {
    // Only one kind of punctuation separator may group the integer part.
    const punct = new Set(intRaw.replace(/[^.,]/g, ''));
    if (punct.size > 1) return undefined;
    if (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return undefined;
  }
  const value = Number(`${groups.join('')}${frac === '' ? '' : `.${frac}`}`);
  return Number.isFinite(value) ? { value, ambiguous } : undefined;
}

const NUMBER_RE = new RegExp(`(${SIGN_SOURCE})?(${NUMERAL_SOURCE})`, 'gu');

export function applySign(value: number, sign: string | undefined): number {
  return sign === '-' || sign === '\u2212' ? -value : value;
}

/** The first number in `text` (a plain quantity; no currency or percent handling). */
export function parseNumber(text: string): Match<number> | undefined {
  for (const m of text.matchAll(NUMBER_RE)) {
    const numeral = interpretNumeral(m[2]!);
    if (!numeral) continue;
    return { value: m[0], normalized: applySign(numeral.value, m[1]), confidence: numeral.ambiguous ? 0.8 : 1 };
  }
  return undefined;
}

const PERCENT_RE = new RegExp(`(${SIGN_SOURCE})?(${NUMERAL_SOURCE})\\s*(?:[%\\uff05\\u066a]|percent(?![\\p{L}])|pct(?![\\p{L}]))`, 'giu');

/** The first percentage in `text`, normalized to its number (`12,5 %` → 12.5). */
export function parsePercent(text: string): Match<number> | undefined {
  for (const m of text.matchAll(PERCENT_RE)) {
    const numeral = interpretNumeral(m[2]!);
    if (!numeral) continue;
    return { value: m[0], normalized: applySign(numeral.value, m[1]), confidence: numeral.ambiguous ? 0.8 : 1 };
  }
  return undefined;
}
