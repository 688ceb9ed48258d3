import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { AppError } from '@perceptiq/platform';
import type { DetectedType } from '../src/extract/index.js';
import { IngestService, type ReceivedFile } from '../src/ingest-service.js';
import { openIngestStorage, RecordingBus, RecordingQueue, recordingLogger, type IngestStorage } from './support/fakes.js';

/**
 * IngestService on small fakes: the real repositories on a temp embedded store, recording bus,
 * queue and logger. Uploads (duplicates, refusals, merge=false), delete, restore and retry, each
 * for one client without touching another's documents.
 */

const TEXT: DetectedType = { kind: 'text', mime: 'text/plain', ext: 'txt' };
const START = Date.parse('2030-01-01T00:00:00.000Z');

let storage: IngestStorage;
let bus: RecordingBus;
let queue: RecordingQueue;
let warnings: string[];
let clock: number;
let service: IngestService;

beforeEach(async () => {
  storage = await openIngestStorage('ingest-service');
  bus = new RecordingBus();
  queue = new RecordingQueue();
  const recording = recordingLogger();
  warnings = recording.warnings;
  clock = START;
  service = new IngestService({ ...storage, bus: bus.asBus(), queue, logger: recording.logger, now: () => clock });
});
afterEach(() => storage.close());

/** A file of an upload as the receiver hands it over: its bytes already stored. */
async function received(filename: string, text: string): Promise<ReceivedFile> {
  const bytes = Buffer.from(text);
  const { sha256, size } = await storage.blobs.put(bytes);
  return { filename, sha256, size, type: TEXT };
}

/** Upload one file as a client, one second after the previous upload; the document's id. */
async function uploadOne(clientId: string, filename: string, text: string, merge = true): Promise<string> {
  clock += 1_000;
  const answer = await service.acceptUpload(clientId, [await received(filename, text)], merge);
  expect(answer.documents[0]).toMatchObject({ filename, status: 'queued' });
  return answer.documents[0]!.doc_id!;
}

const activeIds = async (clientId: string) => (await storage.docs.list(clientId, { limit: 100, includeArchived: false })).documents.map((d) => d._id);

describe('acceptUpload', () => {
  test('records each new file as a queued document of the client, with one processing job each', async () => {
    const answer = await service.acceptUpload('cli_a', [await received('a.txt', 'first'), await received('b.txt', 'second')], true);
    expect(answer.batch_id).toMatch(/^bat_/);
    expect(answer.documents).toEqual([
      { doc_id: expect.stringMatching(/^doc_/), filename: 'a.txt', status: 'queued', sha256: expect.any(String) },
      { doc_id: expect.stringMatching(/^doc_/), filename: 'b.txt', status: 'queued', sha256: expect.any(String) },
    ]);
    const [a, b] = answer.documents.map((d) => d.doc_id!);
    expect(await storage.docs.get('cli_a', a!)).toMatchObject({
      client_id: 'cli_a',
      batch_id: answer.batch_id,
      filename: 'a.txt',
      mime_type: 'text/plain',
      size_bytes: 5,
      status: 'queued',
      stage: 'queued',
      archived: false,
      created_at: new Date(START).toISOString(),
    });
    expect(queue.jobs).toEqual([
      { job: { doc_id: a, client_id: 'cli_a' }, jobId: a },
      { job: { doc_id: b, client_id: 'cli_a' }, jobId: b },
    ]);
  });

  test('the same bytes again, in the same upload or a later one, answer the first document and are not queued again', async () => {
    const same = await received('contract.pdf', 'the same bytes');
    const first = await service.acceptUpload('cli_a', [same, { ...same, filename: 'copy.pdf' }], true);
    const original = first.documents[0]!.doc_id!;
    expect(first.documents[1]).toEqual({ doc_id: original, filename: 'copy.pdf', status: 'duplicate', sha256: same.sha256, duplicate_of: original });
    const later = await service.acceptUpload('cli_a', [{ ...same, filename: 'again.pdf' }], true);
    expect(later.documents[0]).toMatchObject({ status: 'duplicate', duplicate_of: original });
    expect(queue.jobs.map((j) => j.jobId)).toEqual([original]);
    expect(await activeIds('cli_a')).toEqual([original]);
  });

  test("another client's identical bytes are a document of its own", async () => {
    const same = await received('contract.pdf', 'shared bytes');
    const a = (await service.acceptUpload('cli_a', [same], true)).documents[0]!;
    const b = (await service.acceptUpload('cli_b', [same], true)).documents[0]!;
    expect(b).toMatchObject({ status: 'queued' });
    expect(b.doc_id).not.toBe(a.doc_id);
    expect(await activeIds('cli_b')).toEqual([b.doc_id]);
  });

  test('a file refused on arrival, or of no supported type, is answered as rejected and never recorded', async () => {
    const empty: ReceivedFile = { filename: 'empty.pdf', sha256: 'e3b0c442', size: 0, type: TEXT, refusal: new AppError('invalid_request', 'empty.pdf is empty.') };
    const binary: ReceivedFile = { ...(await received('tool.exe', 'MZ')), type: null };
    const answer = await service.acceptUpload('cli_a', [empty, binary], false);
    expect(answer.documents).toEqual([
      { doc_id: null, filename: 'empty.pdf', status: 'rejected', sha256: null, error: { code: 'invalid_request', message: 'empty.pdf is empty.' } },
      { doc_id: null, filename: 'tool.exe', status: 'rejected', sha256: binary.sha256, error: { code: 'unsupported_media_type', message: 'tool.exe: this file type is not supported.' } },
    ]);
    expect(queue.jobs).toEqual([]);
    expect(await storage.docs.countByStatus('cli_a')).toEqual({});
  });

  test("merge=false archives the client's active documents first (never deletes them), and announces each", async () => {
    const old = await uploadOne('cli_a', 'old.txt', 'old contract');
    const others = await uploadOne('cli_b', 'theirs.txt', 'their contract');
    const fresh = await uploadOne('cli_a', 'new.txt', 'new contract', false);
    expect(await activeIds('cli_a')).toEqual([fresh]);
    expect(await storage.docs.get('cli_a', old)).toMatchObject({ archived: true, status: 'queued' });
    expect(await activeIds('cli_b')).toEqual([others]);
    expect(bus.of('document.archived')).toEqual([{ doc_id: old, client_id: 'cli_a', archived: true, at: new Date(clock).toISOString() }]);
  });

  test('merge=false with nothing new accepted (only duplicates) archives nothing', async () => {
    const kept = await uploadOne('cli_a', 'kept.txt', 'kept');
    const again = await service.acceptUpload('cli_a', [await received('kept-again.txt', 'kept')], false);
    expect(again.documents[0]).toMatchObject({ status: 'duplicate', duplicate_of: kept });
    expect(await activeIds('cli_a')).toEqual([kept]);
    expect(bus.events).toEqual([]);
  });
});

