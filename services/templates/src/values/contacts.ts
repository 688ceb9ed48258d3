import type { Match } from './types.js';

const EMAIL_RE =
  /(?<![\w.%+-])[A-Za-z0-9%+_-]+(?:\.[A-Za-z0-9%+_-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])/;

/** The first email address; the domain is lower-cased (it is case-insensitive, the local part is not). */
export function parseEmail(text: string): Match<string> | undefined {
  const m = EMAIL_RE.exec(text);
  if (!m) return undefined;
  const at = m[0].lastIndexOf('@');
  return { value: m[0], normalized: m[0].slice(0, at + 1) + m[0].slice(at + 1).toLowerCase(), confidence: 1 };
}

/**
 * Digits joined by spaces, dashes, dots or parentheses, optionally led by `+` or `(`; not the tail
 * of a word-joined token such as `INV-1234567`.
 */
const PHONE_RE = /(?<![\w+]|\w[-./])(?:\+\s?)?\(?\d(?:[\d \-.()\u00a0]*\d)?\)?/g;
/** Numeric dates share the phone alphabet; they are not phone numbers. */
const DATE_SHAPE = /^\d{1,4}([-/.])\d{1,2}\1\d{1,4}$/;

/**
 * The first phone number (7–15 digits, the E.164 limit), normalized to `+` and digits. Candidates
 * that are bare digit runs are accepted with lower confidence, as they may be any number.
 */
export function parsePhone(text: string): Match<string> | undefined {
  for (const m of text.matchAll(PHONE_RE)) {
    const raw = m[0].trim();
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    if (DATE_SHAPE.test(raw)) continue;
    // Parentheses must pair up, e.g. `(555) 123-4567`; a lone one is text around the number.
    const value = raw.split('(').length === raw.split(')').length ? raw : raw.replace(/^\(|\)$/g, '');
    const plus = value.startsWith('+');
    const separated = /[ \-.()]/.test(value);
    return { value, normalized: `${plus ? '+' : ''}${digits}`, confidence: plus || separated ? 0.9 : 0.5 };
  }
  return undefined;
}
