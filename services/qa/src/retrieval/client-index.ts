import MiniSearch, { type SearchResult as MsResult } from 'minisearch';
import { chunkDocument } from './chunker.js';
import { containsPhrase, fuzzyFor, parseSearchQuery } from './search-query.js';
import { makeSnippet } from './snippet.js';
import { stem, tokenize } from './terms.js';
import type { Chunk, SearchHit, SearchResult, SourceDocument } from './types.js';

interface Indexed {
  text: string;
  heading: string;
}

const indexed = (c: Chunk) => ({ id: c.id, text: c.text, heading: c.heading ?? '' });

const OPTIONS = {
  fields: ['text', 'heading'],
  storeFields: [] as string[],
  tokenize: (text: string) => tokenize(text),
  processTerm: (term: string) => stem(term),
  searchOptions: { boost: { heading: 2 } },
};

export interface IndexSearchOptions {
  docIds?: string[];
  limit?: number;
  offset?: number;
}

/** A scored chunk from the index, with the index terms it matched. */
export interface ChunkHit {
  chunk: Chunk;
  filename: string;
  score: number;
  terms: string[];
}

/**
 * One client's search index: chunks of its documents in minisearch (BM25+). Documents are added
 * and removed whole; the QA service stores the chunks (index/indexed-documents.ts) and rebuilds
 * this from them (`addChunks`).
 */
export class ClientIndex {
  private readonly ms = new MiniSearch<Indexed>(OPTIONS);
  private readonly docs = new Map<string, { filename: string; chunks: Chunk[] }>();
  private readonly chunks = new Map<string, { chunk: Chunk; filename: string }>();

  /** Indexes a document (replacing an earlier version of it); returns its chunks. */
  add(doc: SourceDocument): Chunk[] {
    const chunks = chunkDocument(doc);
    this.addChunks(doc.doc_id, doc.filename, chunks);
    return chunks;
  }

  /** Indexes a document already cut into chunks (as the QA service stores them), replacing an earlier version. */
  addChunks(docId: string, filename: string, chunks: Chunk[]): void {
    this.remove(docId);
    this.remember(docId, filename, chunks);
    this.ms.addAll(chunks.map(indexed));
  }

  remove(docId: string): boolean {
    const doc = this.docs.get(docId);
    if (!doc) return false;
    for (const c of doc.chunks) {
      // remove(), not discard(): discard updates the term statistics lazily, so an index that lost
      // a document would score unlike one rebuilt without it (replicas must answer alike).
      this.ms.remove(indexed(c));
      this.chunks.delete(c.id);
    }
    this.docs.delete(docId);
    return true;
  }

  chunksOf(docId: string): Chunk[] {
    return this.docs.get(docId)?.chunks ?? [];
  }

  private remember(docId: string, filename: string, chunks: Chunk[]): void {
    this.docs.set(docId, { filename, chunks });
    for (const chunk of chunks) this.chunks.set(chunk.id, { chunk, filename });
  }

  private filter(docIds?: string[]): ((r: MsResult) => boolean) | undefined {
    if (!docIds) return undefined;
    const allowed = new Set(docIds);
    return (r) => allowed.has(this.chunks.get(r.id as string)!.chunk.doc_id);
  }

  /**
   * Chunks for a free query, best first: any of the terms, weighted by `weights` per index term;
   * typos are tolerated in the question's own `terms`, not in the `related` words added to them.
   */
  retrieve(terms: string[], related: string[], options: { docIds?: string[]; weights?: Map<string, number>; limit: number }): ChunkHit[] {
    if (!(terms.length + related.length) || options.docIds?.length === 0) return [];
    const weights = options.weights;
    const queries = [
      ...(terms.length ? [{ queries: [terms.join(' ')], fuzzy: (t: string) => fuzzyFor(t) }] : []),
      ...(related.length ? [{ queries: [related.join(' ')] }] : []),
    ];
    const results = this.ms.search({ queries, combineWith: 'OR' }, {
      ...(weights ? { boostTerm: (t: string) => weights.get(t) ?? 1 } : {}),
      ...(options.docIds ? { filter: this.filter(options.docIds)! } : {}),
    });
    return results.slice(0, options.limit).map((r) => this.toHit(r));
  }

  private toHit(r: MsResult): ChunkHit {
    const { chunk, filename } = this.chunks.get(r.id as string)!;
    return { chunk, filename, score: r.score, terms: r.terms };
  }

  /** Search box semantics: every word must match (typos allowed from 5 letters), "phrases", prefix*; one hit per page. */
  search(query: string, options: IndexSearchOptions = {}): SearchResult {
    const { words, prefixes, phrases } = parseSearchQuery(query);
    const limit = Math.min(Math.max(options.limit ?? 10, 1), 100);
    const offset = Math.max(options.offset ?? 0, 0);
    const queries = [
      ...words.map((w) => ({ queries: [w], fuzzy: (t: string) => fuzzyFor(t) })),
      ...prefixes.map((p) => ({ queries: [p], prefix: true })),
      ...phrases.map((p) => ({ queries: tokenize(p), combineWith: 'AND' as const })),
    ].filter((q) => q.queries.length);
    if (!queries.length || options.docIds?.length === 0) return { query, total: 0, hits: [] };
    let results = this.ms.search({ queries, combineWith: 'AND' }, options.docIds ? { filter: this.filter(options.docIds)! } : {});
    if (phrases.length) results = results.filter((r) => phrases.every((p) => containsPhrase(this.chunks.get(r.id as string)!.chunk.text, p)));

    // One hit per page: the page's best chunk, scored by it.
    const pages = new Map<string, SearchHit>();
    const stemmedPrefixes = prefixes.map((p) => stem(p));
    for (const r of results) {
      const { chunk, filename } = this.chunks.get(r.id as string)!;
      const span = chunk.spans[0];
      if (!span) continue;
      const key = `${chunk.doc_id}\u0000${span.page}`;
      if (pages.has(key)) continue;
      // Phrase words are highlighted where the phrase occurs, not wherever each word does.
      const phraseWords = new Set(phrases.flatMap((p) => tokenize(p).map(stem)));
      const matched = new Set(r.terms.filter((t) => !phraseWords.has(t) || words.some((w) => stem(w) === t)));
      const { snippet, highlights } = makeSnippet(chunk.text, matched, stemmedPrefixes, phrases);
      pages.set(key, { doc_id: chunk.doc_id, filename, page: span.page, snippet, highlights, score: round(r.score) });
    }
    const all = [...pages.values()];
    return { query, total: all.length, hits: all.slice(offset, offset + limit) };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
