/** A run of text, as offsets. */
export interface Range {
  start: number;
  end: number;
}

// A period after these does not end a sentence ("Acme, Inc. shall", "Section 5.2 of", "U.S. law").
const ABBREVIATIONS = new Set(
  ['inc', 'co', 'corp', 'ltd', 'llc', 'no', 'nos', 'mr', 'mrs', 'ms', 'dr', 'st', 'sec', 'art', 'para', 'e.g', 'i.e', 'etc', 'vs', 'v', 'jr', 'sr', 'u.s', 'u.k', 'n.a', 'p.c', 'l.p', 'approx', 'dept', 'fig'],
);

/**
 * Sentences of a block of text, as offsets. A sentence ends at . ! or ? followed by white space and
 * a capital, digit, quote or bracket, unless the word before is an abbreviation or a single letter
 * or a section number ("5."), so clauses are never cut in the middle.
 */
export function splitSentences(text: string, from = 0, to = text.length): Range[] {
  const out: Range[] = [];
  let start = from;
  while (start < to && /\s/.test(text[start]!)) start++;
  const re = /[.!?]+["'”’)]*(?=\s+["'“‘(\[]?[\p{Lu}\p{N}])/gu;
  re.lastIndex = start;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const end = m.index + m[0].length;
    const before = /([\p{L}\p{N}.]+)$/u.exec(text.slice(Math.max(start, m.index - 12), m.index))?.[1] ?? '';
    const word = before.toLowerCase();
    if (m[0].startsWith('.') && (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word) || /^[\d.]+$/.test(word) || /^[ivxlc]+$/.test(word))) continue;
    if (end - start < 2) continue;
    out.push({ start, end });
    start = end;
    while (start < to && /\s/.test(text[start]!)) start++;
  }
  let end = to;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
  return out;
}
