import { MONTH } from './dates.js';
import type { Match } from './nlp.js';
import type { Segment } from './segments.js';

/**
 * compromise tags every word, at some 10 ms per 1,000 characters, so it reads a bounded text: the
 * opening of the document (preamble: parties, date) and after it only the sentences that can hold
 * a fact, until this budget is spent. Contracts state their parties, dates and terms early.
 */
const MAX_FACT_CHARS = 8_000;
const OPENING_CHARS = 2_000;
/** One sentence is read this far at most (a list or table run together can be pages long). */
const MAX_PIECE_CHARS = 1_000;
const FACT_CUE = new RegExp(
  [
    `\\b${MONTH}\\b`,
    String.raw`\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b`,
    String.raw`[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|dollars?|euros?)\b`,
    String.raw`\b(?:days?|weeks?|months?|years?)\b`,
    String.raw`\b(?:Inc|Ltd|LLC|LLP|L\.P|Corp|Corporation|Company|Limited|GmbH|AG|S\.A|plc|PLC)\b`,
  ].join('|'),
);

/** What compromise reads, and where each of its offsets lies in the document. */
export interface FactText {
  text: string;
  /** A match's offsets moved from `text` onto the document's. */
  inDocument(match: Match): Match;
}

/**
 * The pieces go in one per line, so compromise never runs a sentence into the next. Inside a
 * piece, line breaks become spaces (a name wrapped over two lines stays one name), except in
 * non-sentences (tables, signature blocks), where a wide gap parts columns and becomes a break.
 */
export function factText(text: string, segments: Segment[], isSentence: (s: Segment) => boolean): FactText {
  const pieces: Array<{ from: number; at: number }> = [];
  let fed = '';
  for (const s of segments) {
    if (s.heading) continue;
    const raw = text.slice(s.start, Math.min(s.end, s.start + MAX_PIECE_CHARS));
    if (s.start >= OPENING_CHARS && !FACT_CUE.test(raw)) continue;
    if (fed.length + raw.length > MAX_FACT_CHARS) break;
    const columns = !isSentence(s);
    pieces.push({ from: fed.length, at: s.start });
    fed += raw.replace(/\s+/g, (gap) => (columns && /^[ \t]{3,}$|\n/.test(gap) ? '\n'.padEnd(gap.length) : ' '.repeat(gap.length))) + '\n';
  }
  return {
    text: fed,
    inDocument(match) {
      let lo = 0;
      for (let hi = pieces.length - 1; lo < hi;) {
        const mid = (lo + hi + 1) >> 1;
        if (pieces[mid]!.from <= match.start) lo = mid;
        else hi = mid - 1;
      }
      const piece = pieces[lo];
      return { text: match.text, start: piece ? piece.at + match.start - piece.from : match.start };
    },
  };
}
