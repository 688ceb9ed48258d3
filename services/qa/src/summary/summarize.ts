import { joinPages } from '../retrieval/chunker.js';
import { centrality } from './central-sentences.js';
import { clip } from './clip.js';
import { extractKeyFacts, type KeyFacts } from './key-facts.js';
import { displayText, isProse } from './prose.js';
import { segmentText } from './segments.js';
import { findTitle } from './title.js';

export interface DocumentSummary {
  /** The first heading-like line naming the document ("SERVICES AGREEMENT"), else the file name without extension. */
  title: string;
  /** The lead sentence and the most central ones, in document order, whole sentences, at most 600 characters. */
  summary: string;
  /** The most central sentences besides the lead, in document order. */
  key_points: string[];
  key_facts: KeyFacts;
}

export interface SummarizeInput {
  filename: string;
  doc_type?: string | null;
  pages: Array<{ page: number; text: string }>;
}

export interface SummarizeOptions {
  /** Sentences in `summary`, the lead included (default 3). */
  maxSentences?: number;
}

// LexRank compares every pair of sentences: 400 (some 40 pages of contract) cost a few
// milliseconds, and what a document is about is stated long before its 400th sentence.
const MAX_SENTENCES = 400;
const SUMMARY_CHARS = 600;
const KEY_POINT_CHARS = 240;
const DEFAULT_SUMMARY_SENTENCES = 3;
const MIN_KEY_POINTS = 3;
const MAX_KEY_POINTS = 7;
/** Sentences this similar say the same thing (contracts repeat clauses); only the first chosen counts. */
const MAX_SIMILARITY = 0.6;
/** The preamble is looked for this far: filing notices and titles may come before it. */
const MAX_PREAMBLE_CHARS = 3_000;

/**
 * An extractive summary of a document: its title, the lead sentence (a contract's preamble)
 * with the most central sentences, key points, and key facts (parties, dates, amounts, terms).
 * Pure and synchronous.
 */
export function summarizeDocument(doc: SummarizeInput, options: SummarizeOptions = {}): DocumentSummary {
  const { text } = joinPages(doc.pages);
  const segments = segmentText(text);
  const display = segments.map((s) => (s.heading ? '' : displayText(text.slice(s.start, s.end))));
  const prose = new Set(segments.filter((_, i) => display[i] && isProse(display[i]!)));
  const picked = segments.flatMap((s, i) => (prose.has(s) ? [i] : [])).slice(0, MAX_SENTENCES);
  const sentences = picked.map((i) => display[i]!);
  const lead = picked[0] ?? -1;

  const preamble =
    lead < 0
      ? text.slice(0, MAX_PREAMBLE_CHARS)
      : display
          .slice(0, lead + 1)
          .filter(Boolean)
          .join('\n')
          .slice(-MAX_PREAMBLE_CHARS);
  const key_facts = extractKeyFacts(text, segments, preamble, (s) => prose.has(s));
  const title = findTitle(text, segments, lead, doc.filename, doc.doc_type);
  if (!sentences.length) return { title, summary: '', key_points: [], key_facts };

  // Key points: the most central sentences besides the lead, no two saying the same thing;
  // more of them for longer documents, gently (√n, within 3..7).
  const { scores, similarity } = centrality(sentences);
  const ranked = sentences.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const pointCount = Math.min(MAX_KEY_POINTS, Math.max(MIN_KEY_POINTS, Math.ceil(Math.sqrt(sentences.length))));
  const points: number[] = [];
  for (const i of ranked) {
    if (points.length === pointCount) break;
    if (i !== 0 && [0, ...points].every((c) => similarity(c, i) < MAX_SIMILARITY)) points.push(i);
  }
  const key_points = [...points].sort((a, b) => a - b).map((i) => clip(sentences[i]!, KEY_POINT_CHARS));

  // The summary: the lead (cut at a clause only if it alone overruns the budget), then the most
  // central key points that fit, in document order.
  const inSummary = [0];
  let length = Math.min(sentences[0]!.length, SUMMARY_CHARS);
  const maxSentences = Math.max(1, Math.floor(options.maxSentences ?? DEFAULT_SUMMARY_SENTENCES));
  for (const i of points) {
    if (inSummary.length === maxSentences) break;
    if (length + 1 + sentences[i]!.length > SUMMARY_CHARS) continue;
    inSummary.push(i);
    length += 1 + sentences[i]!.length;
  }
  const summary = inSummary
    .sort((a, b) => a - b)
    .map((i) => (i === 0 ? clip(sentences[0]!, SUMMARY_CHARS) : sentences[i]!))
    .join(' ');

  return { title, summary, key_points, key_facts };
}
