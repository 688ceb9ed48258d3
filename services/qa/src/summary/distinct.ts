import type { Match } from './nlp.js';

/** Trailing punctuation that compromise keeps with a match ("June 30, 1996.", "ten dollars,"). */
const trimPunctuation = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.,;:]+$/, '');

/**
 * The texts of `matches` in document order, each once (case and spacing aside), at most
 * `limit`. Of matches that overlap, the longest stands ("$1.5 million" over "$1.5", "July 11,
 * 2006" over "July 11"): two finders often report the same fact at different lengths.
 */
export function distinctInOrder(matches: Match[], limit: number): string[] {
  const apart: Match[] = [];
  for (const m of [...matches].sort((a, b) => b.text.length - a.text.length || a.start - b.start)) {
    if (!apart.some((k) => m.start < k.start + k.text.length && k.start < m.start + m.text.length)) apart.push(m);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of apart.sort((a, b) => a.start - b.start)) {
    const text = trimPunctuation(m.text);
    const key = text.toLowerCase();
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
    if (out.length === limit) break;
  }
  return out;
}
