import type { GetDocumentPages, PageWord, ReplyOf } from '@perceptiq/contracts';
import type { z } from 'zod';

type Pages = ReplyOf<typeof GetDocumentPages>;
type Word = z.infer<typeof PageWord>;

/** A box as fractions of the page (x, y from the top-left corner, width, height; 0..1), as ingest gives it. */
export type BBox = Word['bbox'];

/** What QA indexes of a document as ingest produces it (`GetDocumentPages` with words): the contract's fields QA reads. */
export type SourceDocument = Pick<Pages, 'doc_id' | 'filename'> & {
  pages: Array<Pick<Pages['pages'][number], 'page' | 'text'> & { words?: Array<Pick<Word, 'text' | 'bbox'>> }>;
};

/** Where a run of text lies on one page: character offsets into that page's text, and the union box of its words. */
export interface PageSpan {
  page: number;
  /** Where this span begins in the chunk's text. */
  at: number;
  start: number;
  end: number;
  bbox?: BBox;
}

/** A sentence of a chunk, with its offsets into the chunk text (answers are cut at these). */
export interface Sentence {
  start: number;
  end: number;
  /** The page it starts on, its offsets there (up to that page's end) and the union box of its words. */
  page: number;
  pageStart: number;
  pageEnd: number;
  bbox?: BBox;
}

/** A passage of one section: whole sentences, never crossing a section heading. */
export interface Chunk {
  id: string;
  doc_id: string;
  /** Text of the chunk; `spans` map it back onto the pages (a chunk may run over a page break). */
  text: string;
  /** The section it belongs to ("12. Term and Termination"), or null before the first heading. */
  heading: string | null;
  spans: PageSpan[];
  sentences: Sentence[];
  /** Position of the chunk in its document, 0-based (preambles carry parties and dates). */
  ordinal: number;
}

export interface Citation {
  doc_id: string;
  filename: string;
  page: number;
  snippet: string;
  bbox?: BBox;
  score: number;
  /** Character offsets of the cited span in the page's text (for highlighting; not in API.md). */
  start: number;
  end: number;
}

export interface AnswerPart {
  question: string;
  answer: string;
  found: boolean;
  confidence: number;
  citations: Citation[];
}

/** API.md's ask response, plus the parts of a multi-part question. */
export interface AskResult {
  answer: string;
  confidence: number;
  citations: Citation[];
  /** `generative` when a model wrote `answer` from the cited passages (LLM_BASE_URL). */
  mode: 'extractive' | 'generative';
  found: boolean;
  parts: AnswerPart[];
}

export interface SearchHit {
  doc_id: string;
  filename: string;
  page: number;
  snippet: string;
  highlights: Array<[number, number]>;
  score: number;
}

export interface SearchResult {
  query: string;
  total: number;
  hits: SearchHit[];
}
