import { stem, tokenize, words } from './terms.js';

const SNIPPET_CHARS = 240;

interface Word {
  word: string;
  start: number;
  end: number;
}

/** Where each phrase occurs in a run of words: the offsets from its first word's start to its last word's end. */
function phraseRanges(all: Word[], phrases: string[][]): Array<[number, number]> {
  const stems = all.map((w) => stem(w.word));
  const out: Array<[number, number]> = [];
  for (const phrase of phrases) {
    for (let i = 0; phrase.length && i + phrase.length <= stems.length; i++) {
      if (phrase.every((p, j) => stems[i + j] === p)) out.push([all[i]!.start, all[i + phrase.length - 1]!.end]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * A window of `text` around the first match, cut at word boundaries, with the offsets of every
 * match inside it: each matched word (`matches` are index terms, stemmed, as the index reports
 * them; `prefixes` stemmed too), and each occurrence of a quoted phrase as one range.
 */
export function makeSnippet(
  text: string,
  matches: Set<string>,
  prefixes: string[] = [],
  phrases: string[] = [],
): { snippet: string; highlights: Array<[number, number]> } {
  const phraseStems = phrases.map((p) => tokenize(p).map(stem));
  const all = Array.from(words(text));
  const hit = (w: string) => {
    const s = stem(w);
    return matches.has(s) || prefixes.some((p) => s.startsWith(p));
  };
  const firstPhrase = phraseRanges(all, phraseStems)[0]?.[0];
  const firstWord = all.find((w) => hit(w.word))?.start;
  const at = Math.min(firstPhrase ?? Infinity, firstWord ?? Infinity);
  const first = Number.isFinite(at) ? { start: at } : undefined;
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
  const inSnippet = Array.from(words(snippet));
  const ranges = [...phraseRanges(inSnippet, phraseStems), ...inSnippet.filter((w) => hit(w.word)).map((w): [number, number] => [w.start, w.end])];
  // A word inside a highlighted phrase is not highlighted again.
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const highlights: Array<[number, number]> = [];
  for (const [start, end] of ranges) if (!highlights.length || start >= highlights.at(-1)![1] - prefix.length) highlights.push([start + prefix.length, end + prefix.length]);
  return { snippet: prefix + snippet + suffix, highlights };
}
