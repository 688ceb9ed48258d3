/** Text heuristics: what looks like a label, where it ends, and what can be a value. */

/** Labels are short: longer text ending with ':' is a sentence introducing something. */
const MAX_KEY_WORDS = 6;
const MAX_KEY_CHARS = 50;
/** Values found by position alone (no ':' or '#') must be short, like a field, not prose. */
const MAX_LOOSE_VALUE_WORDS = 6;

/** Words that make a title-like line a label even when its value sits below it. */
const LABEL_WORDS = new Set([
  'date', 'total', 'subtotal', 'amount', 'balance', 'due', 'tax', 'vat', 'invoice', 'number', 'no', 'id',
  'order', 'po', 'ref', 'reference', 'account', 'name', 'phone', 'email', 'address', 'qty', 'quantity',
  'price', 'customer', 'client', 'vendor', 'iban', 'swift', 'issued', 'receipt',
]);

const hasAlnum = (s: string) => /[\p{L}\p{N}]/u.test(s);
const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);

/** The key as reported: trailing ':' and spaces removed, '#' and 'No.' kept ("Invoice #"). */
export function cleanKey(label: string): string {
  return label.replace(/[\s:]+$/u, '').trim();
}

function acceptableKey(label: string): boolean {
  const key = cleanKey(label);
  return /\p{L}/u.test(key) && key.length <= MAX_KEY_CHARS && words(key).length <= MAX_KEY_WORDS;
}

/**
 * Does this word end a label? "Date:", "Invoice#", "#", "No.", "PO No.". Not "16:" (a time split
 * into words), nor "No." in "No. of Stores" (a heading that goes on).
 */
function endsLabel(word: string, next: string | undefined): boolean {
  if (/:$/.test(word)) return /\p{L}/u.test(word) || !/\p{N}/u.test(word);
  return /#$/.test(word) || (/(^|[^\p{L}])no\.$/iu.test(word) && !/^of$/i.test(next ?? ''));
}

/**
 * Where the first label of `text` ends (index just past its terminator), or -1. A colon inside a
 * word ends a label only after letters and before a letter or digit ("Date:05/01/2024"), so times
 * ("10:30") and URLs ("http://") are not split.
 */
export function labelEnd(text: string): number {
  const all = [...text.matchAll(/\S+/g)];
  for (const [k, m] of all.entries()) {
    const word = m[0];
    const start = m.index;
    const inner = /^(\p{L}[\p{L}.]+:)[\p{L}\p{N}]/u.exec(word);
    const end = endsLabel(word, all[k + 1]?.[0]) ? start + word.length : inner ? start + inner[1]!.length : -1;
    if (end < 0) continue;
    // Only the first candidate counts: later ones would make a longer key of label + value text.
    return acceptableKey(text.slice(0, end)) ? end : -1;
  }
  return -1;
}

/** The key when the whole text is a label with an explicit terminator ("Date:", "Invoice #"). */
export function strongLabel(text: string): string | undefined {
  const t = text.trim();
  return labelEnd(t) === t.length ? cleanKey(t) : undefined;
}

/** A short, title-like line that may name the value beside it ("TOTAL", "Invoice Date"). */
export function weakLabel(text: string): boolean {
  const w = words(text);
  return w.length > 0 && w.length <= 4 && /^\p{Lu}/u.test(text.trim()) && !/\p{N}/u.test(text) && !/[.,;!?]$/.test(text.trim());
}

/** Whether a weak label names known fields, so a value below it is likely its own. */
export function namesField(text: string): boolean {
  return words(text.toLowerCase()).some((w) => LABEL_WORDS.has(w.replace(/[^\p{L}]/gu, '')));
}

/** "# Reps", "# of pages": a count's label, never a value. */
const COUNT_LABEL = /^#\s*\p{L}[\p{L}\s.]*$/u;

/** Any text with a letter or digit can be the value of an explicit label. */
export const isValue = (text: string): boolean => hasAlnum(text) && strongLabel(text) === undefined && !COUNT_LABEL.test(text.trim());

/** Without an explicit label terminator, only short text with a digit or currency passes as a value. */
export const isLooseValue = (text: string): boolean =>
  isValue(text) && /[\p{N}$€£¥]/u.test(text) && words(text).length <= MAX_LOOSE_VALUE_WORDS;
