import { boxesOf, right, tokensOf, unionBox } from './geometry.js';
import { cleanKey } from './labels.js';
import type { Box, KeyValue, Line } from './types.js';

/** Ticked and empty boxes as OCR transcribes them. */
const CHECKED = /^(?:[☑☒✓✔✗✘⊠▣■]|\[[xX✓✔]\])$/u;
const UNCHECKED = /^[☐□▢◻]$/u;
/** "x" is a tick only alone, or after a word or two ("FULL X"): in "4 x 6" it is a multiplication. */
const X_MARK = /^[xX]$/;

interface Word {
  text: string;
  start: number;
  end: number;
}

const wordsOf = (text: string): Word[] => [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));

type Kind = 'checked' | 'unchecked' | 'label' | 'word';

function kinds(words: Word[]): Kind[] {
  const lettersOnly = words.every((w, i) => i === words.length - 1 || /^\p{L}+$/u.test(w.text));
  return words.map((w, i) => {
    if (CHECKED.test(w.text)) return 'checked';
    if (UNCHECKED.test(w.text)) return 'unchecked';
    if (X_MARK.test(w.text) && (words.length === 1 || (i === words.length - 1 && words.length <= 3 && lettersOnly))) return 'checked';
    return /\p{L}:$/u.test(w.text) ? 'label' : 'word';
  });
}

const hasMark = (k: Kind[]) => k.includes('checked') || k.includes('unchecked');

/** Whether a line holds a tick box: such a line is a set of options, not "label: value". */
export const holdsCheckbox = (line: Line): boolean => hasMark(kinds(wordsOf(line.text)));

/** A line that is only a ticked box, whose option is another line beside it. */
export const lonelyTick = (line: Line): boolean => {
  const k = kinds(wordsOf(line.text));
  return k.length === 1 && k[0] === 'checked';
};

const boxOf = (line: Line, from: number, to: number): Box => unionBox(boxesOf(tokensOf(line), from, to));

/**
 * The options a line ticks: each ticked box with the words it marks, those between it and the
 * next box or label on the side it is nearer to ("YES ☑ NO ☐", "☑ SHIP IMMEDIATELY"), else the
 * label right before it ("Urgent: ☑"). Empty boxes are options not chosen: no pair.
 */
export function tickedOptions(line: Line): KeyValue[] {
  const words = wordsOf(line.text);
  const k = kinds(words);
  const out: KeyValue[] = [];
  k.forEach((kind, i) => {
    if (kind !== 'checked') return;
    let a = i;
    while (a > 0 && k[a - 1] === 'word') a--;
    let b = i;
    while (b < words.length - 1 && k[b + 1] === 'word') b++;
    const mark = boxOf(line, words[i]!.start, words[i]!.end);
    const before = a < i ? boxOf(line, words[a]!.start, words[i - 1]!.end) : undefined;
    const after = b > i ? boxOf(line, words[i + 1]!.start, words[b]!.end) : undefined;
    const useAfter = after && (!before || after[0] - right(mark) < mark[0] - right(before));
    let [from, to] = useAfter ? [i + 1, b] : [a, i - 1];
    if (!useAfter && !before) {
      // No option words: "Urgent: ☑" ticks its label.
      if (k[i - 1] !== 'label') return;
      to = i - 1;
      from = to;
      while (from > 0 && k[from - 1] === 'word') from--;
    }
    out.push({
      key: cleanKey(line.text.slice(words[from]!.start, words[to]!.end)),
      value: words[i]!.text,
      page: line.page,
      key_bbox: useAfter ? after! : boxOf(line, words[from]!.start, words[to]!.end),
      value_bbox: mark,
      layout: useAfter ? 'inline' : 'right',
    });
  });
  return out;
}
