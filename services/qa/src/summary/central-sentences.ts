import { stem, words } from '../retrieval/terms.js';

const DAMPING = 0.85;
const MAX_ITERATIONS = 50;
const TOLERANCE = 1e-6;
/** Words in more than this share of the sentences say nothing about any one of them. */
const MAX_DOC_SHARE = 0.5;

export interface Centrality {
  /** LexRank score of each sentence (they sum to 1). */
  scores: number[];
  /** Cosine similarity of two sentences' TF-IDF vectors, 0..1. */
  similarity: (i: number, j: number) => number;
}

/** Content terms of a sentence with their counts: stems of words of three or more letters. */
function termCounts(sentence: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { word } of words(sentence)) {
    if (word.length < 3 || /\p{N}/u.test(word)) continue;
    const t = stem(word);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/**
 * Continuous LexRank: sentences are nodes, TF-IDF cosine similarity the edge weights, and a
 * sentence is central when sentences central themselves resemble it (damped power iteration).
 * Cost is quadratic in the number of sentences; callers bound that number.
 */
export function centrality(sentences: string[]): Centrality {
  const n = sentences.length;
  const counts = sentences.map(termCounts);
  const df = new Map<string, number>();
  for (const c of counts) for (const t of c.keys()) df.set(t, (df.get(t) ?? 0) + 1);

  // Postings of unit-length TF-IDF vectors: term -> [sentence, weight] pairs.
  const postings = new Map<string, Array<[number, number]>>();
  counts.forEach((c, i) => {
    const weighted: Array<[string, number]> = [];
    for (const [t, tf] of c) {
      const d = df.get(t)!;
      if (d > 1 && d <= n * MAX_DOC_SHARE) weighted.push([t, tf * Math.log(n / d)]);
    }
    const norm = Math.hypot(...weighted.map(([, w]) => w));
    for (const [t, w] of weighted) {
      const list = postings.get(t) ?? [];
      list.push([i, w / norm]);
      postings.set(t, list);
    }
  });

  const sim = new Float64Array(n * n);
  for (const list of postings.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const [i, wi] = list[a]!;
        const [j, wj] = list[b]!;
        sim[i * n + j] += wi * wj;
        sim[j * n + i] += wi * wj;
      }
    }
  }

  const rowSums = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rowSums[i] += sim[i * n + j];
  let scores = new Float64Array(n).fill(1 / n);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    const next = new Float64Array(n).fill((1 - DAMPING) / n);
    for (let i = 0; i < n; i++) {
      const share = DAMPING * scores[i];
      // A sentence like no other hands its score to all alike.
      if (rowSums[i] === 0) for (let j = 0; j < n; j++) next[j] += share / n;
      else for (let j = 0; j < n; j++) next[j] += (share * sim[i * n + j]) / rowSums[i];
    }
    let change = 0;
    for (let i = 0; i < n; i++) change += Math.abs(next[i] - scores[i]);
    scores = next;
    if (change < TOLERANCE) break;
  }
  return { scores: Array.from(scores), similarity: (i, j) => sim[i * n + j] };
}
