import { applySign, interpretNumeral, NUMERAL_SOURCE } from './numbers.js';
import type { Match, Money } from './types.js';

/** Currency symbols and local abbreviations → ISO 4217. Prefixed dollars must win over bare `$`. */
const SYMBOLS: Readonly<Record<string, string>> = {
  US$: 'USD',
  S$: 'SGD',
  R$: 'BRL',
  A$: 'AUD',
  AU$: 'AUD',
  C$: 'CAD',
  CA$: 'CAD',
  NZ$: 'NZD',
  HK$: 'HKD',
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '￥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  '₫': 'VND',
  '฿': 'THB',
  '₱': 'PHP',
  RM: 'MYR',
  Rp: 'IDR',
  zł: 'PLN',
};

/** ISO codes recognised when written out (upper case only, so ordinary words never match). */
const CODES = [
  'USD', 'EUR', 'GBP', 'JPY', 'CNY', 'RMB', 'MYR', 'SGD', 'BRL', 'AUD', 'CAD', 'NZD', 'HKD', 'INR', 'CHF',
  'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'ZAR', 'MXN', 'KRW', 'THB', 'IDR', 'PHP', 'VND', 'TRY', 'RUB',
  'AED', 'SAR', 'ILS', 'TWD',
];

const CODE_ALIASES: Readonly<Record<string, string>> = { RMB: 'CNY' };

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CURRENCY_SOURCE = `(?<![A-Za-z])(?:${[...Object.keys(SYMBOLS), ...CODES]
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join('|')})(?![A-Za-z])`;

const MINUS = '[-\\u2212]';

/**
 * `(` sign currency sign numeral currency `)`; every part but the numeral is optional, and a
 * minus between currency and numeral counts only after a currency (`$-5`).
 * A sign glued to a preceding word or digit (`INV-5`, `10-20`) is not a minus.
 */
const MONEY_RE = new RegExp(
  `(\\()?\\s*((?<![\\p{L}\\p{N}])${MINUS})?\\s*(?:(${CURRENCY_SOURCE})\\s*(${MINUS})?\\s*)?(${NUMERAL_SOURCE})(?:\\s*(${CURRENCY_SOURCE}))?(\\s*\\))?`,
  'gu',
);

export function currencyCode(token: string): string {
  return SYMBOLS[token] ?? CODE_ALIASES[token] ?? token;
}

/**
 * The first amount in `text`. An amount with a currency mark is preferred over an earlier bare
 * number (in `Invoice 123 total $45` the money is $45); bare numbers are accepted with lower
 * confidence and `defaultCurrency` (or null).
 */
export function parseMoney(text: string, defaultCurrency?: string): Match<Money> | undefined {
  let bare: Match<Money> | undefined;
  for (const m of text.matchAll(MONEY_RE)) {
    const [whole, open, lead, pre, inner, numeral, post, close] = m;
    const n = interpretNumeral(numeral!);
    if (!n) continue;
    const parens = open !== undefined && close !== undefined;
    const amount = parens ? -n.value : applySign(n.value, lead ?? inner);
    let value = whole.trim();
    // An unmatched parenthesis belongs to the surrounding text, not to the amount.
    if (open !== undefined && !parens) value = value.slice(1).trim();
    if (close !== undefined && !parens) value = value.slice(0, -1).trim();
    const symbol = pre ?? post;
    if (symbol !== undefined) {
      return { value, normalized: { amount, currency: currencyCode(symbol) }, confidence: n.ambiguous ? 0.9 : 1 };
    }
    bare ??= { value, normalized: { amount, currency: defaultCurrency ?? null }, confidence: n.ambiguous ? 0.5 : 0.6 };
  }
  return bare;
}
