import { MONTH } from './dates.js';
import type { FactText } from './fact-text.js';
import { matchesOf, type Match, type Parsed } from './nlp.js';

const NUMBER_WORD =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred';
const NUMBER_WORDS = `(?:${NUMBER_WORD})(?:[\\s-]+(?:and\\s+)?(?:${NUMBER_WORD}))*`;
const UNIT = String.raw`(?:(?:business|calendar|working|consecutive)\s+)?(?:days?|weeks?|months?|quarters?|years?)`;
/** "the 19 day of March" is a date. */
const NOT_A_DATE = `(?!\\s+of\\s+${MONTH})`;
/** "two (2) years", "90 days", "2 (two) years", "twelve month", "one-week", "sixty (60) calendar days". */
const DURATION = new RegExp(`\\b(?:(?:${NUMBER_WORDS})(?:\\s*\\(\\d+\\))?|\\d+(?:\\s*\\((?:${NUMBER_WORDS})\\))?)[\\s-]+${UNIT}\\b${NOT_A_DATE}`, 'gi');

const durationsIn = (m: Match): Match[] => Array.from(m.text.matchAll(DURATION), (d) => ({ text: d[0], start: m.start + d.index }));

/**
 * Lengths of time that set a contract's terms (initial term, renewal, notice, cure, payment),
 * as written. compromise finds them as durations, or as date phrases ("two (2) years from the
 * Effective Date"); the count and unit inside each are kept ("one (1) year periods" → "one (1)
 * year"), which drops ordinals and dates ("first year", "31st day").
 */
export function findTerms(doc: Parsed, fed: FactText): Match[] {
  return [...matchesOf(doc.durations()), ...matchesOf(doc.dates())].map((m) => fed.inDocument(m)).flatMap(durationsIn);
}
