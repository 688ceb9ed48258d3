import { afterAll, describe, expect, it } from '@jest/globals';
import { analyzeDocument } from '../../src/index/analysis.js';
import { createAnalyzer } from '../../src/index/analyzer.js';
import { CONTRACT_PAGES, makeDocument } from '../retrieval/fixtures.js';

/** The analysis worker thread (the built one, as `npm test` builds first) gives what analyzing in process gives. */
describe('createAnalyzer', () => {
  const analyzer = createAnalyzer();
  afterAll(() => analyzer.close());

  it('chunks and summarizes a document on its worker thread, as in process', async () => {
    const doc = makeDocument('doc_a', 'services.txt', CONTRACT_PAGES);
    const analysis = await analyzer.run(doc);
    expect(analysis).toEqual(analyzeDocument(doc));
    expect(analysis.summary.key_facts.parties).toEqual(expect.arrayContaining(['Northwind Traders Inc.', 'Contoso Ltd.']));
    expect(analysis.chunks.length).toBeGreaterThan(1);
  });

  it('gives up on a call over its budget, and the next call still works', async () => {
    const big = makeDocument('doc_big', 'big.txt', Array.from({ length: 200 }, () => CONTRACT_PAGES.join('\n\n')));
    await expect(analyzer.run(big, { timeoutMs: 1 })).rejects.toThrow('document analysis timed out after 1 ms');
    expect((await analyzer.run(makeDocument('doc_b', 'b.txt', ['One short page.']))).chunks).toHaveLength(1);
  });

  it('refuses calls once closed', async () => {
    const closed = createAnalyzer();
    await closed.close();
    await expect(closed.run(makeDocument('doc_c', 'c.txt', ['x']))).rejects.toThrow('the QA service is stopping');
  });
});
