import { ClientIndex } from '../../src/retrieval/index.js';
import { CONTRACT_PAGES, makeDocument } from './fixtures.js';

function indexWithDocs(): ClientIndex {
  const index = new ClientIndex();
  index.add(makeDocument('doc_a', 'services.txt', CONTRACT_PAGES));
  index.add(
    makeDocument('doc_b', 'lease.txt', [
      'LEASE\n\nThe tenant shall pay rent monthly. The landlord may terminate the lease if rent is unpaid for sixty days.',
      'Café and résumé services are excluded. 東京 office keys stay with the landlord.',
    ]),
  );
  return index;
}

const highlighted = (hit: { snippet: string; highlights: Array<[number, number]> }) => hit.highlights.map(([s, e]) => hit.snippet.slice(s, e));

describe('ClientIndex.search', () => {
  const index = indexWithDocs();

  it('answers one hit per page, best first, with highlights on the matched words', () => {
    const res = index.search('terminate');
    expect(res.total).toBe(2);
    expect(new Set(res.hits.map((h) => `${h.doc_id}:${h.page}`)).size).toBe(res.hits.length);
    for (const hit of res.hits) {
      expect(highlighted(hit).length).toBeGreaterThan(0);
      for (const word of highlighted(hit)) expect(word.toLowerCase()).toMatch(/^terminat/);
    }
    expect(res.hits[0]!.score).toBeGreaterThanOrEqual(res.hits[1]!.score);
  });

  it('matches a quoted phrase only word for word', () => {
    const phrase = index.search('"written notice"');
    expect(phrase.hits.map((h) => [h.doc_id, h.page])).toEqual(expect.arrayContaining([['doc_a', 2]]));
    expect(phrase.hits.every((h) => h.doc_id === 'doc_a')).toBe(true);
    // The phrase is one highlight, where it occurs.
    expect(highlighted(phrase.hits[0]!).map((w) => w.toLowerCase())).toContain('written notice');
    expect(index.search('"notice written"').total).toBe(0);
  });

  it('takes term* as a prefix and tolerates a typo in words of 5+ letters only', () => {
    expect(index.search('confid*').hits.map((h) => h.page)).toEqual([2]);
    expect(index.search('confid').total).toBe(0);
    const typo = index.search('Delawere');
    expect(typo.hits[0]).toMatchObject({ doc_id: 'doc_a', page: 2 });
    expect(highlighted(typo.hits[0]!)).toEqual(['Delaware']);
    expect(index.search('rant').total).toBe(0); // 4 letters: no typo tolerance ("rent" is not found)
  });

  it('pages with limit and offset and honours the document filter', () => {
    const all = index.search('party');
    expect(all.total).toBeGreaterThan(1);
    const first = index.search('party', { limit: 1 });
    const second = index.search('party', { limit: 1, offset: 1 });
    expect(first.hits).toEqual([all.hits[0]]);
    expect(second.hits).toEqual([all.hits[1]]);
    expect(first.total).toBe(all.total);
    const onlyLease = index.search('terminate', { docIds: ['doc_b'] });
    expect(onlyLease.hits.map((h) => h.doc_id)).toEqual(['doc_b']);
    expect(index.search('terminate', { docIds: [] }).total).toBe(0);
  });

  it('finds accented and CJK words and does not throw on emoji or punctuation', () => {
    expect(index.search('cafe').hits.map((h) => h.doc_id)).toEqual(['doc_b']);
    expect(index.search('東京').hits.map((h) => h.doc_id)).toEqual(['doc_b']);
    expect(index.search('🙂 🚀').total).toBe(0);
    expect(() => index.search('"unterminated * (( ]]')).not.toThrow();
  });

  it('forgets a removed document, and answers the same when rebuilt from its chunks (as a QA replica rebuilds it)', () => {
    const copy = new ClientIndex();
    for (const [docId, filename] of [['doc_a', 'services.txt'], ['doc_b', 'lease.txt']] as const) copy.addChunks(docId, filename, index.chunksOf(docId));
    expect(copy.search('"governed by the laws"')).toEqual(index.search('"governed by the laws"'));
    expect(copy.remove('doc_a')).toBe(true);
    expect(copy.search('Delaware').total).toBe(0);
    expect(copy.search('landlord').total).toBe(2);
    expect(index.search('Delaware').total).toBe(1);
    // Scores after a removal are those of an index that never had the document.
    const fresh = new ClientIndex();
    fresh.addChunks('doc_b', 'lease.txt', index.chunksOf('doc_b'));
    expect(copy.search('terminate days services')).toEqual(fresh.search('terminate days services'));
  });
});
