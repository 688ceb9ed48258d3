import { QUESTION_STOPWORDS, topicsOf, type Topic } from './vocabulary.js';
import { stem, tokenize } from './terms.js';

const MAX_LISTED_TERMS = 3;

/** One thing a question asks about. */
export interface QuestionPart {
  text: string;
  /** Stemmed content words of the part. */
  terms: string[];
  topics: Topic[];
}

export function analyze(text: string): QuestionPart {
  const words = tokenize(text);
  const terms = [...new Set(words.map(stem).filter((t) => !QUESTION_STOPWORDS.has(t) && t.length > 1))];
  return { text: text.trim(), terms, topics: topicsOf(words) };
}

/**
 * Splits "What are the renewal and termination clauses?" into one part per topic. A question is
 * split only where every piece is short and names a topic that no other piece names, so "automatic extensions
 * and unilateral extensions" or "terms and conditions" stay one question.
 */
export function splitQuestion(question: string): QuestionPart[] {
  const whole = analyze(question);
  const pieces = question.split(/\s*(?:,|;|&|\band\b|\bas well as\b)\s*/i).filter((p) => /[\p{L}\p{N}]/u.test(p));
  if (pieces.length < 2) return [whole];
  const parts = pieces.map(analyze);
  // Only short pieces are things being listed; a long piece is a sentence that happens to hold "and".
  if (parts.some((p) => p.terms.length > MAX_LISTED_TERMS)) return [whole];
  const unique = parts.every((p, i) => p.topics.some((t) => parts.every((o, j) => j === i || !o.topics.includes(t))));
  if (!unique) return [whole];
  return parts.map((p) => ({ ...p, text: p.text.replace(/^(what|which|where|how)\s+(is|are|were|was)\s+(the\s+)?/i, '').replace(/\?$/, '') }));
}
