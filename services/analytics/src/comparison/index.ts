import type { Comparison } from '@perceptiq/contracts';
import { diffWords } from 'diff';
import { documentText, sectionsOf, type Section } from './sections.js';
import { changedTerms } from './terms.js';

/** Two sections whose words overlap this much (Jaccard) are one section, edited. */
const SAME_SECTION = 0.45;
/** A word diff of one section gives up after this long (two unrelated long sections): the section is then replaced whole. */
const DIFF_TIMEOUT_MS = 300;

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const wordCount = (s: string) => words(s).length;

function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  return both / Math.max(1, a.size + b.size - both);
}

/**
 * Pairs of sections, base with compare: the same heading first (so renumbering after an inserted
 * clause changes nothing), then the most similar text among the rest; what stays unpaired was
 * removed (base) or added (compare).
 */
function align(base: Section[], compare: Section[]): Array<[number | null, number | null]> {
  const pairs: Array<[number | null, number | null]> = [];
  const usedB = new Set<number>();
  const usedC = new Set<number>();
  base.forEach((s, i) => {
    if (!s.key) return;
    const j = compare.findIndex((c, k) => !usedC.has(k) && c.key === s.key);
    if (j >= 0) {
      pairs.push([i, j]);
      usedB.add(i);
      usedC.add(j);
    }
  });
  // Candidates by similarity, best first; each section paired once.
  const bags = (list: Section[]) => list.map((s) => new Set(words(s.text)));
  const [bBags, cBags] = [bags(base), bags(compare)];
  const candidates: Array<[number, number, number]> = [];
  base.forEach((_, i) => {
    if (usedB.has(i)) return;
    compare.forEach((_, j) => {
      if (usedC.has(j)) return;
      const score = jaccard(bBags[i]!, cBags[j]!);
      if (score >= SAME_SECTION) candidates.push([score, i, j]);
    });
  });
  for (const [, i, j] of candidates.sort((x, y) => y[0] - x[0])) {
    if (usedB.has(i) || usedC.has(j)) continue;
    pairs.push([i, j]);
    usedB.add(i);
    usedC.add(j);
  }
  base.forEach((_, i) => usedB.has(i) || pairs.push([i, null]));
  compare.forEach((_, j) => usedC.has(j) || pairs.push([null, j]));
  // In reading order: by base position; an added section just before the next section both documents share.
  const matched = pairs.filter(([i, j]) => i !== null && j !== null) as Array<[number, number]>;
  const position = ([i, j]: [number | null, number | null]): number => {
    if (i !== null) return i;
    const next = matched.filter(([, cj]) => cj > j!).map(([bi]) => bi);
    return (next.length ? Math.min(...next) : base.length) - 0.5 + j! / (compare.length + 1) / 2;
  };
  return pairs.sort((a, b) => position(a) - position(b));
}

type Part = Comparison['changes'][number]['diff'][number];

function wordDiff(base: string, compare: string): Part[] {
  const parts = diffWords(base, compare, { timeout: DIFF_TIMEOUT_MS });
  if (!parts) return [{ op: 'delete', text: base }, { op: 'insert', text: compare }];
  return parts.map((p) => ({ op: p.added ? 'insert' : p.removed ? 'delete' : 'equal', text: p.value }));
}

/**
 * Two documents (their pages of text) compared section by section (API.md "Analytics"):
 * added, removed and modified sections with a word diff, the terms that changed side by side,
 * and `similarity`, the share of the base text's words left unchanged. Page breaks, line
 * wrapping and white space never count as changes, so the same contract as a PDF and as a DOCX
 * compares as (nearly) identical.
 */
export function compareDocuments(basePages: string[], comparePages: string[]): Comparison {
  const base = sectionsOf(documentText(basePages));
  const compare = sectionsOf(documentText(comparePages));
  const changes: Comparison['changes'] = [];
  const terms: Comparison['changed_terms'] = [];
  let baseWords = 0;
  let kept = 0;
  for (const [i, j] of align(base, compare)) {
    const b = i !== null ? base[i]! : undefined;
    const c = j !== null ? compare[j]! : undefined;
    if (b) baseWords += wordCount(b.text);
    if (b && c) {
      if (b.text === c.text) {
        kept += wordCount(b.text);
        continue;
      }
      const diff = wordDiff(b.text, c.text);
      kept += diff.filter((p) => p.op === 'equal').reduce((n, p) => n + wordCount(p.text), 0);
      changes.push({ kind: 'modified', section: c.label, base_text: b.text, compare_text: c.text, diff });
      terms.push(...changedTerms(b.text, c.text));
    } else if (b) {
      changes.push({ kind: 'removed', section: b.label, base_text: b.text, diff: [{ op: 'delete', text: b.text }] });
    } else if (c) {
      changes.push({ kind: 'added', section: c.label, compare_text: c.text, diff: [{ op: 'insert', text: c.text }] });
    }
  }
  const similarity = baseWords === 0 ? (compare.length === 0 ? 1 : 0) : Math.round((kept / baseWords) * 10_000) / 10_000;
  return { similarity, summary: summaryOf(changes, terms), changes, changed_terms: terms };
}

function summaryOf(changes: Comparison['changes'], terms: Comparison['changed_terms']): string {
  if (!changes.length) return 'The documents are identical.';
  const count = (kind: string) => changes.filter((c) => c.kind === kind).length;
  const plural = (n: number) => `${n} section${n === 1 ? '' : 's'}`;
  const kinds = ['added', 'removed', 'modified'].filter((k) => count(k)).map((k) => `${count(k)} ${k}`);
  const termText = terms.slice(0, 4).map((t) => `${t.term}: ${t.base ?? 'none'} → ${t.compare ?? 'none'}`);
  return `${plural(changes.length)} changed (${kinds.join(', ')})${termText.length ? `; ${termText.join('; ')}` : ''}.`;
}
