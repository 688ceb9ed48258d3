import type { Box, Line, PageSize, Token } from './types.js';

/** Rounding slack for boxes that touch the page edge (normalized coordinates). */
const EDGE_EPS = 1e-6;

export const right = (b: Box): number => b[0] + b[2];
export const bottom = (b: Box): number => b[1] + b[3];
export const centerY = (b: Box): number => b[1] + b[3] / 2;

/** Same visual row: the boxes share at least this fraction of the smaller height. */
const SAME_ROW = 0.5;
export const sameRow = (a: Box, b: Box): boolean => yOverlap(a, b) >= SAME_ROW * Math.min(a[3], b[3]);

/** Length of the overlap of two boxes' x ranges (0 when apart). */
export function xOverlap(a: Box, b: Box): number {
  return Math.max(0, Math.min(right(a), right(b)) - Math.max(a[0], b[0]));
}

/** Length of the overlap of two boxes' y ranges (0 when apart). */
export function yOverlap(a: Box, b: Box): number {
  return Math.max(0, Math.min(bottom(a), bottom(b)) - Math.max(a[1], b[1]));
}

/**
 * The smallest box holding all the given boxes. A single box comes back as an exact copy so that
 * a value made of one token keeps the token's box to the bit; unions are rounded to 1e-6 (far
 * below a pixel) so that float noise such as 0.09999999999999998 does not leak into outputs.
 */
export function unionBox(boxes: readonly Box[]): Box {
  if (boxes.length === 1) return [...boxes[0]!];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y, w, h] of boxes) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + w); y1 = Math.max(y1, y + h);
  }
  if (x0 === Infinity) return [0, 0, 0, 0];
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return [r(x0), r(y0), r(x1 - x0), r(y1 - y0)];
}

/** The part of a token's box holding characters [from, to) of its text, assuming even widths. */
export function sliceBox(box: Box, textLength: number, from: number, to: number): Box {
  if (textLength <= 0 || (from <= 0 && to >= textLength)) return [...box];
  const [x, y, w, h] = box;
  return [x + (w * from) / textLength, y, (w * (to - from)) / textLength, h];
}

/** The line's tokens, or the line itself as one token when it carries none. */
export const tokensOf = (line: Line): Token[] => (line.tokens.length ? line.tokens : [{ text: line.text, page: line.page, bbox: line.bbox }]);

/** Boxes of the characters [from, to) of the tokens joined with single spaces. */
export function boxesOf(tokens: Token[], from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let at = 0;
  for (const t of tokens) {
    const s = Math.max(from, at) - at;
    const e = Math.min(to, at + t.text.length) - at;
    if (e > s) boxes.push(sliceBox(t.bbox, t.text.length, s, e));
    at += t.text.length + 1;
  }
  return boxes;
}

const isNum = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** A box in the source's units, and whether those units look like pixels rather than fractions. */
interface RawBox {
  box: Box;
  pixels: boolean;
}

/** [x, y, w, h]; an 8-number or point list given as `bbox` is read as a polygon (lenient). */
function fromBbox(v: unknown): RawBox | string {
  if (!Array.isArray(v)) {
    if (v !== null && typeof v === 'object' && 'Left' in v) return fromBoundingBox(v);
    return 'bbox is not a list of numbers';
  }
  if (v.length !== 4 || typeof v[0] === 'object') return fromPolygon(v);
  if (!v.every(isNum)) return 'bbox is not a list of numbers';
  const [x, y, w, h] = v as number[] as Box;
  if (w < 0 || h < 0) return 'bbox has a negative size';
  return { box: [x, y, w, h], pixels: v.some((n: number) => n > 1) };
}

/** Azure-style `[x1,y1,…,x4,y4]`, `[{x,y}…]` or `[[x,y]…]`: the axis-aligned bounding box. */
function fromPolygon(v: unknown): RawBox | string {
  if (!Array.isArray(v) || v.length === 0) return 'polygon is not a list of points';
  const xs: number[] = [];
  const ys: number[] = [];
  if (v.every(isNum)) {
    if (v.length < 4 || v.length % 2 !== 0) return 'polygon has an odd or too small number of coordinates';
    for (let i = 0; i < v.length; i += 2) { xs.push(v[i] as number); ys.push(v[i + 1] as number); }
  } else {
    for (const p of v as unknown[]) {
      const pt: Record<string, unknown> | undefined =
        Array.isArray(p) ? { x: p[0], y: p[1] } : p !== null && typeof p === 'object' ? (p as Record<string, unknown>) : undefined;
      const px = pt?.x ?? pt?.X;
      const py = pt?.y ?? pt?.Y;
      if (!isNum(px) || !isNum(py)) return 'polygon has a malformed point';
      xs.push(px); ys.push(py);
    }
    if (xs.length < 2) return 'polygon has fewer than 2 points';
  }
  const x0 = Math.min(...xs), y0 = Math.min(...ys);
  return { box: [x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0], pixels: [...xs, ...ys].some((n) => n > 1) };
}

/** AWS Textract `{Left, Top, Width, Height}` (also accepted in lower case). */
function fromBoundingBox(v: unknown): RawBox | string {
  if (v === null || typeof v !== 'object') return 'boundingBox is not an object';
  const o = v as Record<string, unknown>;
  const vals = [o.Left ?? o.left, o.Top ?? o.top, o.Width ?? o.width, o.Height ?? o.height];
  if (!vals.every(isNum)) return 'boundingBox lacks Left/Top/Width/Height numbers';
  const [x, y, w, h] = vals as number[] as Box;
  if (w < 0 || h < 0) return 'boundingBox has a negative size';
  return { box: [x, y, w, h], pixels: vals.some((n) => (n as number) > 1) };
}

/**
 * Converts whatever geometry a token carries into a normalized page box, or says why it cannot.
 * `bbox` wins over `polygon`, which wins over `boundingBox`, when several are present.
 */
export function normalizeBox(token: Record<string, unknown>, page: PageSize | undefined): Box | string {
  const raw =
    token.bbox != null ? fromBbox(token.bbox)
    : token.polygon != null ? fromPolygon(token.polygon)
    : token.boundingBox != null ? fromBoundingBox(token.boundingBox)
    : 'no box';
  if (typeof raw === 'string') return raw;
  let [x, y, w, h] = raw.box;
  if (raw.pixels) {
    // Fractions never exceed 1, so larger numbers are pixels (or points): they need the page size.
    if (!page) return 'pixel box without a page size';
    x /= page.width; w /= page.width; y /= page.height; h /= page.height;
  }
  if (!(w > 0 && h > 0)) return 'empty box';
  if (x < -EDGE_EPS || y < -EDGE_EPS || x + w > 1 + EDGE_EPS || y + h > 1 + EDGE_EPS) return 'box outside the page';
  // Within the slack: clamp, so later code can rely on 0..1. Only when needed, so that boxes
  // already inside come out bit-for-bit as they went in.
  if (x < 0 || y < 0 || x + w > 1 || y + h > 1) {
    const x0 = Math.max(0, x), y0 = Math.max(0, y);
    return [x0, y0, Math.min(1, x + w) - x0, Math.min(1, y + h) - y0];
  }
  return [x, y, w, h];
}
