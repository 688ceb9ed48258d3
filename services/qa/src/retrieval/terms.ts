/**
 * Turning text into index terms, the same way for documents and queries: lower case, accents
 * folded, and a light suffix strip so that renew/renewal/renewed and terminate/termination meet.
 */
const SUFFIXES = ['ations', 'ation', 'ating', 'ated', 'ates', 'ate', 'ments', 'ment', 'ings', 'ing', 'ables', 'able', 'als', 'al', 'ed', 'es', 's'];
const MIN_STEM = 4;

export function fold(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function stem(word: string): string {
  const w = fold(word);
  if (!/^[a-z]+$/.test(w)) return w;
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= MIN_STEM) return w.slice(0, -suffix.length);
  }
  return w;
}

/** Words (letters and digits, any script) with their offsets; CJK runs come out whole. */
export function* words(text: string): Generator<{ word: string; start: number; end: number }> {
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) yield { word: m[0], start: m.index, end: m.index + m[0].length };
}

export const tokenize = (text: string): string[] => Array.from(words(text), (w) => w.word);
