import { summarizeDocument } from '../../src/summary/index.js';
import { CONTRACT_PAGES } from '../retrieval/fixtures.js';

const factsOf = (text: string, filename = 'doc.txt') => summarizeDocument({ filename, pages: [{ page: 1, text }] }).key_facts;

describe('key facts of the fixture contract', () => {
  const facts = summarizeDocument({ filename: 'services.txt', pages: CONTRACT_PAGES.map((text, i) => ({ page: i + 1, text })) }).key_facts;

  it('names both parties with their company suffixes, and not their defined short names', () => {
    expect(facts.parties.slice(0, 2)).toEqual(['Northwind Traders Inc.', 'Contoso Ltd.']);
    expect(facts.parties).not.toContain('Provider');
    expect(facts.parties).not.toContain('Customer');
  });

  it('gives the date as written, and no duration as a date', () => {
    expect(facts.dates).toEqual(['March 3, 2025']);
  });

  it('gives the durations that set the terms, as written, without the words around them', () => {
    expect(facts.terms).toEqual(expect.arrayContaining(['two (2) years', 'sixty (60) days', 'one (1) year', 'thirty (30) days', 'ninety (90) days']));
    expect(facts.terms.some((t) => /periods|before|from/.test(t))).toBe(false);
    expect(facts.amounts).toEqual([]);
  });
});

describe('key facts', () => {
  const invoice = [
    'INVOICE',
    '',
    'Invoice 2025-117 is issued on April 2, 2025 by Acme Supplies Ltd. to Globex Corporation for hosting services.',
    '',
    'Hosting for March 2025 comes to $1,250.00 and the setup fee is USD 10,000, payable within thirty (30) days. The Berlin office owes EUR 5.000 and a late fee of € 500 applies after a grace period. A second copy of the $1,250.00 line is attached for Acme Supplies Ltd. records.',
  ].join('\n');

  it('finds amounts with signs and currency codes, as written, each once', () => {
    expect(factsOf(invoice).amounts).toEqual(['$1,250.00', 'USD 10,000', 'EUR 5.000', '€ 500']);
  });

  it('finds dates in document order, including a month and year', () => {
    expect(factsOf(invoice).dates).toEqual(['April 2, 2025', 'March 2025']);
  });

  it('lists each party once, the most mentioned first', () => {
    const { parties } = factsOf(invoice);
    expect(parties[0]).toBe('Acme Supplies Ltd.');
    expect(parties).toContain('Globex Corporation');
    expect(parties.filter((p) => /acme/i.test(p))).toHaveLength(1);
  });

  it('reads money written in words and sums joined by "and" one by one', () => {
    const { amounts } = factsOf('The Licensee shall pay ten dollars on signing, then €500 and $1,250.00 on delivery and $1.5 million on acceptance of the system.');
    expect(amounts).toEqual(['ten dollars', '€500', '$1,250.00', '$1.5 million']);
  });

  it('keeps a calendar date inside a date phrase and drops relative phrases', () => {
    const { dates, terms } = factsOf(
      'This Agreement is entered into on this 12th day of May 2003 and runs until December 31, 2026. Reports are due each year within 45 days after the end of the quarter, and the first report is due by 5/12/03.',
    );
    expect(dates).toEqual(['12th day of May 2003', 'December 31, 2026', '5/12/03']);
    expect(terms).toEqual(['45 days']);
  });

  it('finds parties of a preamble without "between", and keeps descriptions out', () => {
    const { parties } = factsOf(
      'Ingram Micro, a corporation organized under the laws of the State of California ("Distributor") and NETGEAR, Inc. ("NETGEAR"), a Delaware Corporation, agree that the following terms govern the purchase of Products.',
    );
    expect(parties.slice(0, 2)).toEqual(['Ingram Micro', 'NETGEAR, Inc.']);
    expect(parties).not.toContain('Delaware Corporation');
  });

  it('caps every list at ten entries', () => {
    const text = Array.from({ length: 15 }, (_, i) => `Payment ${i + 1} of $${(i + 1) * 100}.00 is due on March ${i + 1}, 2025 and covers ${i + 2} months of service.`).join(' ');
    const facts = factsOf(text);
    expect(facts.amounts).toHaveLength(10);
    expect(facts.dates).toHaveLength(10);
    expect(facts.terms).toHaveLength(10);
    expect(facts.amounts[0]).toBe('$100.00');
    expect(facts.dates[0]).toBe('March 1, 2025');
  });
});
