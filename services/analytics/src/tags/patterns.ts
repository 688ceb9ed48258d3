/** Finders for what follows a fixed shape (no language model needed), each match with its offsets. */

export interface Span {
  text: string;
  start: number;
  end: number;
}

export function spans(text: string, pattern: RegExp, accept: (match: string) => boolean = () => true): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(pattern)) {
    const value = m[0].trim();
    if (!value || !accept(value)) continue;
    const start = m.index + m[0].indexOf(value);
    out.push({ text: value, start, end: start + value.length });
  }
  return out;
}

export const EMAIL = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g;
export const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"')\]]{2,2000}/g;
/** International (+44 20 7946 0958), US ((212) 555-0143), and local numbers of 8 to 15 digits with separators. */
export const PHONE = /(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?!\w)(?!\.\d)/g;
export const PERCENT = /(?<![\w.])-?\d{1,3}(?:[.,]\d+)?\s?%/g;
const CURRENCY = String.raw`(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|RM|MYR|SGD|INR)\b)`;
const AMOUNT = String.raw`\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{2})?|\d+(?:[.,]\d{1,2})?`;
export const MONEY = new RegExp(String.raw`${CURRENCY}\s?(?:${AMOUNT})|(?<![\w.])(?:${AMOUNT})\s?${CURRENCY}|(?<![\w.,])\d{1,6}[.,]\d{2}(?![\w.,%])`, 'g');
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
export const DATE = new RegExp(
  [
    String.raw`\b\d{4}-\d{2}-\d{2}\b`,
    String.raw`\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?${MONTH},?\s+\d{4}\b`,
    String.raw`\b${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`,
    String.raw`\b\d{1,2}-${MONTH}-\d{2,4}\b`,
  ].join('|'),
  'gi',
);
/** Country code, check digits, then 11 to 30 letters and digits, optionally in groups of four. */
export const IBAN_SHAPE = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g;
export const CARD_SHAPE = /(?<![\d-])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\d-])|(?<![\d-])\d{13,19}(?![\d-])/g;
/** US social security numbers (not 000, 666 or 9xx areas) and UK National Insurance numbers. */
export const NATIONAL_ID = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/g;
export const BIRTH_CUE = /\b(?:born(?: on)?|date of birth|birth ?date|d\.?o\.?b\.?)\s*[:\-]?\s*$/i;

/** IBAN lengths by country (ISO 13616), for the countries that use one. */
const IBAN_LENGTH: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29,
  ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** ISO 13616: the country's length, then mod 97 of the rearranged number is 1. */
export function validIban(value: string): boolean {
  const iban = value.replace(/\s/g, '').toUpperCase();
  if (IBAN_LENGTH[iban.slice(0, 2)] !== iban.length) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** The Luhn check card numbers carry, on 13 to 19 digits. */
export function luhn(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