describe('delete', () => {
  test('removes the document and its pages, announces it, and keeps bytes another document still uses', async () => {
    const bytes = await received('shared.txt', 'shared by two clients');
    const mine = (await service.acceptUpload('cli_a', [bytes], true)).documents[0]!.doc_id!;
    const theirs = (await service.acceptUpload('cli_b', [bytes], true)).documents[0]!.doc_id!;
    await storage.pages.put({ doc_id: mine, client_id: 'cli_a', page: 1, text: 'x', source: 'text-layer', confidence: 1, width: 1, height: 1, low_quality: false, words: [], lines: [] });

    expect(await service.delete('cli_a', mine)).toEqual({ doc_id: mine, deleted: true });
    await expect(storage.docs.get('cli_a', mine)).rejects.toMatchObject({ code: 'not_found' });
    expect(await storage.pages.list('cli_a', mine)).toEqual([]);
    expect(await storage.blobs.exists(bytes.sha256)).toBe(true);
    expect(bus.of('document.deleted')).toEqual([{ doc_id: mine, client_id: 'cli_a', at: new Date(clock).toISOString() }]);

    await service.delete('cli_b', theirs);
    expect(await storage.blobs.exists(bytes.sha256)).toBe(false);
  });

  test("another client's document is not_found, and stays", async () => {
    const id = await uploadOne('cli_a', 'private.txt', 'private');
    await expect(service.delete('cli_b', id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await activeIds('cli_a')).toEqual([id]);
    expect(bus.events).toEqual([]);
  });

  test('a lost event is logged; the deletion stands', async () => {
    const id = await uploadOne('cli_a', 'gone.txt', 'gone');
    bus.down = true;
    await expect(service.delete('cli_a', id)).resolves.toEqual({ doc_id: id, deleted: true });
    await expect(storage.docs.get('cli_a', id)).rejects.toMatchObject({ code: 'not_found' });
    expect(warnings).toEqual(['could not publish a document event']);
  });
});

describe('restore', () => {
  test('brings an archived document back and announces it; an active one is answered as is, without an event', async () => {
    const old = await uploadOne('cli_a', 'old.txt', 'old');
    await uploadOne('cli_a', 'new.txt', 'new', false);
    bus.events.length = 0;

    expect(await service.restore('cli_a', old)).toMatchObject({ _id: old, archived: false });
    expect(await activeIds('cli_a')).toContain(old);
    expect(bus.of('document.archived')).toEqual([{ doc_id: old, client_id: 'cli_a', archived: false, at: new Date(clock).toISOString() }]);

    expect(await service.restore('cli_a', old)).toMatchObject({ archived: false });
    expect(bus.events).toHaveLength(1);
  });

  test("another client's document is not_found", async () => {
    const id = await uploadOne('cli_a', 'a.txt', 'a');
    await expect(service.restore('cli_b', id)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('retry', () => {
  test('only a failed document can be retried: any other status is a conflict naming it', async () => {
    const id = await uploadOne('cli_a', 'queued.txt', 'queued');
    await expect(service.retry('cli_a', id)).rejects.toMatchObject({ code: 'conflict', details: { status: 'queued' } });
    expect(queue.jobs).toHaveLength(1);
  });

  test('a failed document starts over: queued, its error and progress cleared, a new job with a job id of its own', async () => {
    const id = await uploadOne('cli_a', 'broken.txt', 'broken');
    await storage.docs.update('cli_a', id, { status: 'failed', stage: 'failed', error: 'The file is truncated.', pages_done: 2 });
    clock += 5_000;

    expect(await service.retry('cli_a', id)).toMatchObject({ _id: id, status: 'queued', stage: 'queued', error: null, pages_done: 0 });
    expect(await storage.docs.get('cli_a', id)).toMatchObject({ status: 'queued', stage: 'queued', error: null, pages_done: 0 });
    // The first job's id is the document's: a retry needs another, or the queue would drop it as a duplicate.
    expect(queue.jobs.map((j) => j.jobId)).toEqual([id, `${id}:retry:${clock}`]);
    await expect(service.retry('cli_b', id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
