import { boxesOf, bottom, right, sameRow, tokensOf, unionBox, xOverlap, type Box, type Line } from '../layout/index.js';
import { parseValue, type FieldType } from '../values/index.js';
import type { CompiledField } from './compiled.js';
import type { ReadDocument } from './document.js';
import type { ExtractedField } from './types.js';

/** A field's value found somewhere, before it is reported. */
export interface Found {
  value: string;
  normalized: unknown;
  confidence: number;
  page: number;
  bbox: Box;
  source: string;
  /** Found by a label (or pattern) rather than by a built-in's fallback rule: counts fully in ranking. */
  labelled: boolean;
  /** Where the value sat relative to its label, when a label announced it. */
  relation?: 'right' | 'below';
}

export const NOT_FOUND: ExtractedField = { value: null, normalized: null, confidence: 0, page: null, bbox: null, source_text: null };

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Box of characters [from, to) of a line's text. */
export const rangeBox = (line: Line, from: number, to: number): Box => unionBox(boxesOf(tokensOf(line), from, to));

/** A typed value at the start of `text`, which begins at `offset` in `line`'s text. */
/** Identifiers printed in groups ("GB29 NWBK 6016 1331", "0012 3345 6789"): kept whole when they are all the value is. */
const GROUPED_ID = /^[A-Z0-9]{2,}(?: [A-Z0-9]{2,}){1,9}$/;
const groupedId = (text: string) => {
  const groups = text.split(' ');
  return GROUPED_ID.test(text) && groups.filter((g) => /\d/.test(g)).length * 2 >= groups.length;
};

function valueIn(type: FieldType, line: Line, offset: number, text: string, confidence: number, labelled: boolean): Found | undefined {
  const trimmed = text.trim();
  const parsed = type === 'id' && groupedId(trimmed) ? { value: trimmed, normalized: trimmed, confidence: 0.9 } : parseValue(type, text);
  if (!parsed || !parsed.value) return undefined;
  const at = text.indexOf(parsed.value);
  const start = offset + Math.max(0, at);
  return {
    value: parsed.value,
    normalized: parsed.normalized,
    confidence: round2(confidence * parsed.confidence),
    page: line.page,
    bbox: rangeBox(line, start, start + parsed.value.length),
    source: line.text,
    labelled,
  };
}


/** The line to the right of `i` on its row, else the one just under it. */
export function neighbourOf(doc: ReadDocument, i: number): number[] {
  const line = doc.lines[i]!;
  let rightOf = -1;
  let below = -1;
  doc.lines.forEach((l, j) => {
    if (j === i || l.page !== line.page) return;
    if (sameRow(line.bbox, l.bbox) && l.bbox[0] >= right(line.bbox) - 1e-9) {
      if (rightOf < 0 || l.bbox[0] < doc.lines[rightOf]!.bbox[0]) rightOf = j;
    } else if (xOverlap(line.bbox, l.bbox) > 0) {
      const gap = l.bbox[1] - bottom(line.bbox);
      if (gap >= -0.25 * line.bbox[3] && gap <= 1.5 * line.bbox[3] && (below < 0 || l.bbox[1] < doc.lines[below]!.bbox[1])) below = j;
    }
  });
  return [rightOf, below].filter((j) => j >= 0);
}

/** Each label of the field at the start of a line, its value after it on the line, to its right, or below. */
export function byLabel(field: CompiledField, doc: ReadDocument): Found[] {
  const out: Found[] = [];
  doc.lines.forEach((line, i) => {
    const normed = doc.normed[i]!;
    for (const label of field.labels) {
      if (!normed.startsWith(label.normed)) continue;
      const m = label.atStart.exec(line.text);
      if (!m) continue;
      // Exact label lines ("Total:") and labels followed by their value score alike; a longer key scores less.
      const rest = m[1] ?? '';
      // "Invoice Date: …" is not the value of "Invoice": what follows is a label of its own.
      if (/^\p{L}[\p{L} .]{0,24}:/u.test(rest) || /:\s*$/.test(rest)) continue;
      const offset = line.text.length - rest.length;
      const found = rest.trim() ? valueIn(field.spec.type, line, offset, rest, 0.95, true) : undefined;
      if (found) out.push({ ...found, relation: 'right' });
      else if (!rest.trim()) {
        for (const j of neighbourOf(doc, i)) {
          const next = doc.lines[j]!;
          const v = valueIn(field.spec.type, next, 0, next.text, 0.9, true);
          if (v) {
            out.push({ ...v, source: `${line.text} ${next.text}`, relation: sameRow(line.bbox, next.bbox) ? 'right' : 'below' });
            break;
          }
        }
      }
      break;
    }
  });
  return out;
}

/** A value outside the field's page region is less likely its own: kept, at half the confidence. */
const OUTSIDE_REGION = 0.5;

/** Labelled candidates for a field that its position hints allow, best first. */
export function candidates(field: CompiledField, doc: ReadDocument): Found[] {
  const { relation = 'any', region } = field.spec.position ?? {};
  return byLabel(field, doc)
    .filter((f) => relation === 'any' || f.relation === relation)
    .map((f) => {
      if (!region || doc.textOnly) return f;
      const cx = f.bbox[0] + f.bbox[2] / 2;
      const cy = f.bbox[1] + f.bbox[3] / 2;
      const inside = cx >= region[0] && cx <= region[0] + region[2] && cy >= region[1] && cy <= region[1] + region[3];
      return inside ? f : { ...f, confidence: round2(f.confidence * OUTSIDE_REGION) };
    })
    .sort((a, b) => b.confidence - a.confidence);
}

/** The first match of the field's patterns in reading order. */
export function byPattern(field: CompiledField, doc: ReadDocument): Found | undefined {
  for (const pattern of field.patterns) {
    for (const line of doc.lines) {
      const m = pattern.exec(line.text);
      if (!m) continue;
      const parsed = parseValue(field.spec.type, m[0]);
      return {
        value: m[0],
        normalized: parsed?.normalized ?? m[0],
        confidence: 0.8,
        page: line.page,
        bbox: rangeBox(line, m.index, m.index + m[0].length),
        source: line.text,
        labelled: true,
      };
    }
  }
  return undefined;
}

export const toExtracted = (f: Found, textOnly: boolean): ExtractedField => ({
  value: f.value,
  normalized: f.normalized,
  confidence: f.confidence,
  page: textOnly ? null : f.page,
  bbox: textOnly ? null : f.bbox,
  source_text: f.source,
});

/** Whether a normalized line mentions any of the words. */
export const mentions = (normed: string, words: readonly string[]) => words.some((w) => ` ${normed} `.includes(` ${w} `));

