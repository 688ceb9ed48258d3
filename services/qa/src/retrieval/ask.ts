import { isSectionTitle } from './chunker.js';
import type { ClientIndex, ChunkHit } from './client-index.js';
import { splitQuestion, type QuestionPart } from './questions.js';
import { stem, tokenize } from './terms.js';
import type { AnswerPart, AskResult, Citation, Sentence } from './types.js';

export interface AskOptions {
  /** The documents to answer from (the client's active set, or the caller's doc_id / doc_ids). */
  docIds?: string[];
  /** Citations per part (API.md `top_k`, default 5). */
  topK?: number;
  /** Below this confidence a part is answered found:false (tuned on the contracts bench). */
  minConfidence?: number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.47;
const CANDIDATE_CHUNKS = 40;
/** Expansion words count for less than the question's own words. */
const EXPANSION_WEIGHT = 0.5;
/** Chunks this early in a document are its preamble (parties, dates). */
const PREAMBLE_CHUNKS = 5;
/** What a topic the sentence does not mention still counts for, in the geometric mean. */
const MISSING_TOPIC = 0.1;

interface Scored {
  hit: ChunkHit;
  sentence: Sentence;
  score: number;
}

/** How well one sentence answers a part: 0..1, from what it says, where it sits and how the index ranked its chunk. */
function scoreSentence(part: QuestionPart, hit: ChunkHit, sentence: Sentence, best: number): number {
  const text = hit.chunk.text.slice(sentence.start, sentence.end);
  const stems = new Set(tokenize(text).map(stem));
  const headingStems = new Set(tokenize(hit.chunk.heading ?? '').map(stem));
  const content = part.terms.length ? part.terms.filter((t) => stems.has(t)).length / part.terms.length : 0;
  // A sentence must speak to every topic of the part: the geometric mean punishes one left out.
  let topical = 1;
  let heading = 0;
  for (const topic of part.topics) {
    // A sentence that only mentions the topic in passing ("survives expiration") counts one cue less.
    const cues = topic.cues.filter((re) => re.test(text)).length - (topic.inPassing?.some((re) => re.test(text)) ? 1 : 0);
    topical *= Math.max(MISSING_TOPIC, Math.min(1, cues / Math.min(topic.cuesNeeded ?? 2, topic.cues.length)));
    if (topic.triggers.concat(topic.expand.slice(0, 4)).some((w) => headingStems.has(stem(w)))) heading += 1;
  }
  const topics = part.topics.length || 1;
  const preamble = part.topics.some((t) => t.preamble) && hit.chunk.ordinal < PREAMBLE_CHUNKS ? 1 : 0;
  const rank = best > 0 ? hit.score / best : 0;
  const weights = part.topics.length ? { topical: 0.45, content: 0.2, heading: 0.1, rank: 0.15, preamble: 0.1 } : { topical: 0, content: 0.6, heading: 0, rank: 0.4, preamble: 0 };
  return weights.topical * (part.topics.length ? topical ** (1 / topics) : 0) + weights.content * content + weights.heading * (heading / topics) + weights.rank * rank + weights.preamble * preamble;
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What a question the documents do not answer is answered: a plain statement, not a guess. */
export const notAnswered = (question: string) => `The documents do not appear to answer this: ${clean(question)}`;
const bare = (s: string) => clean(s).replace(/[\s.:;]+$/, '').toLowerCase();
const isHeading = (sentence: string, heading: string | null) => heading !== null && bare(sentence) === bare(heading);

function answerPart(index: ClientIndex, part: QuestionPart, options: AskOptions): AnswerPart {
  const topK = options.topK ?? 5;
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const weights = new Map<string, number>();
  for (const t of part.topics) for (const w of t.expand) weights.set(stem(w), EXPANSION_WEIGHT);
  for (const t of part.terms) weights.set(t, 1);
  const related = [...weights.keys()].filter((t) => !part.terms.includes(t));
  const hits = index.retrieve(part.terms, related, { ...(options.docIds ? { docIds: options.docIds } : {}), weights, limit: CANDIDATE_CHUNKS });
  const best = hits[0]?.score ?? 0;
  const scored: Scored[] = [];
  for (const hit of hits) {
    let top: Scored | undefined;
    for (const sentence of hit.chunk.sentences) {
      // "2. Termination." on its own names the clause; the sentences after it are the answer.
      const text = hit.chunk.text.slice(sentence.start, sentence.end);
      if (isSectionTitle(text) || isHeading(text, hit.chunk.heading)) continue;
      const score = scoreSentence(part, hit, sentence, best);
      if (!top || score > top.score) top = { hit, sentence, score };
    }
    if (top) scored.push(top);
  }
  scored.sort((a, b) => b.score - a.score);
  const confidence = Math.round(Math.min(1, Math.max(0, scored[0]?.score ?? 0)) * 1000) / 1000;
  if (!scored.length || confidence < minConfidence) {
    return { question: part.text, answer: notAnswered(part.text), found: false, confidence, citations: [] };
  }
  const citations: Citation[] = scored.slice(0, topK).map(({ hit, sentence, score }) => ({
    doc_id: hit.chunk.doc_id,
    filename: hit.filename,
    page: sentence.page,
    snippet: clean(hit.chunk.text.slice(sentence.start, sentence.end)),
    ...(sentence.bbox ? { bbox: sentence.bbox } : {}),
    score: Math.round(score * 1000) / 1000,
    start: sentence.pageStart,
    end: sentence.pageEnd,
  }));
  return { question: part.text, answer: citations[0]!.snippet, found: true, confidence, citations };
}

/**
 * Answers a question from the index, extractively: the best sentence (a whole clause, not a page)
 * for each part of the question, with citations. Parts the documents do not answer say so
 * (found:false) instead of guessing.
 */
export function ask(index: ClientIndex, question: string, options: AskOptions = {}): AskResult {
  const parts = splitQuestion(question).map((p) => answerPart(index, p, options));
  const found = parts.filter((p) => p.found);
  // Citations of every answered part, taken in turn, so each part's best comes first; a span two parts cite is listed once.
  const citations: Citation[] = [];
  const cited = new Set<string>();
  for (let i = 0; found.some((p) => i < p.citations.length); i++) {
    for (const p of found) {
      const c = p.citations[i];
      if (!c) continue;
      const key = `${c.doc_id}\u0000${c.page}\u0000${c.start}`;
      if (cited.has(key)) continue;
      cited.add(key);
      citations.push(c);
    }
  }
  const answer =
    parts.length === 1
      ? parts[0]!.answer
      : parts.map((p) => `${p.question.replace(/^./, (c) => c.toUpperCase())}: ${p.found ? p.answer : 'not found in the documents.'}`).join('\n');
  const confidence = Math.round((parts.reduce((a, p) => a + p.confidence, 0) / parts.length) * 1000) / 1000;
  return { answer, confidence, citations, mode: 'extractive', found: found.length > 0, parts };
}
