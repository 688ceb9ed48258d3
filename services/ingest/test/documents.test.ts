import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { queuedDocument, type DocumentRecord } from '../src/documents.js';
import { openIngestStorage, type IngestStorage } from './support/fakes.js';

/**
 * DocumentRepository's listing and status summary on the embedded store as the service opens it:
 * cursor pages newest first (ties on the upload time broken by id), and counts by status, for one
 * client among others.
 */

let storage: IngestStorage;

beforeEach(async () => {
  storage = await openIngestStorage('documents');
});
afterEach(() => storage.close());

/** 25 documents of client `a` over 6 upload instants (ties), every fifth archived, and 5 of client `b`. */
async function seed(): Promise<DocumentRecord[]> {
  const statuses = ['ready', 'ready', 'queued', 'failed', 'ocr'] as const;
  const records = Array.from({ length: 30 }, (_, i): DocumentRecord => ({
    ...queuedDocument({
      _id: `doc_${String(i).padStart(2, '0')}`,
      client_id: i < 25 ? 'a' : 'b',
      batch_id: 'batch',
      filename: `f${i}.txt`,
      mime_type: 'text/plain',
      size_bytes: 10,
      sha256: String(i).padStart(64, '0'),
      created_at: new Date(Date.UTC(2030, 0, 1) + (i % 6) * 60_000).toISOString(),
    }),
    status: statuses[i % 5]!,
    archived: i % 5 === 4,
  }));
  for (const r of records) await storage.docs.insert(r);
  return records;
}

const newestFirst = (a: DocumentRecord, b: DocumentRecord) => (a.created_at === b.created_at ? (a._id < b._id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1);

test.each([true, false])('pages through a client’s documents newest first, each once (archived included: %s)', async (includeArchived) => {
  const records = await seed();
  const expected = records
    .filter((r) => r.client_id === 'a' && (includeArchived || !r.archived))
    .sort(newestFirst)
    .map((r) => r._id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.docs.list('a', { limit: 7, cursor, includeArchived });
    expect(page.documents.length).toBeLessThanOrEqual(7);
    seen.push(...page.documents.map((d) => d._id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toEqual(expected);
});

test('counts a client’s documents by status, and no other client’s', async () => {
  await seed();
  expect(await storage.docs.countByStatus('a')).toEqual({ ready: 10, queued: 5, failed: 5, ocr: 5 });
  expect(await storage.docs.countByStatus('b')).toEqual({ ready: 2, queued: 1, failed: 1, ocr: 1 });
  expect(await storage.docs.countByStatus('nobody')).toEqual({});
});
