import type { FactText } from './fact-text.js';
import { matchesOf, type Match, type Parsed } from './nlp.js';

const CURRENCY = String.raw`(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|CNY|INR|US\$|U\.S\.\s?\$))`;
/** 1,250.00 · 5.000 · 10000 · 1.5 — grouped thousands with either separator, optional decimals. */
const NUMBER = String.raw`\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?`;
const SCALE = String.raw`(?:\s(?:million|billion|thousand)\b)?`;
/** "$1,250.00", "USD 10,000", "€ 500", "$1.5 million", "500 EUR", "10,000 dollars". */
const AMOUNT = new RegExp(`${CURRENCY}\\s?(?:${NUMBER})${SCALE}|\\b(?:${NUMBER})${SCALE}\\s?(?:${CURRENCY}|\\b(?:dollars|euros|pounds)\\b)`, 'g');

const amountsIn = (m: Match): Match[] => Array.from(m.text.matchAll(AMOUNT), (a) => ({ text: a[0], start: m.start + a.index }));

/**
 * Sums of money as written: compromise's `.money()` (which also reads words: "ten dollars") and a
 * pattern for figures with a currency sign or code, which compromise misses ("USD 10,000",
 * "EUR 5.000"), over the whole text since a pattern is cheap. A compromise match holding several
 * sums ("€500 and $1,250.00") gives the sums inside it.
 */
export function findAmounts(doc: Parsed, fed: FactText, text: string): Match[] {
  const money = matchesOf(doc.money()).flatMap((m) => {
    const inner = amountsIn(m);
    // "00/100 Dollars" is the cents of a sum written out in words, not a sum.
    return (inner.length ? inner : [m].filter((w) => !w.text.includes('/'))).map((a) => fed.inDocument(a));
  });
  return [...money, ...amountsIn({ text, start: 0 })];
}
