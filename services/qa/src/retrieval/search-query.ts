import { stem, tokenize } from './terms.js';

/** A search box query: bare words, "quoted phrases" and `term*` prefixes. */
export interface ParsedQuery {
  words: string[];
  prefixes: string[];
  phrases: string[];
}

export function parseSearchQuery(q: string): ParsedQuery {
  const phrases: string[] = [];
  const rest = q.replace(/"([^"]*)"/g, (_, p: string) => {
    if (p.trim()) phrases.push(p.trim());
    return ' ';
  });
  const words: string[] = [];
  const prefixes: string[] = [];
  for (const raw of rest.split(/\s+/)) {
    if (!raw) continue;
    const isPrefix = raw.endsWith('*');
    for (const w of tokenize(raw)) (isPrefix ? prefixes : words).push(w);
  }
  return { words, prefixes, phrases };
}

/** Typo tolerance for words of 5+ letters only: one edit, two from 9 letters. */
export const fuzzyFor = (term: string): number | false => (term.length >= 9 ? 2 : term.length >= 5 ? 1 : false);

/** Does `text` contain the phrase, word for word (case, accents, endings and spacing ignored)? */
export function containsPhrase(text: string, phrase: string): boolean {
  const want = tokenize(phrase).map(stem);
  if (!want.length) return true;
  const have = tokenize(text).map(stem);
  outer: for (let i = 0; i + want.length <= have.length; i++) {
    for (let j = 0; j < want.length; j++) if (have[i + j] !== want[j]) continue outer;
    return true;
  }
  return false;
}
