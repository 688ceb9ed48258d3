import { bottom, right, sameRow, tokensOf, unionBox, xOverlap } from './geometry.js';
import { cleanKey, labelEnd, strongLabel } from './labels.js';
import type { Box, KeyValue, Line, Token } from './types.js';

/** Column headings are short: a few words, no digits. */
const MAX_HEADING_WORDS = 5;
const MAX_HEADING_CHARS = 40;
/** Rows of one table follow each other within this many heading heights. */
const ROW_GAP = 2;
/** A heading's second line sits under its first within this fraction of a line height. */
const HEADING_GAP = 0.6;
/** A row summing up the rows above it ends the table: it is a label and its amount, not an item. */
const SUMMARY = /^(sub[\s-]?total|total|grand total|tax|vat|gst|balance|amount due)\b/i;
/** Two cells read as one line are at least this many character widths apart. */
const CELL_GAP = 0.8;
/** A wrapped cell's next line starts within this fraction of a line height under it. */
const WRAP_GAP = 0.5;

const letterCount = (s: string) => (s.match(/\p{L}/gu) ?? []).length;
const digitCount = (s: string) => (s.match(/\p{N}/gu) ?? []).length;

/** A column heading: short words without digits, either bare ("Qty") or as a label ("Phone No.:"). */
function heading(text: string): 'bare' | 'label' | undefined {
  const t = text.trim();
  if (letterCount(t) < 2 || digitCount(t) > 0 || t.split(/\s+/).length > MAX_HEADING_WORDS || t.length > MAX_HEADING_CHARS) return undefined;
  if (strongLabel(t) !== undefined) return 'label';
  return labelEnd(t) < 0 && !/[,;!?:]$/.test(t) ? 'bare' : undefined;
}

type Kind = 'number' | 'text';

/** What a cell holds: a column keeps one kind, so a row of another kind ("Subtotal" under amounts) ends the table. */
function kindOf(text: string): Kind | undefined {
  const digits = digitCount(text);
  const letters = letterCount(text);
  return digits > letters ? 'number' : letters > 0 ? 'text' : undefined;
}

const isCell = (text: string) => /[\p{L}\p{N}?]/u.test(text) && strongLabel(text) === undefined && labelEnd(text) < 0;

interface Column {
  lines: number[];
  box: Box;
  kind?: Kind;
  cells: Cell[];
}

interface Cell {
  text: string;
  box: Box;
}

/** Line indexes by visual row (same page, heights overlapping by half), top to bottom. */
export function rowsOf(lines: Line[]): number[][] {
  const order = lines.map((_, i) => i).sort((a, b) => lines[a]!.page - lines[b]!.page || lines[a]!.bbox[1] - lines[b]!.bbox[1]);
  const rows: number[][] = [];
  for (const i of order) {
    const row = rows.at(-1);
    const first = row && lines[row[0]!]!;
    const l = lines[i]!;
    if (first && first.page === l.page && sameRow(first.bbox, l.bbox)) row!.push(i);
    else rows.push([i]);
  }
  return rows;
}

/**
 * The heading's first line when it wraps over two ("NO. OF" above "STORES"): a heading-like line
 * in the row above, right over it and over no other column.
 */
function lineAbove(lines: Line[], used: Set<number>, above: number[], col: Column, others: Column[]): number | undefined {
  const h = lines[col.lines[0]!]!;
  return above.find((i) => {
    const l = lines[i]!;
    if (used.has(i) || l.page !== h.page || heading(l.text) !== 'bare') return false;
    const gap = h.bbox[1] - bottom(l.bbox);
    if (gap < -0.25 * h.bbox[3] || gap > HEADING_GAP * h.bbox[3]) return false;
    if (xOverlap(l.bbox, h.bbox) < 0.5 * Math.min(l.bbox[2], h.bbox[2])) return false;
    return !others.some((o) => o !== col && xOverlap(l.bbox, o.box) > 0);
  });
}

/**
 * A line's cells: whole under one column, or cut between its words where they fall under
 * consecutive columns (cells a narrow gap apart read as one line). Undefined when it cannot be
 * cut (one word across two columns): the line is not part of the table. Empty when it is under none.
 */
function cellsOf(line: Line, columns: Column[]): Array<{ col: Column; cell: Cell }> | undefined {
  const under = columns.filter((c) => xOverlap(line.bbox, c.box) > 0);
  if (under.length === 0) return [];
  if (under.length === 1) return [{ col: under[0]!, cell: { text: line.text.trim(), box: [...line.bbox] } }];
  const groups: Array<{ col: Column; tokens: Token[] }> = [];
  const charWidth = line.bbox[2] / line.text.length;
  for (const t of tokensOf(line)) {
    const over = columns.filter((c) => xOverlap(t.bbox, c.box) > 0);
    if (over.length > 1) return undefined;
    // Between headings a word belongs to the column on its left (text is left-aligned under its heading).
    const col = over[0] ?? columns.filter((c) => c.box[0] <= t.bbox[0]).at(-1) ?? columns[0]!;
    const last = groups.at(-1);
    if (last?.col === col) last.tokens.push(t);
    else if (groups.some((g) => g.col === col)) return undefined;
    // Cells are further apart than words: a cut at a word space is prose running across columns.
    else if (last && t.bbox[0] - right(last.tokens.at(-1)!.bbox) < CELL_GAP * charWidth) return undefined;
    else groups.push({ col, tokens: [t] });
  }
  return groups.map((g) => ({ col: g.col, cell: { text: g.tokens.map((t) => t.text).join(' '), box: unionBox(g.tokens.map((t) => t.bbox)) } }));
}

