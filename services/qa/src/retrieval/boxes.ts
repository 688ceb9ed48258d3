import type { BBox, SourceDocument } from './types.js';

/** Each word of a page located in the page text (offsets), in reading order. */
export interface PlacedWord {
  start: number;
  end: number;
  bbox: BBox;
}

/**
 * Finds every word of the page in its text, in order. A word that cannot be found near where the
 * previous one ended (OCR text and word lists may disagree) is skipped rather than misplaced.
 */
export function placeWords(page: SourceDocument['pages'][number]): PlacedWord[] {
  const placed: PlacedWord[] = [];
  let cursor = 0;
  for (const w of page.words ?? []) {
    if (!w.text) continue;
    const at = page.text.indexOf(w.text, cursor);
    if (at < 0 || at - cursor > 200) continue;
    placed.push({ start: at, end: at + w.text.length, bbox: w.bbox });
    cursor = at + w.text.length;
  }
  return placed;
}

/** The union box of the words overlapping [start, end), or undefined when none does. */
export function unionBox(words: PlacedWord[], start: number, end: number): BBox | undefined {
  // Binary search for the first word ending after `start`.
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = lo; i < words.length && words[i]!.start < end; i++) {
    const [x, y, w, h] = words[i]!.bbox;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + w); y1 = Math.max(y1, y + h);
  }
  if (x0 === Infinity) return undefined;
  const r = (n: number) => Math.round(n * 1e4) / 1e4;
  return [r(x0), r(y0), r(x1 - x0), r(y1 - y0)];
}
