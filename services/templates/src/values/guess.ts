import { parseValue } from './parse-value.js';
import type { FieldType } from './types.js';

/** Specificity order, used to break confidence ties: narrower formats before broader ones. */
const SPECIFICITY: readonly FieldType[] = ['email', 'date', 'percent', 'money', 'phone', 'boolean', 'address', 'id', 'number'];

/**
 * The types the whole text reads as, most specific first; `string` always comes last for a
 * non-empty text. Only whole-text matches count: a sample that merely contains a date is not a date.
 * Candidates are ordered by parse confidence, then by specificity, so `12.50` is a number before it
 * is a currency-less amount, while `05/01/2024` is a date before it is a digits-only identifier.
 */
export function guessTypes(text: string): FieldType[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  const candidates: Array<{ type: FieldType; confidence: number; rank: number }> = [];
  SPECIFICITY.forEach((type, rank) => {
    const parsed = parseValue(type, text);
    if (parsed && parsed.value === text.trim()) candidates.push({ type, confidence: parsed.confidence, rank });
  });
  candidates.sort((a, b) => b.confidence - a.confidence || a.rank - b.rank);
  return [...candidates.map((c) => c.type), 'string'];
}
