import { boxesOf, bottom, centerY, right, sameRow, tokensOf, unionBox, xOverlap } from './geometry.js';
import { holdsCheckbox, lonelyTick, tickedOptions } from './checkboxes.js';
import { tablePairs } from './tables.js';
import { cleanKey, isLooseValue, isValue, labelEnd, namesField, strongLabel, weakLabel } from './labels.js';
import type { Box, KeyValue, Line, Token } from './types.js';

/** Value below a label: its top at most this many label heights under the label's bottom. */
const BELOW_GAP = 1.5;
/**
 * Label and value split out of one line are reported as `right` (separate fields that happened
 * to be close) when the gap between them is at least this many character widths; a gap of an
 * ordinary word space (or a label and value inside one token) is `inline`.
 */
const FIELD_GAP = 0.75;
/** See `near`: a title-like label's value across the page is a number ("TOTAL ....... 12.00"), not text. */
const FAR_CHARS = 25;
/** A value's next line starts at most this many line heights under its previous line. */
const CONTINUE_GAP = 0.5;
/** ... and at most this many character widths left or right of where the value starts. */
const ALIGN_CHARS = 2;
/** A value is a few lines (a comment, an address), not the rest of a page of text. */
const MAX_VALUE_LINES = 8;
/** A value on a label's row is at most this many times as tall as the label. */
const MAX_HEIGHT_RATIO = 3;
/** A lone tick marks an option at most this many tick sizes away on its row. */
const TICK_REACH = 4;

interface Found {
  order: number;
  pair: KeyValue;
  /** The value's last line, when the value may go on over the lines under it. */
  last?: number;
}

/** "Invoice #: INV-123" in one line: split at the label's terminator. */
function inlinePair(line: Line): KeyValue | undefined {
  const tokens = tokensOf(line);
  const text = tokens.map((t) => t.text).join(' ');
  const end = labelEnd(text);
  if (end < 0) return undefined;
  const rest = text.slice(end);
  const valueStart = end + (rest.length - rest.trimStart().length);
  const value = text.slice(valueStart).trim();
  if (!isValue(value)) return undefined;
  const keyBox = unionBox(boxesOf(tokens, 0, end));
  const valueBox = unionBox(boxesOf(tokens, valueStart, text.length));
  // Split at a token boundary: then the tokens' real gap says how they were laid out.
  let keyToken: Token | undefined;
  let at = 0;
  for (const t of tokens) {
    if (at + t.text.length === end) keyToken = t;
    at += t.text.length + 1;
  }
  const clean = keyToken !== undefined && valueStart === end + 1;
  const charWidth = keyToken ? keyToken.bbox[2] / keyToken.text.length : 0;
  const layout = clean && valueBox[0] - right(keyBox) >= FIELD_GAP * charWidth ? 'right' : 'inline';
  return { key: cleanKey(text.slice(0, end)), value, page: line.page, key_bbox: keyBox, value_bbox: valueBox, layout };
}


/** A lone tick's option: the nearest free line with words on its row, a few tick widths away at most. */
function nearestOption(tick: Line, lines: Line[], used: Set<number>): number {
  let best = -1;
  let bestGap = TICK_REACH * Math.max(tick.bbox[2], tick.bbox[3]);
  lines.forEach((l, i) => {
    if (used.has(i) || l.page !== tick.page || !sameRow(tick.bbox, l.bbox) || !/\p{L}/u.test(l.text)) return;
    const gap = Math.max(l.bbox[0] - right(tick.bbox), tick.bbox[0] - right(l.bbox));
    if (gap >= 0 && gap <= bestGap) { best = i; bestGap = gap; }
  });
  return best;
}

/** The nearest line to the right of `label` on its row, if any. */
function nearestRight(label: Line, lines: Line[]): number {
  let best = -1;
  lines.forEach((l, i) => {
    if (l === label || l.page !== label.page || !sameRow(label.bbox, l.bbox)) return;
    // Far taller than the label: a block or text running down the margin, not the label's value.
    if (l.bbox[0] < right(label.bbox) - 1e-9 || l.bbox[3] > MAX_HEIGHT_RATIO * label.bbox[3]) return;
    if (best < 0 || l.bbox[0] < lines[best]!.bbox[0]) best = i;
  });
  return best;
}

/** The nearest line just under `label`, overlapping it horizontally, if any. */
function nearestBelow(label: Line, lines: Line[]): number {
  let best = -1;
  const gapOf = (l: Line) => l.bbox[1] - bottom(label.bbox);
  lines.forEach((l, i) => {
    if (l === label || l.page !== label.page || xOverlap(label.bbox, l.bbox) <= 0) return;
    const gap = gapOf(l);
    if (gap < -0.25 * label.bbox[3] || gap > BELOW_GAP * label.bbox[3]) return;
    if (best < 0 || gap < gapOf(lines[best]!)) best = i;
  });
  return best;
}

/** For each line, the lines starting under its middle and at most CONTINUE_GAP heights under it, top first. */
function linesUnder(lines: Line[]): (i: number) => number[] {
  const order = lines.map((_, i) => i).sort((a, b) => lines[a]!.page - lines[b]!.page || lines[a]!.bbox[1] - lines[b]!.bbox[1]);
  const tops = order.map((i) => [lines[i]!.page, lines[i]!.bbox[1]] as const);
  return (i) => {
    const { page, bbox } = lines[i]!;
    const from = centerY(bbox);
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const [p, t] = tops[mid]!;
      if (p < page || (p === page && t < from)) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let k = lo; k < order.length && tops[k]![0] === page && tops[k]![1] <= bottom(bbox) + CONTINUE_GAP * bbox[3]; k++) out.push(order[k]!);
    return out;
  };
}

