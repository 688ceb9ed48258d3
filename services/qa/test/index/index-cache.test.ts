import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@perceptiq/platform';
import { IndexCache } from '../../src/index/index-cache.js';
import { IndexedDocuments, type IndexedDocument } from '../../src/index/indexed-documents.js';
import { chunkDocument } from '../../src/retrieval/index.js';
import { summarizeDocument } from '../../src/summary/index.js';
import { makeDocument } from '../retrieval/fixtures.js';

/**
 * The per-replica index cache on the real embedded store (a temp dir): it follows the client's
 * index version, reads only the documents that changed, and two replicas over one store answer
 * alike after the same changes.
 */

/** The store, counting the documents each update read with their chunks. */
class CountingDocuments extends IndexedDocuments {
  readonly reads: string[][] = [];
  override some(clientId: string, docIds: string[]) {
    this.reads.push([...docIds].sort());
    return super.some(clientId, docIds);
  }
}

let dir: string;
let store: Store;
let documents: CountingDocuments;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perceptiq-qa-cache-'));
  store = await openStore({ dataDir: dir, service: 'qa' });
  documents = new CountingDocuments(store);
  await documents.init();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

let clock = 0;
function indexed(clientId: string, docId: string, text: string): IndexedDocument {
  const source = makeDocument(docId, `${docId}.txt`, [text]);
  return { _id: docId, client_id: clientId, filename: source.filename, page_count: 1, chunks: chunkDocument(source), summary: summarizeDocument(source), indexed_at: new Date(++clock).toISOString() };
}
const found = async (cache: IndexCache, clientId: string, q: string) => (await cache.for(clientId)).search(q).hits.map((h) => h.doc_id);

describe('IndexCache', () => {
  it('follows the version: added, re-indexed and removed documents, reading only what changed', async () => {
    const cache = new IndexCache(documents);
    await documents.put(indexed('cli_a', 'doc_1', 'The lease term is five years.'));
    expect(await found(cache, 'cli_a', 'lease')).toEqual(['doc_1']);
    await documents.put(indexed('cli_a', 'doc_2', 'The lease may be renewed once.'));
    expect(await found(cache, 'cli_a', 'lease')).toEqual(expect.arrayContaining(['doc_1', 'doc_2']));
    await documents.put(indexed('cli_a', 'doc_1', 'The tenancy ends in 2030.'));
    expect(await found(cache, 'cli_a', 'lease')).toEqual(['doc_2']);
    expect(await found(cache, 'cli_a', 'tenancy')).toEqual(['doc_1']);
    await documents.remove('cli_a', 'doc_2');
    expect(await found(cache, 'cli_a', 'lease')).toEqual([]);
    expect(documents.reads).toEqual([['doc_1'], ['doc_2'], ['doc_1'], []]);
    // Nothing moved: no read at all.
    await cache.for('cli_a');
    expect(documents.reads).toHaveLength(4);
  });

  it('keeps each client to its own documents', async () => {
    const cache = new IndexCache(documents);
    await documents.put(indexed('cli_a', 'doc_a', 'Secret zephyrine formula.'));
    await documents.put(indexed('cli_b', 'doc_b', 'Public brochure.'));
    expect(await found(cache, 'cli_b', 'zephyrine')).toEqual([]);
    expect(await found(cache, 'cli_a', 'zephyrine')).toEqual(['doc_a']);
    // Another client's document id cannot be removed through this client.
    expect(await documents.remove('cli_b', 'doc_a')).toBeUndefined();
    expect(await found(cache, 'cli_a', 'zephyrine')).toEqual(['doc_a']);
  });

  it('two replicas over one store answer alike after the same changes', async () => {
    const [one, two] = [new IndexCache(documents), new IndexCache(documents)];
    await documents.put(indexed('cli_a', 'doc_1', 'Governed by the laws of Delaware.'));
    expect(await found(one, 'cli_a', 'Delaware')).toEqual(['doc_1']);
    expect(await found(two, 'cli_a', 'Delaware')).toEqual(['doc_1']);
    await documents.put(indexed('cli_a', 'doc_2', 'Disputes go to the courts of Delaware.'));
    await documents.remove('cli_a', 'doc_1');
    expect(await found(two, 'cli_a', 'Delaware')).toEqual(['doc_2']);
    expect(await found(one, 'cli_a', 'Delaware')).toEqual(['doc_2']);
  });

  it('drops the least recently used client past its capacity, and rebuilds it when asked again', async () => {
    const cache = new IndexCache(documents, 1);
    await documents.put(indexed('cli_a', 'doc_a', 'Alpha clause.'));
    await documents.put(indexed('cli_b', 'doc_b', 'Beta clause.'));
    expect(await found(cache, 'cli_a', 'alpha')).toEqual(['doc_a']);
    expect(await found(cache, 'cli_b', 'beta')).toEqual(['doc_b']);
    expect(await found(cache, 'cli_a', 'alpha')).toEqual(['doc_a']);
    expect(documents.reads).toEqual([['doc_a'], ['doc_b'], ['doc_a']]);
  });
});
