import type { Match, ParseOptions } from './types.js';

const MONTHS: Readonly<Record<string, number>> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9,
  october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

// Longest names first so `september` is not cut to `sep`.
const MONTH_SOURCE = `(${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|')})(?![a-z])\\.?`;
const ORDINAL = '(?:st|nd|rd|th)?';

/** 2024-01-05, 2024/01/05, 2024.01.05 */
const ISO_RE = /(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/g;
/** 05/01/2024, 5/1/24, 05.01.2024, 05-01-2024: day/month order is ambiguous. */
const NUMERIC_RE = /(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])/g;
/** January 5, 2024 · Jan 5 2024 · Jan. 5th, 2024 · Jan 5 '24 */
const MONTH_FIRST_RE = new RegExp(
  `(?<![a-z])${MONTH_SOURCE}[\\s/-]*(\\d{1,2})${ORDINAL}(?!\\d)[\\s,/-]*(\\d{4}|'\\d{2})(?!\\d)`,
  'gi',
);
/** 5 Jan 2024 · 5th January 2024 · 12th day of May, 2003 · 05-JAN-24 */
const DAY_FIRST_RE = new RegExp(
  `(?<!\\d)(\\d{1,2})${ORDINAL}(?:\\s+day\\s+of)?[\\s/.-]*${MONTH_SOURCE}[\\s,/.-]*(\\d{4}|\\d{2})(?!\\d)`,
  'gi',
);

interface Hit {
  index: number;
  text: string;
  iso: string;
  confidence: number;
}

/** Two-digit years pivot at 70: 00–69 → 20xx, 70–99 → 19xx. */
function expandYear(raw: string): { year: number; short: boolean } {
  const digits = raw.replace("'", '');
  const n = Number(digits);
  if (digits.length === 4) return { year: n, short: false };
  return { year: n < 70 ? 2000 + n : 1900 + n, short: true };
}

// Computed by hand: Date.UTC maps years 0–99 to 19xx.
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `YYYY-MM-DD`, or undefined for impossible dates (Feb 30, month 13, year 0). */
export function toIsoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Picks day and month of a numeric date. An explicit order is obeyed (an impossible reading is
 * rejected, not silently flipped). Otherwise a number above 12 settles it; when both fit, slashes
 * read as MDY and dots as DMY (the dotted form is the European convention), with low confidence.
 */
function numericOrder(
  a: number,
  b: number,
  sep: string,
  order: ParseOptions['dateOrder'],
): { day: number; month: number; confidence: number } | undefined {
  if (order === 'DMY') return { day: a, month: b, confidence: 0.95 };
  if (order === 'MDY') return { day: b, month: a, confidence: 0.95 };
  if (a > 12 && b > 12) return undefined;
  if (a > 12) return { day: a, month: b, confidence: 0.95 };
  if (b > 12 || a === b) return { day: b, month: a, confidence: 0.95 };
  return sep === '.' ? { day: a, month: b, confidence: 0.7 } : { day: b, month: a, confidence: 0.6 };
}

function collect(text: string, options: ParseOptions): Hit[] {
  const hits: Hit[] = [];
  const push = (m: RegExpMatchArray, year: string, month: number, day: number, confidence: number): void => {
    const { year: y, short } = expandYear(year);
    const iso = toIsoDate(y, month, day);
    if (iso) hits.push({ index: m.index ?? 0, text: m[0], iso, confidence: short ? confidence * 0.95 : confidence });
  };
  for (const m of text.matchAll(ISO_RE)) push(m, m[1]!, Number(m[3]), Number(m[4]), 1);
  for (const m of text.matchAll(NUMERIC_RE)) {
    const order = numericOrder(Number(m[1]), Number(m[3]), m[2]!, options.dateOrder);
    if (order) push(m, m[4]!, order.month, order.day, order.confidence);
  }
  for (const m of text.matchAll(MONTH_FIRST_RE)) push(m, m[3]!, MONTHS[m[1]!.toLowerCase()]!, Number(m[2]), 1);
  for (const m of text.matchAll(DAY_FIRST_RE)) push(m, m[3]!, MONTHS[m[2]!.toLowerCase()]!, Number(m[1]), 1);
  return hits;
}

/** The first date in `text` (earliest position; the longest reading on a tie), as `YYYY-MM-DD`. */
export function parseDate(text: string, options: ParseOptions = {}): Match<string> | undefined {
  const hits = collect(text, options);
  if (hits.length === 0) return undefined;
  hits.sort((x, y) => x.index - y.index || y.text.length - x.text.length);
  const best = hits[0]!;
  return { value: best.text.trim(), normalized: best.iso, confidence: best.confidence };
}
