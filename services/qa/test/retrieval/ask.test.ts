import { ask, ClientIndex } from '../../src/retrieval/index.js';
import { CONTRACT_PAGES, makeDocument } from './fixtures.js';

describe('ask', () => {
  const index = new ClientIndex();
  index.add(makeDocument('doc_a', 'services.txt', CONTRACT_PAGES));
  index.add(
    makeDocument('doc_other', 'other-client-style.txt', [
      'SUPPLY AGREEMENT\n\n7. Renewal. This Supply Agreement renews automatically for successive three (3) year terms.\n\n8. Termination. Buyer may cancel this Supply Agreement on thirty (30) days notice.',
    ]),
  );

  it('answers the renewal and termination question part by part, each clause with its page and box', () => {
    const res = ask(index, 'What are the renewal and termination clauses?', { docIds: ['doc_a'] });
    expect(res).toMatchObject({ mode: 'extractive', found: true });
    expect(res.parts).toHaveLength(2);
    const [renewal, termination] = res.parts;
    expect(renewal!.found).toBe(true);
    expect(renewal!.citations[0]).toMatchObject({ doc_id: 'doc_a', filename: 'services.txt', page: 1 });
    expect(renewal!.answer).toMatch(/^This Agreement shall automatically renew for successive one \(1\) year periods/);
    expect(termination!.found).toBe(true);
    expect(termination!.citations[0]).toMatchObject({ doc_id: 'doc_a', page: 2 });
    expect(termination!.answer).toMatch(/terminate this Agreement for convenience upon ninety \(90\) days/);
    for (const part of res.parts) {
      const cite = part.citations[0]!;
      const pageText = CONTRACT_PAGES[cite.page - 1]!;
      // The citation is the clause, not the page: its offsets point at the answer, and its box is inside the page.
      expect(pageText.slice(cite.start, cite.end).replace(/\s+/g, ' ')).toBe(part.answer);
      expect(cite.end - cite.start).toBeLessThan(pageText.length / 2);
      const [x, y, w, h] = cite.bbox!;
      expect(Math.min(x, y, w, h)).toBeGreaterThan(0);
      expect(x + w).toBeLessThanOrEqual(3);
      expect(cite.score).toBeGreaterThan(0);
    }
    // Each part's best citation comes first in the whole answer's list, and the answer names both parts.
    expect(res.citations.slice(0, 2)).toEqual([renewal!.citations[0], termination!.citations[0]]);
    expect(res.answer).toMatch(/^Renewal: .*\nTermination clauses: /);
    expect(res.confidence).toBeGreaterThan(0.5);
    expect(res.confidence).toBeLessThanOrEqual(1);
  });

  it('says found:false, without citations, when the documents cannot answer', () => {
    const res = ask(index, 'What is the cap on liability for damages?', { docIds: ['doc_a'] });
    expect(res.found).toBe(false);
    expect(res.citations).toEqual([]);
    expect(res.confidence).toBeLessThan(0.5);
    expect(res.answer).toMatch(/do not appear to answer/);
  });

  it('answers the governing law from the clause that states it', () => {
    const res = ask(index, 'Which law governs this agreement?', { docIds: ['doc_a'] });
    expect(res.found).toBe(true);
    expect(res.answer).toBe('4. Governing Law. This Agreement shall be governed by the laws of the State of Delaware.');
  });

  it('never cites a document outside the set it is given', () => {
    const res = ask(index, 'What are the renewal and termination clauses?', { docIds: ['doc_other'] });
    expect(res.found).toBe(true);
    expect(res.citations.length).toBeGreaterThan(0);
    expect(res.citations.every((c) => c.doc_id === 'doc_other')).toBe(true);
    const none = ask(index, 'What are the renewal and termination clauses?', { docIds: [] });
    expect(none).toMatchObject({ found: false, citations: [] });
    const both = ask(index, 'renewal', {});
    expect(new Set(both.citations.map((c) => c.doc_id))).toEqual(new Set(['doc_a', 'doc_other']));
  });

  it('answers Unicode questions without throwing', () => {
    for (const q of ['¿Cuál es la ley aplicable? Délai de résiliation', '契約の更新条件は何ですか', '🔥📄❓', '   ?!  ']) {
      const res = ask(index, q, { docIds: ['doc_a'] });
      expect(res.mode).toBe('extractive');
      expect(res.confidence).toBeGreaterThanOrEqual(0);
      expect(res.confidence).toBeLessThanOrEqual(1);
    }
    expect(ask(index, '🔥📄❓').found).toBe(false);
  });

  describe('category knowledge', () => {
    const clauses = new ClientIndex();
    clauses.add(
      makeDocument('doc_c', 'distribution.txt', [
        [
          'DISTRIBUTION AGREEMENT',
          '',
          'This Distribution Agreement is made on the 12th day of May 2003 between Acme Corp. and Beta LLC.',
          '',
          '2. Term. This Agreement will be in effect for three (3) years from the Effective Date.',
          '',
          '3. Breach. Either party may terminate this Agreement if the other party materially breaches it and fails to cure within thirty (30) days.',
          '',
          '4. Survival. Sections 5 and 6 survive any expiration or termination of this Agreement.',
          '',
          '5. Assignment. Neither party shall assign this Agreement without the express written consent of the other party.',
          '',
          '6. LAW. THIS AGREEMENT IS CONTROLLED BY THE LAWS OF THE STATE OF TEXAS.',
        ].join('\n'),
      ]),
    );
    const best = (question: string) => ask(clauses, question, { docIds: ['doc_c'] });

    it('a term stated as a duration answers when the agreement expires; a survival clause only mentions expiry', () => {
      const res = ask(clauses, 'On what date will the initial term expire?', { docIds: ['doc_c'], minConfidence: 0 });
      const rank = (re: RegExp) => res.citations.findIndex((c) => re.test(c.snippet));
      expect(res.answer).toMatch(/^2\. Term\. This Agreement will be in effect for three \(3\) years/);
      expect(rank(/will be in effect for three/)).toBeLessThan(rank(/survive any expiration/) >>> 0);
      expect(res.confidence).toBeGreaterThan(0.6);
    });

    it('a termination for breach is no termination for convenience', () => {
      const res = best('Can a party terminate this contract for convenience, without cause?');
      expect(res).toMatchObject({ found: false, citations: [] });
    });

    it('consent written in other words still makes an anti-assignment clause', () => {
      const res = best('Is consent required if the contract is assigned to a third party?');
      expect(res.answer).toMatch(/Neither party shall assign this Agreement without the express written consent/);
      expect(res.confidence).toBeGreaterThan(0.6);
    });

    it('the governing law in capitals, and the date of the agreement from its preamble', () => {
      expect(best('Which law governs the agreement?').answer).toMatch(/CONTROLLED BY THE LAWS OF THE STATE OF TEXAS/);
      expect(best('What is the date of the agreement?').citations.map((c) => c.snippet)).toContainEqual(expect.stringMatching(/12th day of May 2003/));
    });
  });
});
