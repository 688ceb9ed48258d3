import type { Tagging } from '@perceptiq/contracts';
import { detect } from 'tinyld';
import { docTypeOf } from './doc-type.js';
import { findCards, findEntities } from './entities.js';
import { BIRTH_CUE, NATIONAL_ID, spans } from './patterns.js';
import { topicsOf } from './topics.js';

/** Language is told from the opening: more text changes the answer rarely and costs time. */
const LANGUAGE_CHARS = 2_000;
/** Fewer letters than this and a language guess is noise: null. */
const MIN_LETTERS = 20;

function languageOf(text: string): string | null {
  const sample = text.slice(0, LANGUAGE_CHARS);
  if ((sample.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return null;
  return detect(sample) || null;
}

/**
 * Tags of a text (API.md "Analytics"): its type with a confidence, language, topic tags, entities
 * and PII with character offsets into the text. Pure: the same text always tags the same way.
 */
export function tagText(text: string): Tagging {
  const entities = findEntities(text);
  const { type, confidence } = docTypeOf(text);
  const language = languageOf(text);
  const pii: Tagging['pii'] = [];
  for (const e of entities) if (e.type === 'email' || e.type === 'phone' || e.type === 'iban') pii.push({ type: e.type, start: e.start, end: e.end });
  for (const c of findCards(text)) pii.push({ type: 'credit_card', start: c.start, end: c.end });
  for (const id of spans(text, NATIONAL_ID)) pii.push({ type: 'national_id', start: id.start, end: id.end });
  for (const e of entities) {
    if (e.type === 'date' && BIRTH_CUE.test(text.slice(Math.max(0, e.start - 40), e.start))) pii.push({ type: 'date_of_birth', start: e.start, end: e.end });
  }
  pii.sort((a, b) => a.start - b.start);
  // A card number is PII, not a phone number or an amount.
  const cardSpans = pii.filter((p) => p.type === 'credit_card');
  const clean = (s: { start: number; end: number }) => !cardSpans.some((c) => s.start < c.end && c.start < s.end);
  const tags: Tagging['tags'] = [
    { tag: type, category: 'doc_type', confidence },
    ...(language ? [{ tag: language, category: 'language', confidence: 0.9 }] : []),
    ...topicsOf(text),
  ];
  return {
    doc_type: type,
    language,
    tags,
    entities: entities.filter(clean),
    pii: pii.filter((p) => p.type === 'credit_card' || clean(p)),
  };
}
