import type { Token } from '../../src/layout/index.js';

/** Character width and word space used by the synthetic pages (fractions of the page). */
export const CHAR = 0.01;
export const SPACE = 0.005;
export const HEIGHT = 0.02;

/** Word tokens of `text` laid out from (x, y) like a proportional font would. */
export function words(text: string, x: number, y: number, page = 1): Token[] {
  const out: Token[] = [];
  let at = x;
  for (const w of text.split(' ')) {
    out.push({ text: w, page, bbox: [at, y, w.length * CHAR, HEIGHT] });
    at += w.length * CHAR + SPACE;
  }
  return out;
}
