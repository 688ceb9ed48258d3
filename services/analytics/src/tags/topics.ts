import type { Tagging } from '@perceptiq/contracts';

/** A few broad topics and the words that say them. */
const TOPICS: Record<string, RegExp> = {
  finance: /\b(?:payment|invoice|fees?|price|tax|interest|loan|credit|balance|account)\b/gi,
  legal: /\b(?:agreement|contract|clause|governing law|liability|indemnif\w*|warrant\w*|terminat\w*)\b/gi,
  employment: /\b(?:employee|employer|salary|wages?|hiring|termination of employment|benefits|job)\b/gi,
  real_estate: /\b(?:lease|landlord|tenant|premises|property|rent)\b/gi,
  healthcare: /\b(?:patient|medical|clinic|hospital|diagnosis|prescription|health)\b/gi,
  insurance: /\b(?:insur\w*|policy ?holder|premium|claim|coverage)\b/gi,
  technology: /\b(?:software|hosting|cloud|data|licen[cs]e|website|server|platform)\b/gi,
  retail: /\b(?:store|shop|cashier|qty|item|purchase|customer)\b/gi,
};
/** Mentions per 1,000 words for a topic to count; at most this many topics. */
const MIN_DENSITY = 4;
const MAX_TOPICS = 5;

/** The text's topics, most mentioned first, with a confidence from how densely it mentions them. */
export function topicsOf(text: string): Tagging['tags'] {
  const words = Math.max(1, text.split(/\s+/).length);
  return Object.entries(TOPICS)
    .map(([tag, pattern]) => ({ tag, density: ((text.match(pattern)?.length ?? 0) * 1000) / words }))
    .filter((t) => t.density >= MIN_DENSITY)
    .sort((a, b) => b.density - a.density)
    .slice(0, MAX_TOPICS)
    .map((t) => ({ tag: t.tag, category: 'topic', confidence: Math.round(Math.min(0.95, 0.5 + t.density / 100) * 100) / 100 }));
}
