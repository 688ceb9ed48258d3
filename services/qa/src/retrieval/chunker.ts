import { placeWords, unionBox, type PlacedWord } from './boxes.js';
import { splitSentences } from './sentences.js';
import type { Chunk, PageSpan, SourceDocument } from './types.js';

/** A chunk grows sentence by sentence up to this many characters (one longer sentence stays whole). */
const MAX_CHUNK_CHARS = 700;
const MAX_HEADING_CHARS = 100;

/** A section number at the start of a line: "12.", "3.2", "(a)", "IV.", "Section 5", "ARTICLE II", "§ 4". */
export const SECTION_NUMBER = /^(?:(?:ARTICLE|Article|SECTION|Section|§)\s*[\dIVXLC]+[A-Za-z]?(?:\.\d+)*[.:)]?|\(?\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[A-Za-z]\)|[IVXLC]+\.)(?=\s)/;
/** "12. Term. The initial term…": a numbered heading at the start of a paragraph. */
const INLINE_HEADING = new RegExp(`${SECTION_NUMBER.source}\\s+[\\p{Lu}][^.;:\\n]{1,80}?[.:](?=\\s)`, 'u');
/** The line break before a line that opens a numbered section ("2. Termination. Either party…"): a paragraph starts there. */
export const SECTION_LINE_BREAK = new RegExp(`\\n(?=[ \\t]*${INLINE_HEADING.source.slice(1)})`, 'u');
// Paragraph breaks: blank lines, form feeds, the long runs of spaces that PDF-to-text tools leave
// between paragraphs, and numbered sections (PDF text often has no blank line between them).
const BLOCK_BREAK = new RegExp(`\\n[ \\t]*\\n+|\\f| {3,}|\\t{2,}|${SECTION_LINE_BREAK.source}`, 'gu');

const TITLE_ONLY = new RegExp(`^${SECTION_NUMBER.source}\\s+[\\p{Lu}][^.;:\\n]{1,80}[.:]?$`, 'u');

/** "2. Termination." on its own: a numbered section's title, which names a clause but is not one. */
export const isSectionTitle = (sentence: string): boolean => TITLE_ONLY.test(sentence.trim());

function isHeading(block: string): boolean {
  if (block.length > MAX_HEADING_CHARS || /[.;,]\s+\S.*[.;]$/.test(block)) return false;
  const letters = block.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 3 && letters === letters.toUpperCase() && /\p{Lu}/u.test(letters)) return true; // ALL CAPS title
  if (SECTION_NUMBER.test(block) && !/[.;]$/.test(block.replace(SECTION_NUMBER, '').trim() || '.')) return /\p{L}/u.test(block.replace(SECTION_NUMBER, ''));
  return /^(ARTICLE|Article|SECTION|Section)\s/.test(block) || (SECTION_NUMBER.test(block) && block.length < 60 && /^[^a-z]*\p{Lu}/u.test(block.replace(SECTION_NUMBER, '').trim()));
}

interface Block {
  start: number;
  end: number;
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  let start = 0;
  const push = (s: number, e: number) => {
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (const m of text.matchAll(BLOCK_BREAK)) {
    push(start, m.index);
    start = m.index + m[0].length;
  }
  push(start, text.length);
  return out;
}

/**
 * A document's pages as one text, and where each page starts in it. A page that ends a sentence
 * ends its paragraph too; otherwise the sentence goes on overleaf.
 */
export function joinPages(pages: ReadonlyArray<{ text: string }>): { text: string; pageStarts: number[] } {
  const pageStarts: number[] = [];
  let text = '';
  for (const p of pages) {
    if (pageStarts.length) text += /[.!?:;]["'”’)]*\s*$/.test(text) ? '\n\n' : '\n';
    pageStarts.push(text.length);
    text += p.text;
  }
  return { text, pageStarts };
}

/**
 * Cuts a document into passages that follow its structure: sections (numbered, ARTICLE/Section,
 * ALL-CAPS titles), paragraphs and whole sentences. A sentence running over a page break stays
 * one sentence, and its chunk gets one span per page.
 */
export function chunkDocument(doc: SourceDocument): Chunk[] {
  const { text: full, pageStarts } = joinPages(doc.pages);
  const placed: PlacedWord[][] = doc.pages.map(placeWords);

  const spansOf = (start: number, end: number): PageSpan[] => {
    const spans: PageSpan[] = [];
    let i = 0;
    while (i + 1 < pageStarts.length && pageStarts[i + 1]! <= start) i++;
    for (; i < doc.pages.length && pageStarts[i]! < end; i++) {
      const p = doc.pages[i]!;
      const ps = pageStarts[i]!;
      const s = Math.max(start, ps) - ps;
      const e = Math.min(end, ps + p.text.length) - ps;
      if (e <= s || !p.text.slice(s, e).trim()) continue;
      const bbox = unionBox(placed[i]!, s, e);
      spans.push({ page: p.page, at: ps + s - start, start: s, end: e, ...(bbox ? { bbox } : {}) });
    }
    return spans;
  };

  const chunks: Chunk[] = [];
  let heading: string | null = null;
  const emit = (start: number, end: number, sentences: Array<{ start: number; end: number }>) => {
    chunks.push({
      id: `${doc.doc_id}#${chunks.length}`,
      doc_id: doc.doc_id,
      text: full.slice(start, end),
      heading,
      spans: spansOf(start, end),
      sentences: sentences.flatMap((s) => {
        const first = spansOf(s.start, s.end)[0];
        if (!first) return [];
        return [{ start: s.start - start, end: s.end - start, page: first.page, pageStart: first.start, pageEnd: first.end, ...(first.bbox ? { bbox: first.bbox } : {}) }];
      }),
      ordinal: chunks.length,
    });
  };

  for (const block of blocks(full)) {
    const body = full.slice(block.start, block.end);
    if (isHeading(body)) {
      heading = body.replace(/\s+/g, ' ');
      continue;
    }
    const inline = INLINE_HEADING.exec(body);
    if (inline && inline.index === 0) heading = inline[0].replace(/[.:]$/, '').replace(/\s+/g, ' ');
    const sentences = splitSentences(full, block.start, block.end);
    // An inline heading ("3. Termination.") is no sentence of its own: it opens the first one.
    if (inline && inline.index === 0 && sentences.length > 1 && sentences[0]!.end - block.start <= inline[0].length) {
      sentences.splice(0, 2, { start: sentences[0]!.start, end: sentences[1]!.end });
    }
    let group: typeof sentences = [];
    for (const s of sentences) {
      if (group.length && s.end - group[0]!.start > MAX_CHUNK_CHARS) {
        emit(group[0]!.start, group[group.length - 1]!.end, group);
        group = [];
      }
      group.push(s);
    }
    if (group.length) emit(group[0]!.start, group[group.length - 1]!.end, group);
  }
  return chunks;
}
