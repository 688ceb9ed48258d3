import { stem, words } from './terms.js';

const SNIPPET_CHARS = 240;

/**
 * A window of `text` around the first matched word, cut at word boundaries, with the offsets of
 * every matched word inside it. `matches` are index terms (stemmed), as the index reports them.
 */
export function makeSnippet(text: string, matches: Set<string>, prefixes: string[] = []): { snippet: string; highlights: Array<[number, number]> } {
  const all = Array.from(words(text));
  const hit = (w: string) => {
    const s = stem(w);
    return matches.has(s) || prefixes.some((p) => s.startsWith(p));
  };
  const first = all.find((w) => hit(w.word));
  let start = first ? Math.max(0, first.start - 60) : 0;
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < (first?.start ?? start) ? space + 1 : start;
  }
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const raw = text.slice(start, end);
  // Runs of white space (the gaps of PDF text) collapse to one space.
  let snippet = '';
  for (let i = 0; i < raw.length; i++) {
    const c = /\s/.test(raw[i]!) ? ' ' : raw[i]!;
    if (c === ' ' && (snippet.endsWith(' ') || snippet === '')) continue;
    snippet += c;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  snippet = snippet.trimEnd();
  const highlights: Array<[number, number]> = [];
  for (const w of words(snippet)) if (hit(w.word)) highlights.push([w.start + prefix.length, w.end + prefix.length]);
  return { snippet: prefix + snippet + suffix, highlights };
}
