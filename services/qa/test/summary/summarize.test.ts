import { summarizeDocument, type SummarizeInput } from '../../src/summary/index.js';
import { CONTRACT_PAGES } from '../retrieval/fixtures.js';

const contract: SummarizeInput = { filename: 'services.txt', doc_type: 'contract', pages: CONTRACT_PAGES.map((text, i) => ({ page: i + 1, text })) };
const flat = (s: string) => s.replace(/\s+/g, ' ');
const PREAMBLE = 'This Services Agreement is made on March 3, 2025 between Northwind Traders Inc. ("Provider") and Contoso Ltd. ("Customer").';

/** Where a point stands in the text; a point cut with "…" is found by what it kept. */
function positionIn(text: string, point: string): number {
  return flat(text).indexOf(point.endsWith('…') ? point.slice(0, -1) : point);
}

describe('summarizeDocument', () => {
  const result = summarizeDocument(contract);
  const text = CONTRACT_PAGES.join('\n\n');

  it('takes the title from the first heading', () => {
    expect(result.title).toBe('SERVICES AGREEMENT');
  });

  it('opens the summary with the preamble and keeps it within the length bound', () => {
    expect(result.summary.startsWith(PREAMBLE)).toBe(true);
    expect(result.summary.length).toBeLessThanOrEqual(600);
    expect(result.summary).toContain('Northwind Traders Inc.');
    expect(result.summary).toContain('Contoso Ltd.');
  });

  it('builds the summary from whole sentences of the text, in document order', () => {
    const sentences = result.summary.split(/(?<=\.)\s+(?=[A-Z])/);
    expect(sentences.length).toBeGreaterThan(1);
    const positions = sentences.map((s) => flat(text).indexOf(s));
    for (const p of positions) expect(p).toBeGreaterThanOrEqual(0);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('gives 3 to 7 key points: whole sentences of the text, not the lead, in document order', () => {
    expect(result.key_points.length).toBeGreaterThanOrEqual(3);
    expect(result.key_points.length).toBeLessThanOrEqual(7);
    const positions = result.key_points.map((p) => positionIn(text, p));
    for (const p of positions) expect(p).toBeGreaterThanOrEqual(0);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const p of result.key_points) {
      expect(p).toMatch(/^[A-Z]/);
      expect(p).toMatch(/[.!?…]$/);
      expect(p.length).toBeLessThanOrEqual(240);
      expect(p).not.toBe(PREAMBLE);
    }
  });

  it('leaves out headings, numbering and section titles', () => {
    const all = [result.summary, ...result.key_points];
    for (const s of all) {
      expect(s).not.toMatch(/SERVICES AGREEMENT/);
      expect(s).not.toMatch(/^\d+\./);
      expect(s).not.toMatch(/\b(Term and Renewal|Governing Law)\.\s/);
    }
  });

  it('is deterministic', () => {
    expect(summarizeDocument(contract)).toEqual(result);
  });

  it('limits the summary to maxSentences, the lead always first', () => {
    expect(summarizeDocument(contract, { maxSentences: 1 }).summary).toBe(PREAMBLE);
    const two = summarizeDocument(contract, { maxSentences: 2 }).summary;
    expect(two.startsWith(PREAMBLE)).toBe(true);
    expect(two.length).toBeGreaterThan(PREAMBLE.length);
  });

  it('leaves out signature blocks, lines of underscores and page numbers', () => {
    const signed = summarizeDocument({
      filename: 'nda.txt',
      pages: [
        {
          page: 1,
          text: [
            'Mutual Nondisclosure Agreement',
            '',
            'This Mutual Nondisclosure Agreement is entered into between Fabrikam LLC ("Fabrikam") and Tailspin Toys Corp. ("Tailspin").',
            '',
            'Each party shall protect the confidential information of the other party with reasonable care. The obligations of confidentiality shall survive for three (3) years after disclosure.',
            '',
            '2',
          ].join('\n'),
        },
        {
          page: 2,
          text: [
            'IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.',
            '',
            'FABRIKAM LLC                         TAILSPIN TOYS CORP.',
            'By: ____________________________     By: ____________________________',
            'Name: Jordan Price                   Name: Alex Kim',
            'Title: Chief Executive Officer       Title: General Counsel',
            '',
            '3',
          ].join('\n'),
        },
      ],
    });
    expect(signed.title).toBe('Mutual Nondisclosure Agreement');
    // Every real sentence but the lead is a key point here; the signature block gives none.
    expect(signed.key_points).toEqual([
      'Each party shall protect the confidential information of the other party with reasonable care.',
      'The obligations of confidentiality shall survive for three (3) years after disclosure.',
    ]);
    for (const s of [signed.summary, ...signed.key_points]) {
      expect(s).not.toMatch(/_{3}|By:|Name:|Title:|IN WITNESS WHEREOF/);
      expect(s).not.toMatch(/(^|\s)[23](\s|$)/);
    }
    expect(signed.key_facts.parties.slice(0, 2)).toEqual(['Fabrikam LLC', 'Tailspin Toys Corp.']);
  });

  it('cuts a key point longer than 240 characters at a clause boundary, with an ellipsis', () => {
    const clause = 'including without limitation any hosting, support, maintenance, migration and training services ordered under any statement of work';
    const long = `Provider shall indemnify Customer against all claims, ${clause}, ${clause}, and any renewal of it.`;
    const doc = summarizeDocument({
      filename: 'long.txt',
      pages: [{ page: 1, text: `${PREAMBLE}\n\n${long} Customer shall notify Provider of any claim within ten days. This Agreement shall be governed by the laws of Delaware.` }],
    });
    const cut = doc.key_points.find((p) => p.startsWith('Provider shall indemnify Customer against all claims'));
    expect(cut).toBeDefined();
    expect(cut!.length).toBeLessThanOrEqual(240);
    expect(cut).toMatch(/[^,;:\s]…$/);
    expect(long.startsWith(cut!.slice(0, -1))).toBe(true);
    // Cut where a clause ends: the text goes on with a comma there.
    expect(long[cut!.length - 1]).toBe(',');
  });

  it('falls back to the file name without extension when nothing looks like a title', () => {
    const doc = summarizeDocument({ filename: 'reports/q3-notes.final.txt', pages: [{ page: 1, text: 'The team met on Monday and agreed to ship the new release after the security review.' }] });
    expect(doc.title).toBe('q3-notes.final');
    expect(doc.summary).toBe('The team met on Monday and agreed to ship the new release after the security review.');
  });

  it('finds a Title Case heading and a title glued to the preamble', () => {
    const titled = summarizeDocument({
      filename: 'msa.txt',
      pages: [{ page: 1, text: 'Master Supply Agreement\n\nThis Master Supply Agreement is made between Fabrikam LLC and Tailspin Toys Corp. for the supply of parts.' }],
    });
    expect(titled.title).toBe('Master Supply Agreement');
    const glued = summarizeDocument({
      filename: 'x.txt',
      pages: [{ page: 1, text: 'Exhibit 10.14 MASTER SERVICES AGREEMENT This Master Services Agreement is made between Kubient Inc. and The Associated Press for news services.' }],
    });
    expect(glued.title).toBe('MASTER SERVICES AGREEMENT');
    expect(glued.summary).toBe('This Master Services Agreement is made between Kubient Inc. and The Associated Press for news services.');
  });

  it('returns an empty summary and empty facts for a document without text', () => {
    const empty = { summary: '', key_points: [], key_facts: { parties: [], dates: [], amounts: [], terms: [] } };
    expect(summarizeDocument({ filename: 'blank.pdf', pages: [] })).toEqual({ title: 'blank', ...empty });
    expect(
      summarizeDocument({
        filename: 'scan.pdf',
        pages: [
          { page: 1, text: '' },
          { page: 2, text: '  \n\f\n ' },
        ],
      }),
    ).toEqual({ title: 'scan', ...empty });
  });

  it('handles accents, CJK and emoji', () => {
    const doc = summarizeDocument({
      filename: 'unicode.txt',
      pages: [
        {
          page: 1,
          text: 'Contrat de Services\n\nCe contrat est conclu entre Société Générale S.A. ("Banque") et Zoë Müller ("Cliente") pour un café crème. 東京都の契約書です。これはテストです。\n\nThe parties 🤝 agree that the résumé service runs for twelve (12) months. 😀 Fees are ¥ 5,000 per month.',
        },
      ],
    });
    expect(doc.title).toBe('Contrat de Services');
    expect(doc.summary.length).toBeGreaterThan(0);
    expect(doc.summary.length).toBeLessThanOrEqual(600);
    expect(doc.key_facts.parties).toContain('Société Générale S.A.');
    expect(doc.key_facts.terms).toContain('twelve (12) months');
    expect(doc.key_facts.amounts).toContain('¥ 5,000');
    expect(() => summarizeDocument({ filename: 'cjk.txt', pages: [{ page: 1, text: '契約書\n\n本契約は二〇二五年三月三日に締結される。😀 甲と乙は以下のとおり合意する。' }] })).not.toThrow();
  });

  it('completes on a large document (300 pages) within its bounds', () => {
    const page = (n: number) =>
      [
        `Section ${n}. Obligations ${n}`,
        '',
        `Supplier ${n % 7} shall deliver lot ${n} of the goods to the Buyer within ${(n % 9) + 1} days of each order, and the Buyer shall pay $${(n * 137).toLocaleString('en-US')}.00 on delivery.`,
        `Each lot ${n} shall be inspected by the Buyer on arrival and any defect shall be reported in writing before payment is made.`,
        `The parties shall meet every quarter to review the forecast for lot ${n} and the prices that apply to it.`,
      ].join('\n');
    const pages = Array.from({ length: 300 }, (_, i) => ({ page: i + 1, text: page(i + 1) }));
    pages[0]!.text = `SUPPLY AGREEMENT\n\nThis Supply Agreement is made on January 15, 2024 between Fabrikam LLC ("Supplier") and Tailspin Toys Corp. ("Buyer").\n\n${pages[0]!.text}`;
    const doc = summarizeDocument({ filename: 'supply.txt', pages });
    expect(doc.title).toBe('SUPPLY AGREEMENT');
    expect(doc.summary.startsWith('This Supply Agreement is made on January 15, 2024')).toBe(true);
    expect(doc.summary.length).toBeLessThanOrEqual(600);
    expect(doc.key_points.length).toBeGreaterThanOrEqual(3);
    expect(doc.key_points.length).toBeLessThanOrEqual(7);
    for (const list of Object.values(doc.key_facts)) expect(list.length).toBeLessThanOrEqual(10);
    expect(doc.key_facts.parties.slice(0, 2)).toEqual(['Fabrikam LLC', 'Tailspin Toys Corp.']);
    expect(doc.key_facts.dates).toEqual(['January 15, 2024']);
    expect(doc.key_facts.amounts.length).toBe(10);
  });
});

describe('text as PDF text layers give it (no blank line between paragraphs)', () => {
  it('never glues a numbered section title to the sentence before it', () => {
    const text = [
      'MASTER SERVICES AGREEMENT',
      'This Master Services Agreement is made on January 5, 2026 between Fabrikam Inc.',
      'and Tailspin Toys Ltd.',
      '1. Services. Fabrikam shall provide hosting services described in Exhibit A.',
      '2. Term and Renewal. The initial term is one year. This Agreement renews',
      'automatically for successive one-year terms unless either party gives written notice.',
    ].join('\n');
    const doc = summarizeDocument({ filename: 'msa.pdf', pages: [{ page: 1, text }] });
    expect(doc.summary).toMatch(/^This Master Services Agreement is made on January 5, 2026 between Fabrikam Inc\. and Tailspin Toys Ltd\.( |$)/);
    expect(doc.summary).not.toMatch(/\b1\. Services\./);
    for (const point of doc.key_points) expect(point).not.toMatch(/^\d\. [A-Z][a-z]+( and [A-Z][a-z]+)?\.$/);
  });
});
