import type { Tagging } from '@perceptiq/contracts';
import nlp from 'compromise';
import { CARD_SHAPE, DATE, EMAIL, IBAN_SHAPE, luhn, MONEY, NATIONAL_ID, PERCENT, PHONE, spans, URL_PATTERN, validIban, type Span } from './patterns.js';

type Entity = Tagging['entities'][number];
type EntityType = Entity['type'];
type Doc = ReturnType<typeof nlp>;
/** What a selection gives back: anything that can be read as plain matches. */
type Selection = Pick<Doc, 'toView'>;

/**
 * compromise tags every word (some 10 ms per 1,000 characters), so it reads the opening of a
 * text, where parties, places and dates are named; shapes that need no language model (emails,
 * phones, amounts, IBANs…) are found by pattern over the whole text, so none is missed in a long one.
 */
export const NLP_CHARS = 8_000;

const MODEL: Array<[EntityType, (doc: Doc) => Selection]> = [
  ['person', (d) => d.people()],
  ['organization', (d) => d.organizations()],
  ['place', (d) => d.places()],
  ['email', (d) => d.emails()],
  ['url', (d) => d.urls()],
  ['phone', (d) => d.phoneNumbers()],
  ['money', (d) => d.money()],
  ['percent', (d) => d.percentages()],
];

function fromModel(text: string): Entity[] {
  const doc = nlp(text.slice(0, NLP_CHARS));
  const out: Entity[] = [];
  for (const [type, select] of MODEL) {
    const found = select(doc).toView(null).json({ offset: true }) as Array<{ text: string; offset: { start: number; length: number } }>;
    for (const m of found) {
      // compromise's offsets include surrounding punctuation it keeps on a term; trim to the words.
      const raw = text.slice(m.offset.start, m.offset.start + m.offset.length);
      const value = raw.replace(/^[\s"'“(]+|[\s"'”),.;:]+$/g, '');
      if (value.length < 2) continue;
      const start = m.offset.start + raw.indexOf(value);
      out.push({ type, text: value, start, end: start + value.length });
    }
  }
  return out;
}

const PATTERNS: Array<[EntityType, RegExp, ((s: string) => boolean)?]> = [
  ['email', EMAIL],
  ['url', URL_PATTERN],
  ['date', DATE],
  ['money', MONEY],
  ['percent', PERCENT],
  ['iban', IBAN_SHAPE, validIban],
  // A phone has 8 to 15 digits and is not a date, an amount, a card or an IBAN (decided below by overlap).
  ['phone', PHONE, (s) => { const n = s.replace(/\D/g, '').length; return n >= 8 && n <= 15; }],
];

/** Every entity: the model's in the opening, the patterns' everywhere; overlaps resolved in favour of the more specific type. */
export function findEntities(text: string): Entity[] {
  const found: Entity[] = [...fromModel(text)];
  for (const [type, pattern, accept] of PATTERNS) for (const s of spans(text, pattern, accept)) found.push({ type, ...s });
  // Digits shaped like an account, a card or an identity number, valid or not, are not a phone number.
  const notPhones = [IBAN_SHAPE, CARD_SHAPE, NATIONAL_ID].flatMap((p) => spans(text, p));
  return resolve(found.filter((e) => e.type !== 'phone' || !notPhones.some((n) => e.start < n.end && n.start < e.end)));
}

/** Card numbers that pass the Luhn check (a random 16-digit number fails it nine times in ten). */
export const findCards = (text: string): Span[] => spans(text, CARD_SHAPE, luhn);

/** More specific first: an IBAN's digits are not a phone, an email's domain not a URL. */
const RANK: Record<EntityType, number> = { iban: 0, email: 1, url: 2, date: 3, percent: 4, money: 5, phone: 6, organization: 7, person: 8, place: 9 };

function resolve(entities: Entity[]): Entity[] {
  const sorted = [...entities].sort((a, b) => RANK[a.type] - RANK[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Entity[] = [];
  for (const e of sorted) {
    const clash = kept.some((k) => e.start < k.end && k.start < e.end && (RANK[k.type] <= 6 || k.type === e.type));
    if (!clash) kept.push(e);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
