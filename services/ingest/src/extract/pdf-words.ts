import type { BBox, ExtractedLine, ExtractedWord } from './types.js';

/** The parts of a pdfjs text item used here: one run of text drawn with one font and transform. */
export interface TextRun {
  str: string;
  /** Text space → page space: [a, b, c, d, e, f], the run's origin on the baseline at (e, f). */
  transform: number[];
  /** Advance of the whole run, in page units. */
  width: number;
  height: number;
  fontName: string;
  hasEOL: boolean;
}

export interface RunStyle {
  ascent: number;
  descent: number;
  fontFamily: string;
}

export interface PageViewport {
  width: number;
  height: number;
  /** PDF page space → top-left-origin viewport space (rotation and crop box applied). */
  convertToViewportPoint(x: number, y: number): number[];
}

// Advance widths (1/1000 em) of ASCII 32..126 in Helvetica and Times-Roman (Adobe core 14 AFM).
// pdfjs gives the width of a whole run, not of each glyph; these relative widths place each word
// within its run far better than counting characters ("m" is 3.8 times as wide as "i").
// prettier-ignore
const HELVETICA = [278,278,355,556,556,889,667,191,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,278,278,584,584,584,556,1015,667,667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,667,611,722,667,944,667,667,611,278,278,278,469,556,333,556,556,500,556,556,278,556,556,222,222,500,222,833,556,556,556,556,333,500,278,556,500,722,500,500,500,334,260,334,584];
// prettier-ignore
const TIMES = [250,333,408,500,500,833,778,180,333,333,500,564,250,333,250,278,500,500,500,500,500,500,500,500,500,500,278,278,564,564,564,444,921,722,667,667,722,611,556,722,722,333,389,722,611,889,722,722,556,722,667,556,611,722,722,944,722,722,611,333,278,333,469,500,333,444,500,444,500,444,333,500,500,278,278,500,278,778,500,500,500,500,333,389,278,500,500,722,500,500,444,480,200,480,541];
const WIDE_CHARS_FROM = 0x2e80; // CJK and later: full-width
const MAX_ASCENT = 0.8;
const MIN_DESCENT = -0.3;
const DEFAULT_DESCENT = -0.2;

function charWidth(table: number[] | null, ch: string): number {
  if (!table) return 1; // monospaced
  const code = ch.normalize('NFD').charCodeAt(0); // "é" is as wide as "e"
  if (code >= 32 && code < 127) return table[code - 32]!;
  return code >= WIDE_CHARS_FROM ? 1000 : table[0x6e - 32]!; // otherwise as wide as an "n"
}

/** Bounds of a word on the page in viewport units, before normalisation. */
interface RawWord {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  line: number;
}

const union = (p: RawWord, q: RawWord): RawWord => ({
  ...p,
  x0: Math.min(p.x0, q.x0),
  y0: Math.min(p.y0, q.y0),
  x1: Math.max(p.x1, q.x1),
  y1: Math.max(p.y1, q.y1),
});

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Words and lines of one PDF page from its text runs, in content order (which is reading order for
 * nearly every producer). Each run is split into words at whitespace; a word's extent within its run
 * comes from standard-font metrics; its height spans the font's descent to ascent. A word continued
 * by the next run (no space, touching) is merged. A new line starts at an end-of-line mark or when
 * the baseline moves. Boxes are [x, y, w, h] as fractions of the (rotated) page, origin top-left.
 */
export function pageWords(
  runs: Iterable<TextRun>,
  styles: Record<string, RunStyle>,
  viewport: PageViewport,
): { text: string; words: ExtractedWord[]; lines: ExtractedLine[] } {
  const raw: RawWord[] = [];
  let line = 0;
  let previous: { e: number; f: number; size: number; eol: boolean; spaceAfter: boolean } | null = null;

  for (const run of runs) {
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = run.transform;
    const size = Math.hypot(c, d) || run.height || 1;
    const along = Math.hypot(a, b) || 1;
    const [ux, uy] = [a / along, b / along]; // writing direction
    const [vx, vy] = [-uy, ux]; // "up", perpendicular to it
    if (previous && (previous.eol || Math.abs((e - previous.e) * vx + (f - previous.f) * vy) > size / 2)) line++;

    const style = styles[run.fontName];
    const table = style?.fontFamily === 'monospace' ? null : style?.fontFamily === 'serif' ? TIMES : HELVETICA;
    // Font ascents leave room for accents and line spacing (often 0.9-1 em) while letters reach about
    // 0.72 em: capped at 0.8 em, boxes stay close to the ink. pdfjs reports 0 when a font has no metrics.
    const ascent = style && style.ascent > 0 ? Math.min(style.ascent, MAX_ASCENT) : MAX_ASCENT;
    const descent = style && style.descent < 0 ? Math.max(style.descent, MIN_DESCENT) : DEFAULT_DESCENT;
    const offsets = [0];
    for (const ch of run.str) offsets.push(offsets[offsets.length - 1]! + charWidth(table, ch));
    // offsets is indexed by code point, matchAll by UTF-16 unit: index through the code point array.
    const codePoints = [...run.str];
    const scale = run.width / (offsets[offsets.length - 1] || 1);

    let unit = 0;
    let point = 0;
    for (const m of run.str.matchAll(/\S+/g)) {
      while (unit < m.index) unit += codePoints[point++]!.length;
      const start = point;
      while (unit < m.index + m[0].length) unit += codePoints[point++]!.length;
      const corners = [offsets[start]! * scale, offsets[point]! * scale].flatMap((t) =>
        [descent * size, ascent * size].map((h) => viewport.convertToViewportPoint(e + ux * t + vx * h, f + uy * t + vy * h)),
      );
      const xs = corners.map((p) => p[0]!);
      const ys = corners.map((p) => p[1]!);
      const word: RawWord = { text: m[0], x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys), line };

      const last = raw[raw.length - 1];
      const continues =
        start === 0 && // the run starts with this word, no space before it
        previous !== null &&
        !previous.spaceAfter &&
        last?.line === line &&
        Math.max(word.x0 - last.x1, last.x0 - word.x1, word.y0 - last.y1, last.y0 - word.y1) < size / 4;
      if (continues) raw[raw.length - 1] = { ...union(last, word), text: last.text + word.text };
      else raw.push(word);
    }
    previous = { e, f, size, eol: run.hasEOL, spaceAfter: run.str === '' || /\s$/.test(run.str) };
  }

  // Words entirely off the visible page are not part of it.
  const { width, height } = viewport;
  const visible = raw.filter((w) => w.x1 > 0 && w.y1 > 0 && w.x0 < width && w.y0 < height);
  const toBox = (w: RawWord): BBox => {
    const [x0, y0, x1, y1] = [clamp01(w.x0 / width), clamp01(w.y0 / height), clamp01(w.x1 / width), clamp01(w.y1 / height)];
    return [x0, y0, x1 - x0, y1 - y0];
  };
  const words = visible.map((w): ExtractedWord => ({ text: w.text, bbox: toBox(w), confidence: 1 }));
  const lines: ExtractedLine[] = [];
  for (let i = 0; i < visible.length; ) {
    let j = i;
    while (j < visible.length && visible[j]!.line === visible[i]!.line) j++;
    const members = visible.slice(i, j);
    lines.push({ text: members.map((w) => w.text).join(' '), bbox: toBox(members.reduce(union)) });
    i = j;
  }
  return { text: lines.map((l) => l.text).join('\n'), words, lines };
}
