import type { GrayImage } from './preprocess.js';

/**
 * The estimate works on a copy of at most this many pixels (a letter page at 300 DPI is sampled
 * by 2): heights are then known to a sampled pixel either way, ±10% at the heights that matter.
 */
const SAMPLE_PIXELS = 2_500_000;
/** Pixels darker than this (on the contrast-stretched page) are ink. */
export const INK_BELOW = 128;
/** Fewer character-like marks than this say nothing reliable about the text's size. */
const MIN_MARKS = 20;

/**
 * The typical height in pixels of the characters on a page (the median height of its
 * character-like ink marks: mostly the x-height of lowercase text), or 0 when the page holds too
 * few such marks to tell.
 *
 * A mark is a connected run of ink (8-connected) shaped like a glyph: not taller than half the
 * image (a single line of text is an image too), not more than three times as wide as tall
 * (rules, underlines and merged words are not), and not a speck. Measured on a copy scaled down to SAMPLE_PIXELS, so that large pages cost
 * no more than small ones; heights are given in pixels of `image`.
 */
export function characterHeight(image: GrayImage): number {
  const factor = Math.max(1, Math.ceil(Math.sqrt((image.width * image.height) / SAMPLE_PIXELS)));
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  if (width < 3 || height < 3) return 0;

  // Ink mask of the sampled copy: a cell is ink when its darkest pixel is (thin strokes survive).
  const ink = new Uint8Array(width * height);
  const pixels = image.pixels;
  for (let y = 0; y < height; y++) {
    for (let dy = 0; dy < factor; dy++) {
      let i = (y * factor + dy) * image.width;
      for (let x = 0, cell = y * width; x < width; x++, cell++) {
        for (let dx = 0; dx < factor; dx++, i++) if (pixels[i]! < INK_BELOW) ink[cell] = 1;
      }
    }
  }

  const heights = markHeights(ink, width, height);
  if (heights.length < MIN_MARKS) return 0;
  heights.sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)]! * factor;
}

/** Labels and boxes, grown as marks are found (a page has thousands, not millions). */
class Marks {
  parent = new Int32Array(1024);
  x0 = new Int32Array(1024);
  x1 = new Int32Array(1024);
  y0 = new Int32Array(1024);
  y1 = new Int32Array(1024);
  area = new Int32Array(1024);
  count = 1; // label 0 is "no ink"

  add(x: number, y: number): number {
    if (this.count === this.parent.length) {
      for (const key of ['parent', 'x0', 'x1', 'y0', 'y1', 'area'] as const) {
        const grown = new Int32Array(this.parent.length * 2);
        grown.set(this[key]);
        this[key] = grown;
      }
    }
    const l = this.count++;
    this.parent[l] = l;
    this.x0[l] = this.x1[l] = x;
    this.y0[l] = this.y1[l] = y;
    this.area[l] = 0;
    return l;
  }

  find(a: number): number {
    const parent = this.parent;
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  }

  union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[gone] = keep;
    this.x0[keep] = Math.min(this.x0[keep]!, this.x0[gone]!);
    this.x1[keep] = Math.max(this.x1[keep]!, this.x1[gone]!);
    this.y0[keep] = Math.min(this.y0[keep]!, this.y0[gone]!);
    this.y1[keep] = Math.max(this.y1[keep]!, this.y1[gone]!);
    this.area[keep]! += this.area[gone]!;
    return keep;
  }

  grow(l: number, x: number, y: number): void {
    if (x < this.x0[l]!) this.x0[l] = x;
    if (x > this.x1[l]!) this.x1[l] = x;
    this.y1[l] = y; // rows are visited in order
    this.area[l]!++;
  }
}

/**
 * Heights of the glyph-shaped connected components (8-connected) of a 0/1 mask, found in one
 * pass: each ink cell joins the marks of its visited neighbours (left and the three above), whose
 * boxes merge as they join.
 */
function markHeights(ink: Uint8Array, width: number, height: number): number[] {
  const labels = new Int32Array(width * height);
  const marks = new Marks();
  // Offsets of the visited neighbours; the first column and row skip those outside the mask.
  const neighbours = [-1, -width - 1, -width, -width + 1];
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (!ink[i]) continue;
      let label = 0;
      for (let k = 0; k < 4; k++) {
        if ((x === 0 && k < 2) || (y === 0 && k > 0) || (x === width - 1 && k === 3)) continue;
        const l = labels[i + neighbours[k]!]!;
        if (l) label = label ? marks.union(label, l) : marks.find(l);
      }
      if (!label) label = marks.add(x, y);
      labels[i] = label;
      marks.grow(label, x, y);
    }
  }

  const heights: number[] = [];
  for (let l = 1; l < marks.count; l++) {
    if (marks.parent[l] !== l) continue;
    const h = marks.y1[l]! - marks.y0[l]! + 1;
    const w = marks.x1[l]! - marks.x0[l]! + 1;
    if (h < 3 || h > height / 2 || w > 3 * h || marks.area[l]! < 4) continue;
    heights.push(h);
  }
  return heights;
}