/**
 * An explicit label's value goes on over the lines right under it that start where it starts
 * (a wrapped comment, an address): free lines that are not labels themselves.
 */
function continueValue(f: Found, lines: Line[], used: Set<number>, under: (i: number) => number[]): void {
  const start = f.pair.value_bbox[0];
  let last = f.last!;
  for (let n = 1; n < MAX_VALUE_LINES; n++) {
    const prev = lines[last]!;
    const tolerance = ALIGN_CHARS * (prev.bbox[2] / Math.max(1, prev.text.length));
    const next = under(last).find((j) => {
      const l = lines[j]!;
      return !used.has(j) && Math.abs(l.bbox[0] - start) <= tolerance && isValue(l.text) && labelEnd(l.text) < 0;
    });
    if (next === undefined) return;
    used.add(next);
    f.pair.value = `${f.pair.value} ${lines[next]!.text.trim()}`;
    f.pair.value_bbox = unionBox([f.pair.value_bbox, lines[next]!.bbox]);
    last = next;
  }
}

/** A value within FAR_CHARS character widths of its label's end: further away, only an amount or a number is its value. */
const near = (label: Line, value: Line) => value.bbox[0] - right(label.bbox) <= FAR_CHARS * (label.bbox[2] / label.text.length);
const numeric = (text: string) => (text.match(/\p{N}/gu) ?? []).length > (text.match(/\p{L}/gu) ?? []).length;

/**
 * Finds label → value pairs among lines: ticked options ("YES ☑" → YES: ☑), inline ("Date:
 * 05/01/2024"), table cells under their column's heading, a value to the right of a label on its
 * row, or a value right under a label. Each line serves as one key or one value at most.
 * Explicit labels (ending with ':', '#' or 'No.') are paired before title-like lines without a
 * terminator ("TOTAL"), which only take short values holding a digit or currency sign, so that
 * headings and prose do not become invented pairs; an explicit label's value goes on over the
 * lines aligned under it. Pairs come in the reading order of their keys.
 */
export function findKeyValues(lines: Line[]): KeyValue[] {
  const found: Found[] = [];
  const used = new Set<number>();
  // Tick boxes first: a line of options is never "label: value", and a lone tick marks the option beside it.
  lines.forEach((line, i) => {
    if (!holdsCheckbox(line)) return;
    used.add(i);
    if (!lonelyTick(line)) for (const pair of tickedOptions(line)) found.push({ order: i, pair });
  });
  lines.forEach((line, i) => {
    if (!lonelyTick(line)) return;
    const j = nearestOption(line, lines, used);
    if (j < 0) return;
    const option = lines[j]!;
    const after = option.bbox[0] >= right(line.bbox);
    found.push({ order: Math.min(i, j), pair: { key: cleanKey(option.text), value: line.text.trim(), page: line.page, key_bbox: [...option.bbox], value_bbox: [...line.bbox], layout: after ? 'inline' : 'right' } });
    used.add(j);
  });
  lines.forEach((line, i) => {
    if (used.has(i)) return;
    const pair = inlinePair(line);
    if (pair) { found.push({ order: i, pair, last: i }); used.add(i); }
  });

  found.push(...tablePairs(lines, used));

  const pairWith = (i: number, key: string, j: number, layout: 'right' | 'below', explicit: boolean) => {
    const label = lines[i]!;
    const value = lines[j]!;
    found.push({
      order: i,
      pair: { key, value: value.text.trim(), page: label.page, key_bbox: [...label.bbox], value_bbox: [...value.bbox], layout },
      ...(explicit ? { last: j } : {}),
    });
    used.add(i); used.add(j);
  };
  const free = (j: number) => j >= 0 && !used.has(j);

  // Explicit labels: right first; below only when nothing (usable) sits to the right.
  lines.forEach((line, i) => {
    const key = strongLabel(line.text);
    if (used.has(i) || key === undefined) return;
    const r = nearestRight(line, lines);
    if (free(r) && isValue(lines[r]!.text)) return pairWith(i, key, r, 'right', true);
    const b = nearestBelow(line, lines);
    if (free(b) && isValue(lines[b]!.text)) pairWith(i, key, b, 'below', true);
  });

  // Title-like labels: stricter about the value, and below only for known field names.
  lines.forEach((line, i) => {
    if (used.has(i) || !weakLabel(line.text)) return;
    const r = nearestRight(line, lines);
    if (r >= 0) {
      if (free(r) && isLooseValue(lines[r]!.text) && (near(line, lines[r]!) || numeric(lines[r]!.text))) pairWith(i, cleanKey(line.text), r, 'right', false);
      return;
    }
    const b = nearestBelow(line, lines);
    if (namesField(line.text) && free(b) && isLooseValue(lines[b]!.text)) pairWith(i, cleanKey(line.text), b, 'below', false);
  });

  const under = linesUnder(lines);
  for (const f of found) if (f.last !== undefined) continueValue(f, lines, used, under);
  return found.sort((a, b) => a.order - b.order).map((f) => f.pair);
}
