import { chunkDocument } from '../../src/retrieval/index.js';
import { CONTRACT_PAGES, makeDocument } from './fixtures.js';

describe('chunkDocument', () => {
  const doc = makeDocument('doc_a', 'services.txt', CONTRACT_PAGES);
  const chunks = chunkDocument(doc);

  it('keeps every sentence whole and knows its section', () => {
    const renewal = chunks.find((c) => c.text.includes('automatically renew'))!;
    expect(renewal.heading).toBe('2. Term and Renewal');
    expect(renewal.text).toContain('unless either party gives written notice of non-renewal at least sixty (60) days before the end of the then-current term.');
    // Abbreviations and numbers do not end a sentence: "Inc." and "Ltd." stay inside the preamble's one sentence.
    const preamble = chunks.find((c) => c.text.includes('Northwind'))!;
    expect(preamble.sentences).toHaveLength(1);
    expect(preamble.heading).toBe('SERVICES AGREEMENT');
    for (const c of chunks) for (const s of c.sentences) expect(c.text.slice(s.start, s.end)).toMatch(/[.)"]$/);
  });

  it('tracks pages, offsets into the page text and the union box of the words', () => {
    const termination = chunks.find((c) => c.text.includes('for convenience'))!;
    expect(termination.heading).toBe('3. Termination');
    const [span] = termination.spans;
    expect(span!.page).toBe(2);
    expect(CONTRACT_PAGES[1]!.slice(span!.start, span!.end)).toBe(termination.text);
    // The paragraph is one line of the page (row 0): its box starts at the first word and spans the line.
    expect(span!.bbox![1]).toBeCloseTo(0.01);
    expect(span!.bbox![0]).toBeCloseTo(0.01);
    expect(span!.bbox![2]).toBeGreaterThan(1);
    const sentence = termination.sentences[1]!;
    expect(CONTRACT_PAGES[1]!.slice(sentence.pageStart, sentence.pageEnd)).toMatch(/^Either party may terminate this Agreement immediately/);
  });

  it('keeps a sentence that runs over a page break in one chunk with a span on each page', () => {
    const split = makeDocument('doc_b', 'split.txt', ['Customer shall pay all invoices', 'within thirty days of receipt. Late amounts bear interest.']);
    const [chunk] = chunkDocument(split);
    expect(chunk!.sentences[0]).toBeDefined();
    expect(chunk!.text.slice(chunk!.sentences[0]!.start, chunk!.sentences[0]!.end)).toBe('Customer shall pay all invoices\nwithin thirty days of receipt.');
    expect(chunk!.spans.map((s) => s.page)).toEqual([1, 2]);
  });

  it('cuts long sections into several chunks at sentence ends, never inside one', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Clause ${i + 1} requires the supplier to keep records of delivery number ${i + 1} for seven years.`).join(' ');
    const many = chunkDocument(makeDocument('doc_c', 'long.txt', [`ARTICLE IV RECORDS\n\n${long}`]));
    expect(many.length).toBeGreaterThan(2);
    for (const c of many) {
      expect(c.heading).toBe('ARTICLE IV RECORDS');
      expect(c.text).toMatch(/^Clause \d+ .* for seven years\.$/);
    }
  });
});
