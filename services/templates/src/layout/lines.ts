import { centerY, right, unionBox } from './geometry.js';
import type { Line, Token } from './types.js';

/** Tokens of one row whose y-centers are within this many median token heights. */
const ROW_TOLERANCE = 0.5;
/** A horizontal gap wider than this many median character widths starts a new segment. */
const SEGMENT_GAP = 3;

type Segment = Token[];
type Row = Segment[];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Groups tokens into visual rows: y-centers close to the row's running mean. */
function groupRows(tokens: Token[], tolerance: number): Token[][] {
  const sorted = [...tokens].sort((a, b) => centerY(a.bbox) - centerY(b.bbox) || a.bbox[0] - b.bbox[0]);
  const rows: { sum: number; tokens: Token[] }[] = [];
  for (const t of sorted) {
    const row = rows[rows.length - 1];
    const c = centerY(t.bbox);
    if (row && Math.abs(c - row.sum / row.tokens.length) <= tolerance) {
      row.tokens.push(t);
      row.sum += c;
    } else {
      rows.push({ sum: c, tokens: [t] });
    }
  }
  return rows.map((r) => r.tokens);
}

/** Splits a row at wide horizontal gaps: separate fields or columns sharing the row. */
function splitRow(tokens: Token[], maxGap: number): Row {
  const sorted = [...tokens].sort((a, b) => a.bbox[0] - b.bbox[0]);
  const segments: Row = [];
  let end = -Infinity;
  for (const t of sorted) {
    const current = segments[segments.length - 1];
    if (current && t.bbox[0] - end <= maxGap) {
      current.push(t);
      end = Math.max(end, right(t.bbox));
    } else {
      segments.push([t]);
      end = right(t.bbox);
    }
  }
  return segments;
}

type Span = [number, number];

/** Merges overlapping x ranges, left to right. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const spanOf = (s: Segment): Span => [Math.min(...s.map((t) => t.bbox[0])), Math.max(...s.map((t) => right(t.bbox)))];

/**
 * A run of consecutive rows read the same way. A multi-column block keeps its columns (x ranges
 * covered by its segments) apart; a row that would bridge two of them ends it, as does the first
 * row with several segments after single-segment rows (a title above a two-column body).
 */
interface Block {
  rows: Row[];
  spans: Span[];
  multi: boolean;
}

function groupBlocks(rows: Row[]): Block[] {
  const blocks: Block[] = [];
  for (const row of rows) {
    const block = blocks[blocks.length - 1];
    if (block) {
      const merged = mergeSpans([...block.spans, ...row.map(spanOf)]);
      const joins = block.multi ? merged.length >= block.spans.length : row.length === 1;
      if (joins) {
        block.rows.push(row);
        block.spans = merged;
        continue;
      }
    }
    blocks.push({ rows: [row], spans: mergeSpans(row.map(spanOf)), multi: row.length > 1 });
  }
  return blocks;
}

/** Segments of a block in reading order: column by column, each top to bottom. */
function readBlock(block: Block): Segment[] {
  const placed = block.rows.flatMap((row, r) =>
    row.map((segment) => {
      const [a, b] = spanOf(segment);
      const mid = (a + b) / 2;
      const column = block.spans.findIndex(([s, e]) => mid >= s && mid <= e);
      return { segment, column, r, x: a };
    }),
  );
  placed.sort((p, q) => p.column - q.column || p.r - q.r || p.x - q.x);
  return placed.map((p) => p.segment);
}

function pageLines(tokens: Token[]): Line[] {
  const height = median(tokens.map((t) => t.bbox[3]));
  const charWidth = median(tokens.map((t) => t.bbox[2] / t.text.length));
  const rows = groupRows(tokens, ROW_TOLERANCE * height).map((r) => splitRow(r, SEGMENT_GAP * charWidth));
  return groupBlocks(rows).flatMap(readBlock).map((segment) => ({
    page: segment[0]!.page,
    text: segment.map((t) => t.text).join(' '),
    bbox: unionBox(segment.map((t) => t.bbox)),
    tokens: segment,
  }));
}

/**
 * Groups normalized tokens into lines (one line of one column each), in reading order: by page,
 * then block by block top to bottom, and within a multi-column block column by column.
 * Tokens that are whole lines already come out as lines of one token.
 */
export function buildLines(tokens: Token[]): Line[] {
  const pages = new Map<number, Token[]>();
  for (const t of tokens) {
    const list = pages.get(t.page);
    if (list) list.push(t);
    else pages.set(t.page, [t]);
  }
  return [...pages.keys()].sort((a, b) => a - b).flatMap((p) => pageLines(pages.get(p)!));
}
