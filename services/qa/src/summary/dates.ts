import type { FactText } from './fact-text.js';
import { matchesOf, type Match, type Parsed } from './nlp.js';

/** A month's name, in full or abbreviated ("March", "Sept."). */
export const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DAY = String.raw`\d{1,2}(?:st|nd|rd|th)?`;
const YEAR = String.raw`\s*,?\s*\d{4}`;
/** Calendar dates spelled with a month name: "March 3, 2025", "12th day of May, 2003", "3 March 2025", "March 2025". */
const NAMED_DATE = [`\\b${DAY}\\s+(?:day\\s+of\\s+)?${MONTH}(?:${YEAR})?\\b`, `\\b${MONTH}\\s+${DAY}\\b(?:${YEAR}\\b)?`, `\\b${MONTH}${YEAR}\\b`].join('|');
/** Numeric dates: "5/12/03", "2025-03-03". */
const NUMERIC_DATE = String.raw`\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b`;
const CALENDAR_DATE = new RegExp(`${NAMED_DATE}|${NUMERIC_DATE}`, 'g');
const NAMED_DATE_ONLY = new RegExp(NAMED_DATE, 'g');

const within = (m: Match, pattern: RegExp): Match[] => Array.from(m.text.matchAll(pattern), (d) => ({ text: d[0], start: m.start + d.index }));

/**
 * Calendar dates as written. compromise-dates finds date phrases; only the calendar date inside
 * each is kept ("on this 12th day of May 2003" → "12th day of May 2003"), which drops durations
 * and relative phrases ("thirty (30) days", "each year"). compromise passes over some dates next to
 * money ("on March 3, 2025 for €500"), so dates with a month name are also looked for directly;
 * bare numbers like "10.1.12" count only where compromise reads them as a date.
 */
export function findDates(doc: Parsed, fed: FactText): Match[] {
  const phrases = matchesOf(doc.dates()).map((m) => fed.inDocument(m));
  const named = within({ text: fed.text, start: 0 }, NAMED_DATE_ONLY).map((m) => fed.inDocument(m));
  return [...phrases.flatMap((m) => within(m, CALENDAR_DATE)), ...named];
}