/**
 * Tables: a row of two or more headings (every free line on it a heading, all bare or all
 * labels), then rows whose lines fall under the headings. Every cell is paired with its column's
 * heading. A row holding text only under text columns, right under the row before, continues
 * that row's cells (a wrapped name or description). A table ends at a row that is far, holds a
 * label, starts with a total, or changes a column's kind, and counts only with a column of
 * numbers: that is what tells it from lines of text that happen to align (names, a list of labels).
 */
export function tablePairs(lines: Line[], used: Set<number>): Array<{ order: number; pair: KeyValue }> {
  const out: Array<{ order: number; pair: KeyValue }> = [];
  const rows = rowsOf(lines);
  const headings = (row: number[] | undefined) => {
    const free = (row ?? []).filter((i) => !used.has(i));
    const kinds = new Set(free.map((i) => heading(lines[i]!.text)));
    return free.length >= 2 && kinds.size === 1 && !kinds.has(undefined) ? free : [];
  };
  for (let r = 0; r < rows.length; r++) {
    const free = headings(rows[r]);
    // Wrapped headings: the row under holding more of them is the heading row, this one its first lines.
    if (!free.length || headings(rows[r + 1]).length > free.length) continue;
    const columns: Column[] = free.sort((a, b) => lines[a]!.bbox[0] - lines[b]!.bbox[0]).map((i) => ({ lines: [i], box: [...lines[i]!.bbox], cells: [] }));
    const page = lines[free[0]!]!.page;
    const taken = new Set<number>(free);
    for (const col of columns) {
      const above = lineAbove(lines, used, rows[r - 1] ?? [], col, columns);
      if (above !== undefined && !taken.has(above)) {
        col.lines.unshift(above);
        col.box = unionBox([lines[above]!.bbox, col.box]);
        taken.add(above);
      }
    }
    const height = Math.max(...free.map((i) => lines[i]!.bbox[3]));
    let floor = Math.max(...columns.map((c) => bottom(c.box)));
    let previous: Array<{ col: Column; cell: Cell }> = [];
    const consumed: number[] = [];
    let k = r + 1;
    for (; k < rows.length; k++) {
      const row = rows[k]!.filter((i) => !used.has(i));
      if (!row.length) continue;
      if (lines[row[0]!]!.page !== page || Math.min(...row.map((i) => lines[i]!.bbox[1])) - floor > ROW_GAP * height) break;
      const split = row.map((i) => ({ i, cells: cellsOf(lines[i]!, columns) }));
      if (split.some((s) => !s.cells || (s.cells.length && !isCell(lines[s.i]!.text)))) break;
      const placed = split.flatMap((s) => s.cells!);
      if (!placed.length || SUMMARY.test(placed[0]!.cell.text)) break;
      if (placed.some((p) => p.col.kind && kindOf(p.cell.text) && kindOf(p.cell.text) !== p.col.kind)) break;
      const wraps = placed.every((p) => {
        const above = previous.find((q) => q.col === p.col);
        return p.col.kind === 'text' && above && p.cell.box[1] - bottom(above.cell.box) <= WRAP_GAP * height;
      });
      if (wraps) {
        for (const p of placed) {
          const above = previous.find((q) => q.col === p.col)!.cell;
          above.text = `${above.text} ${p.cell.text}`;
          above.box = unionBox([above.box, p.cell.box]);
        }
      } else {
        for (const p of placed) {
          p.col.cells.push(p.cell);
          p.col.kind ??= kindOf(p.cell.text);
        }
        previous = placed;
      }
      consumed.push(...split.filter((s) => s.cells!.length).map((s) => s.i));
      floor = Math.max(...row.map((i) => bottom(lines[i]!.bbox)));
    }
    const filled = columns.filter((c) => c.cells.length);
    if (filled.length < 2 || !filled.some((c) => c.kind === 'number')) {
      // Not a table, but the rows it held read alike: only the last of them may head the table below.
      r = Math.max(r, k - 2);
      continue;
    }
    for (const col of filled) {
      const key = cleanKey(col.lines.map((i) => lines[i]!.text.trim()).join(' '));
      for (const cell of col.cells) out.push({ order: col.lines[0]!, pair: { key, value: cell.text, page, key_bbox: [...col.box], value_bbox: cell.box, layout: 'below' } });
    }
    for (const i of [...consumed, ...columns.flatMap((c) => c.lines)]) used.add(i);
    r = k - 1;
  }
  return out;
}
