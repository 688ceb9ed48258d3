import { compareDocuments } from '../src/comparison/index.js';

const clauses = (v: 1 | 2) => [
  'MASTER SERVICES AGREEMENT',
  'This Agreement is made between Northwind Hosting Ltd and Contoso Retail Inc.',
  '1. Services',
  'The Provider shall provide the Services with reasonable skill and care.',
  '2. Term',
  `This Agreement renews automatically for successive periods of ${v === 1 ? '12 months' : '24 months'}.`,
  ...(v === 1 ? ['3. Publicity', 'Neither party shall use the name of the other in publicity.'] : []),
  ...(v === 2 ? ['3. Audit', 'The Customer may audit the Provider once a year on notice.'] : []),
  '4. Governing Law',
  `This Agreement is governed by the laws of the State of ${v === 1 ? 'New York' : 'Delaware'}.`,
];

describe('compareDocuments', () => {
  it('finds exactly the sections changed, and the terms that changed side by side', () => {
    const r = compareDocuments([clauses(1).join('\n')], [clauses(2).join('\n')]);
    expect(r.changes.map((c) => `${c.kind} ${c.section}`)).toEqual(['modified 2. Term', 'removed 3. Publicity', 'added 3. Audit', 'modified 4. Governing Law']);
    expect(r.changed_terms).toEqual([
      { term: 'renewal term', base: '12 months', compare: '24 months' },
      { term: 'governing law', base: 'New York', compare: 'Delaware' },
    ]);
    const term = r.changes[0]!;
    expect(term.diff.filter((d) => d.op !== 'equal').map((d) => d.text.trim())).toEqual(['12', '24']);
    expect(r.similarity).toBeGreaterThan(0.5);
    expect(r.similarity).toBeLessThan(1);
    expect(r.summary).toContain('renewal term: 12 months → 24 months');
  });

  it('does not count page breaks, line wrapping, hyphenation or page numbers as changes', () => {
    const text = clauses(1);
    const repaged = [text.slice(0, 5).join('\n') + '\nPage 1 of 2', text.slice(5).join('\n').replace('successive', 'suc-\ncessive') + '\n2'];
    const r = compareDocuments([text.join('\n')], repaged);
    expect(r).toMatchObject({ similarity: 1, changes: [], changed_terms: [] });
    expect(compareDocuments([text.join('\n')], [text.join('\n')]).summary).toBe('The documents are identical.');
  });

  it('compares unnumbered documents by paragraph, and an empty side as all added', () => {
    const r = compareDocuments(['First paragraph here.\n\nSecond one stays.'], ['First paragraph changed here.\n\nSecond one stays.']);
    expect(r.changes.map((c) => c.kind)).toEqual(['modified']);
    expect(compareDocuments([''], ['Something new.']).changes.map((c) => c.kind)).toEqual(['added']);
    expect(compareDocuments([''], ['']).similarity).toBe(1);
  });
});
