import { boxesOf, bottom, right, tokensOf, unionBox, xOverlap, yOverlap } from './geometry.js';
import { holdsCheckbox, lonelyTick, tickedOptions } from './checkboxes.js';
import { cleanKey, isLooseValue, isValue, labelEnd, namesField, strongLabel, weakLabel } from './labels.js';
import type { Box, KeyValue, Line, Token } from './types.js';

/** Same visual row: the boxes share at least this fraction of the smaller height. */
const SAME_ROW = 0.5;
/** Value below a label: its top at most this many label heights under the label's bottom. */
const BELOW_GAP = 1.5;
/**
 * Label and value split out of one line are reported as `right` (separate fields that happened
 * to be close) when the gap between them is at least this many character widths; a gap of an
 * ordinary word space (or a label and value inside one token) is `inline`.
 */
const FIELD_GAP = 0.75;
/** A lone tick marks an option at most this many tick sizes away on its row. */
const TICK_REACH = 4;

interface Found {
  order: number;
  pair: KeyValue;
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

const sameRow = (a: Box, b: Box) => yOverlap(a, b) >= SAME_ROW * Math.min(a[3], b[3]);

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
    if (l.bbox[0] < right(label.bbox) - 1e-9) return;
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

/**
 * Finds label → value pairs among lines: inline ("Date: 05/01/2024"), a value to the right of a
 * label on its row, or a value right under a label. Each line serves as one key or one value at
 * most. Explicit labels (ending with ':', '#' or 'No.') are paired first; title-like lines
 * without a terminator ("TOTAL") only with short values holding a digit or currency sign, so that
 * headings and prose do not become invented pairs. Pairs come in the reading order of their keys.
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
    if (pair) { found.push({ order: i, pair }); used.add(i); }
  });

  const pairWith = (i: number, key: string, j: number, layout: 'right' | 'below') => {
    const label = lines[i]!;
    const value = lines[j]!;
    found.push({
      order: i,
      pair: { key, value: value.text.trim(), page: label.page, key_bbox: [...label.bbox], value_bbox: [...value.bbox], layout },
    });
    used.add(i); used.add(j);
  };
  const free = (j: number) => j >= 0 && !used.has(j);

  // Explicit labels: right first; below only when nothing (usable) sits to the right.
  lines.forEach((line, i) => {
    const key = strongLabel(line.text);
    if (used.has(i) || key === undefined) return;
    const r = nearestRight(line, lines);
    if (free(r) && isValue(lines[r]!.text)) return pairWith(i, key, r, 'right');
    const b = nearestBelow(line, lines);
    if (free(b) && isValue(lines[b]!.text)) pairWith(i, key, b, 'below');
  });

  // Title-like labels: stricter about the value, and below only for known field names.
  lines.forEach((line, i) => {
    if (used.has(i) || !weakLabel(line.text)) return;
    const r = nearestRight(line, lines);
    if (r >= 0) {
      if (free(r) && isLooseValue(lines[r]!.text)) pairWith(i, cleanKey(line.text), r, 'right');
      return;
    }
    const b = nearestBelow(line, lines);
    if (namesField(line.text) && free(b) && isLooseValue(lines[b]!.text)) pairWith(i, cleanKey(line.text), b, 'below');
  });

  return found.sort((a, b) => a.order - b.order).map((f) => f.pair);
}
