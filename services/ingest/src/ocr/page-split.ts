import type { GrayImage, Region } from './preprocess.js';
import { INK_BELOW } from './text-size.js';

/**
 * Scan edges (the shadow of the paper's edge, a dark border) are not content: this fraction of
 * each side is left out when looking for a cut. Measured on bench-data's magazine spread: the top
 * edge's shadow darkens the fold's gutter for 8 rows out of 1,632, which would otherwise block it.
 */
const EDGE_FRACTION = 0.02;
/** Rows (columns) with more ink than this share are a rule, a black band or a photo's edge, not text. */
const SOLID_SHARE = 0.5;
/**
 * A vertical cut needs a gutter this many character heights wide: a column gutter or a spread's
 * fold, never the space between a label and its value on one line (a form's labels read after all
 * of its values would lose their pairs in the text).
 */
const MIN_GUTTER_CHARACTERS = 4;
/** A horizontal cut needs a band this many character heights tall: more than between lines or paragraphs. */
const MIN_BAND_CHARACTERS = 3;
/** Each side of a cut holds at least this share of the ink and of the extent, or the cut buys no time. */
const MIN_SIDE_SHARE = 0.2;

/**
 * Parts of a page that can be read one apart from another with the same result, in reading order,
 * at most `parts` of them; one region, the whole page, when there is no such cut.
 *
 * The cuts are those of an XY-cut: straight through a band of white that crosses the whole
 * region, so no line of text is cut and text never flows from one side to the other (left before
 * right, top before bottom, as tesseract orders columns and sections). Vertical cuts (a fold, a
 * column gutter) are tried before horizontal ones, so a multi-column page is never cut across its
 * columns, and each side must carry a fair share of the page. `characterPx` (the height of the
 * page's characters, see characterHeight) sets how wide a band must be; 0 means unknown: no cut.
 */
export function splitPage(image: GrayImage, parts: number, characterPx: number): Region[] {
  const whole: Region = { x: 0, y: 0, width: image.width, height: image.height };
  if (characterPx <= 0) return [whole];
  const split = (region: Region, budget: number): Region[] => {
    if (budget < 2) return [region];
    const halves = cut(image, region, characterPx);
    if (!halves) return [region];
    return [...split(halves[0], Math.ceil(budget / 2)), ...split(halves[1], Math.floor(budget / 2))];
  };
  return split(whole, parts);
}

/** `region` cut in two through its most even white band, or null. */
function cut(image: GrayImage, region: Region, characterPx: number): [Region, Region] | null {
  const { x, y, width, height } = region;
  const rowInk = new Uint32Array(height);
  const columnInk = new Uint32Array(width);
  for (let r = 0; r < height; r++) {
    let i = (y + r) * image.width + x;
    let ink = 0;
    for (let c = 0; c < width; c++, i++) {
      if (image.pixels[i]! < INK_BELOW) {
        ink++;
        columnInk[c]!++;
      }
    }
    rowInk[r] = ink;
  }
  // Each profile leaves out the edges and the solid lines running across it: their ink is taken
  // back out of the other profile, which visits only those few rows and columns again.
  const edgeRows = Math.round(height * EDGE_FRACTION);
  const edgeColumns = Math.round(width * EDGE_FRACTION);
  const leftOutRows: number[] = [];
  const leftOutColumns: number[] = [];
  for (let r = 0; r < height; r++) if (r < edgeRows || r >= height - edgeRows || rowInk[r]! > width * SOLID_SHARE) leftOutRows.push(r);
  for (let c = 0; c < width; c++) if (c < edgeColumns || c >= width - edgeColumns || columnInk[c]! > height * SOLID_SHARE) leftOutColumns.push(c);
  const columns = columnInk.slice();
  for (const r of leftOutRows) {
    const row = (y + r) * image.width + x;
    for (let c = 0; c < width; c++) if (image.pixels[row + c]! < INK_BELOW) columns[c]!--;
  }
  const rows = rowInk.slice();
  for (let r = 0; r < height; r++) {
    const row = (y + r) * image.width + x;
    for (const c of leftOutColumns) if (image.pixels[row + c]! < INK_BELOW) rows[r]!--;
  }
  const vertical = bestGap(columns, MIN_GUTTER_CHARACTERS * characterPx, height);
  if (vertical !== null) {
    return [
      { x, y, width: vertical, height },
      { x: x + vertical, y, width: width - vertical, height },
    ];
  }
  const horizontal = bestGap(rows, MIN_BAND_CHARACTERS * characterPx, width);
  if (horizontal !== null) {
    return [
      { x, y, width, height: horizontal },
      { x, y: y + horizontal, width, height: height - horizontal },
    ];
  }
  return null;
}

/**
 * The middle of the white run of `profile` (ink per row or column) at least `minRun` long, with
 * ink on both sides, that leaves the larger smaller share of ink and extent on either side; null
 * if none leaves MIN_SIDE_SHARE of both. A run may hold a speck of dust per thousand of the `across`
 * pixels each entry counts.
 */
function bestGap(profile: Uint32Array, minRun: number, across: number): number | null {
  const length = profile.length;
  const before = new Float64Array(length + 1);
  for (let i = 0; i < length; i++) before[i + 1] = before[i]! + profile[i]!;
  const total = before[length]!;
  if (total === 0) return null;
  const speck = Math.max(1, Math.floor(across / 1000));
  let best: number | null = null;
  let bestShare = MIN_SIDE_SHARE;
  let start = -1;
  for (let i = 0; i <= length; i++) {
    const white = i < length && profile[i]! <= speck;
    if (white && start < 0) start = i;
    if (white || start < 0) continue;
    if (start > 0 && i < length && i - start >= minRun) {
      const middle = (start + i) >> 1;
      const inkShare = before[middle]! / total;
      const share = Math.min(inkShare, 1 - inkShare, middle / length, 1 - middle / length);
      if (share >= bestShare) {
        bestShare = share;
        best = middle;
      }
    }
    start = -1;
  }
  return best;
}
