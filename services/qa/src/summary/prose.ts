import { words } from '../retrieval/terms.js';

const MIN_WORDS = 6;
const ENDS_SENTENCE = /[.!?。！？]["'”’)\]]*$/u;
/** "(a)", "1.", "2.3", "iv)" before a sentence: numbering, not words of it. */
const ENUMERATOR = /^(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[A-Za-z]|[ivxlcIVXLC]{1,5})[.)]|\d{1,3}(?:\.\d{1,3})+)\s+/;
/** Signature blocks and the filing notices of exhibits ("Confidential treatment requested…", "Portions … have been omitted"). */
const NOT_CONTENT =
  /_{3,}|\/s\/|\b(?:By|Name|Title|Signature|Its|Date)\s*:|^IN WITNESS WHEREOF|\bconfidential treatment\b|\bportions\b[^.]{0,80}\b(?:omitted|redacted)\b|\b(?:omitted|redacted) portions\b|\bredactions\b/i;
/** Scripts written without spaces between words: a run of them counts as several words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** A sentence as a reader sees it: white space collapsed, numbering dropped. */
export function displayText(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().replace(ENUMERATOR, '');
}

function wordCount(text: string): number {
  let n = 0;
  for (const { word } of words(text)) n += UNSPACED.test(word) ? Math.ceil(word.length / 2) : 1;
  return n;
}

/**
 * A real sentence worth summarising: whole, long enough to say something, mostly words and
 * not shouted in capitals (a heading run into the text), and no signature line or filing notice.
 */
export function isProse(text: string): boolean {
  // A sentence opening in lower case is the tail of one cut short (after "e.g." or a list).
  if (!ENDS_SENTENCE.test(text) || NOT_CONTENT.test(text) || /^\p{Ll}/u.test(text)) return false;
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const lower = text.match(/\p{Ll}/gu)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const visible = text.replace(/\s/g, '').length;
  return upper <= lower && letters * 2 >= visible && wordCount(text) >= MIN_WORDS;
}
