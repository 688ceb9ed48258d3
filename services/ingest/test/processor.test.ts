import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { ExtractDocument, IndexDocument, JobOf, TagDocument } from '@perceptiq/contracts';
import type { JobContext } from '@perceptiq/platform';
import type { DocumentRecord } from '../src/documents.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from '../src/extract/index.js';
import { OcrInputError, type OcrEngine, type OcrPage } from '../src/ocr/index.js';
import { FairScheduler } from '../src/fair-scheduler.js';
import { DocumentProcessor } from '../src/processor.js';
import { HEAD_BYTES } from '../src/extract/sniff.js';
import { elfHeader, makeDocx, makePdf, pagesPdf, scanImage } from './extract/fixtures.js';
import { openIngestStorage, RecordingBus, recordingLogger, RecordingQueue, storeQueued, type IngestStorage } from './support/fakes.js';

/**
 * DocumentProcessor on small fakes: the real repositories on a temp embedded store, a recording
 * bus and a scripted OCR engine; extraction is the real sandbox (the processor calls it itself).
 * Stage transitions, what is stored per page, which failures fail the document at once and which
 * are handed back for redelivery, limits, and that a job touches its own client's document only.
 */

const CLIENT = 'cli_owner';
const CTX: JobContext = { attempt: 1, jobId: 'job_test', working: () => undefined };

let storage: IngestStorage;
let bus: RecordingBus;
let indexing: RecordingQueue<JobOf<typeof IndexDocument>>;
let extracting: RecordingQueue<JobOf<typeof ExtractDocument>>;
let tagging: RecordingQueue<JobOf<typeof TagDocument>>;
let warnings: string[];

beforeEach(async () => {
  storage = await openIngestStorage('processor');
  bus = new RecordingBus();
  indexing = new RecordingQueue();
  extracting = new RecordingQueue();
  tagging = new RecordingQueue();
  warnings = [];
});
afterEach(() => storage.close());

/** An OCR engine reading every page as `read(page number)` says, counting how often it was started. */
function scriptedOcr(read: (page: number) => OcrPage | Promise<OcrPage>) {
  const calls: Array<{ png: boolean; pageHint: number | undefined }> = [];
  const engine: OcrEngine = {
    recognize: async (image, options) => {
      calls.push({ png: image.subarray(1, 4).toString('latin1') === 'PNG', pageHint: options?.pageHint });
      return read(options?.pageHint ?? 0);
    },
    close: async () => undefined,
  };
  let starts = 0;
  return { ocr: () => (starts++, Promise.resolve(engine)), calls, starts: () => starts };
}

/** A reading of one line, "Invoice <page>", whose words carry `confidence`. */
const reading = (page: number, confidence: number): OcrPage => {
  const words = [
    { text: 'Invoice', bbox: [0.1, 0.1, 0.3, 0.05] as [number, number, number, number], confidence },
    { text: String(page), bbox: [0.45, 0.1, 0.1, 0.05] as [number, number, number, number], confidence },
  ];
  return {
    text: `Invoice ${page}`,
    words,
    lines: [{ text: `Invoice ${page}`, bbox: [0.1, 0.1, 0.45, 0.05], confidence, words }],
    confidence,
    width: 850,
    height: 1100,
    rotation: 0,
    lowQuality: false,
    source: 'ocr',
  };
};

/** What every processor here shares, as the service sets it up: OCR turns of `slots` pages, two documents a client. */
const sharing = (slots = 2) => ({ turns: new FairScheduler(slots), documentsPerClient: 2, heartbeatMs: 1_000 });

function processor(ocr: () => Promise<OcrEngine>, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS, share = sharing()): DocumentProcessor {
  const recording = recordingLogger();
  warnings = recording.warnings;
  const made = new DocumentProcessor({ ...storage, bus: bus.asBus(), index: indexing, extract: extracting, tag: tagging, ocr, ...share, limits, ocrPageBudgetMs: 20_000, logger: recording.logger });
  // As the service runs it: a document read goes to QA, whose report (`document.indexed`) makes it ready.
  const process = made.process.bind(made);
  made.process = async (job, ctx) => {
    const before = indexing.jobs.length;
    await process(job, ctx);
    for (const { job: read } of indexing.jobs.slice(before)) await made.indexed({ ...read, chunks: 1 });
  };
  return made;
}

const queued = (filename: string, bytes: Buffer, mime?: string) => storeQueued(storage, CLIENT, filename, bytes, mime);
const jobFor = (doc: DocumentRecord) => ({ doc_id: doc._id, client_id: doc.client_id });
const stored = (doc: DocumentRecord) => storage.docs.get(doc.client_id, doc._id);
const smallScan = () => scanImage(400, 300, { left: 40, top: 40, width: 200, height: 30 });

describe('a document that can be read', () => {
  test('text goes queued → extracting → indexing → ready from its text layer, without starting OCR', async () => {
    const doc = await queued('notes.txt', Buffer.from('Plain text notes\nsecond line'), 'text/plain');
    const ocr = scriptedOcr((page) => reading(page, 1));
    await processor(ocr.ocr).process(jobFor(doc), CTX);

    expect(storage.docs.stages(doc._id)).toEqual(['extracting', 'indexing', 'ready']);
    expect(await stored(doc)).toMatchObject({ status: 'ready', stage: 'ready', error: null, page_count: 1, pages_done: 1, pages_total: 1, ocr_confidence: null, processing_ms: expect.any(Number) });
    expect(await storage.pages.list(CLIENT, doc._id)).toEqual([expect.objectContaining({ page: 1, source: 'text-layer', text: expect.stringContaining('Plain text notes'), low_quality: false })]);
    expect(ocr.starts()).toBe(0);
    expect(bus.events).toEqual([
      {
        subject: 'document.processed',
        data: { doc_id: doc._id, client_id: CLIENT, filename: 'notes.txt', mime_type: 'text/plain', page_count: 1, ocr_pages: 0, ocr_confidence: null, processing_ms: expect.any(Number), at: expect.any(String) },
      },
    ]);
  });

  test('scanned pages go through OCR (stage ocr once), stored as read; confidence is the mean over OCR pages only', async () => {
    const { bytes } = await makePdf([{ kind: 'text', lines: [{ text: 'Cover letter', x: 72, y: 700, size: 12 }] }, { kind: 'scan' }, { kind: 'scan' }]);
    const doc = await queued('mixed.pdf', bytes);
    const ocr = scriptedOcr((page) => reading(page, page === 2 ? 0.9 : 0.6));
    await processor(ocr.ocr).process(jobFor(doc), CTX);

    expect(storage.docs.stages(doc._id)).toEqual(['extracting', 'ocr', 'indexing', 'ready']);
    // Progress is written page by page, with the page count known from the start.
    expect(storage.docs.updates.filter((u) => u.id === doc._id && !u.set.stage).map((u) => u.set)).toEqual([1, 2, 3].map((n) => ({ pages_done: n, pages_total: 3 })));
    expect(ocr.calls).toEqual([
      { png: true, pageHint: 2 },
      { png: true, pageHint: 3 },
    ]);
    expect(await stored(doc)).toMatchObject({ status: 'ready', page_count: 3, ocr_confidence: 0.75 });
    const pages = await storage.pages.list(CLIENT, doc._id);
    expect(pages.map((p) => [p.page, p.source, p.text])).toEqual([
      [1, 'text-layer', 'Cover letter'],
      [2, 'ocr', 'Invoice 2'],
      [3, 'ocr', 'Invoice 3'],
    ]);
    // Words keep text, box and confidence; lines only text and box.
    expect(pages[1]).toMatchObject({ confidence: 0.9, width: 850, height: 1100, low_quality: false });
    expect(pages[1]!.words).toEqual(reading(2, 0.9).words);
    expect(pages[1]!.lines).toEqual([{ text: 'Invoice 2', bbox: [0.1, 0.1, 0.45, 0.05] }]);
    expect(bus.of('document.processed')).toEqual([expect.objectContaining({ page_count: 3, ocr_pages: 2, ocr_confidence: 0.75 })]);
  }, 30_000);

  test('a stored file is told from its head and read by the sandbox from the file: only a zip is read whole here', async () => {
    const { bytes } = await pagesPdf(2);
    const pdf = await queued('padded.pdf', Buffer.concat([bytes, Buffer.alloc(2 * HEAD_BYTES, 0x20)]));
    const docx = await queued('letter.docx', await makeDocx(['Dear partner']));
    const reads = jest.spyOn(storage.blobs, 'read');
    for (const doc of [pdf, docx]) await processor(scriptedOcr((page) => reading(page, 1)).ocr).process(jobFor(doc), CTX);

    expect(await stored(pdf)).toMatchObject({ status: 'ready', page_count: 2 });
    expect(await stored(docx)).toMatchObject({ status: 'ready', page_count: 1 });
    expect(reads.mock.calls).toEqual([[docx.sha256]]);
  }, 30_000);

  test('where the blob store keeps no local file, each document is read once, whole, and sent to the sandbox', async () => {
    const { bytes } = await pagesPdf(2);
    const pdf = await queued('padded.pdf', Buffer.concat([bytes, Buffer.alloc(2 * HEAD_BYTES, 0x20)]));
    jest.spyOn(storage.blobs, 'localFile').mockResolvedValue(undefined);
    const reads = jest.spyOn(storage.blobs, 'read');
    const opens = jest.spyOn(storage.blobs, 'open');
    await processor(scriptedOcr((page) => reading(page, 1)).ocr).process(jobFor(pdf), CTX);

    expect(await stored(pdf)).toMatchObject({ status: 'ready', page_count: 2 });
    expect({ reads: reads.mock.calls, opens: opens.mock.calls.length }).toEqual({ reads: [[pdf.sha256]], opens: 0 });
  }, 30_000);
});

describe('a problem with the document itself fails it at once, with the reason, and the job is done with', () => {
  // `process` resolving means the job is acknowledged: it is not delivered again.
  test('bytes of no supported type', async () => {
    const doc = await queued('tool.pdf', elfHeader());
    await processor(scriptedOcr((page) => reading(page, 1)).ocr).process(jobFor(doc), CTX);
    expect(storage.docs.stages(doc._id)).toEqual(['extracting', 'failed']);
    expect(await stored(doc)).toMatchObject({ status: 'failed', error: 'The file type is not supported.' });
    expect(bus.events).toEqual([{ subject: 'document.failed', data: { doc_id: doc._id, client_id: CLIENT, error: 'The file type is not supported.', at: expect.any(String) } }]);
  });

  test('more pages than the limit: refused before any page is stored', async () => {
    const { bytes } = await pagesPdf(3);
    const doc = await queued('long.pdf', bytes);
    await processor(scriptedOcr((page) => reading(page, 1)).ocr, { ...DEFAULT_EXTRACT_LIMITS, maxPages: 2 }).process(jobFor(doc), CTX);
    expect(await stored(doc)).toMatchObject({ status: 'failed', error: 'The document has 3 pages; the limit is 2.', pages_done: 0 });
    expect(await storage.pages.list(CLIENT, doc._id)).toEqual([]);
  });

  test('an image the OCR engine refuses to read', async () => {
    const doc = await queued('scan.png', await smallScan(), 'image/png');
    await processor(scriptedOcr(() => Promise.reject(new OcrInputError('The image is corrupt.'))).ocr).process(jobFor(doc), CTX);
    expect(await stored(doc)).toMatchObject({ status: 'failed', stage: 'failed', error: 'The image is corrupt.' });
    expect(bus.of('document.failed')).toEqual([expect.objectContaining({ error: 'The image is corrupt.' })]);
  });
});

describe("a failure that is not the document's", () => {
  test('is handed back for redelivery without failing the document; the next delivery finishes it, storing each page once', async () => {
    const doc = await queued('scan.png', await smallScan(), 'image/png');
    const down = () => Promise.reject(new Error('the OCR workers could not start'));
    await expect(processor(down).process(jobFor(doc), CTX)).rejects.toThrow('the OCR workers could not start');
    expect(await stored(doc)).toMatchObject({ status: 'ocr', error: null });
    expect(bus.events).toEqual([]);

    await processor(scriptedOcr((page) => reading(page, 0.8)).ocr).process(jobFor(doc), { ...CTX, attempt: 2 });
    expect(storage.docs.stages(doc._id)).toEqual(['extracting', 'ocr', 'extracting', 'ocr', 'indexing', 'ready']);
    expect(await stored(doc)).toMatchObject({ status: 'ready', error: null, page_count: 1, ocr_confidence: 0.8 });
    expect((await storage.pages.list(CLIENT, doc._id)).map((p) => p.page)).toEqual([1]);
  }, 30_000);

  test('given up after the last delivery, fail() marks it failed with the reason; a lost event is only logged', async () => {
    const doc = await queued('stuck.pdf', Buffer.from('%PDF-1.7'));
    bus.down = true;
    await processor(scriptedOcr((page) => reading(page, 1)).ocr).fail(doc, 'Processing failed after 5 attempts.');
    expect(await stored(doc)).toMatchObject({ status: 'failed', stage: 'failed', error: 'Processing failed after 5 attempts.' });
    expect(warnings).toEqual(['could not publish document.failed']);
  });
});

describe('a long scan', () => {
  /** An OCR engine whose reads each wait for `release(page)`, recording how many run at once. */
  function heldOcr(fail?: (page: number) => Error | undefined) {
    const releases = new Map<number, () => void>();
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const engine: OcrEngine = {
      recognize: async (_image, options) => {
        const page = options?.pageHint ?? 0;
        started.push(page);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.set(page, resolve));
        running--;
        const error = fail?.(page);
        if (error) throw error;
        return reading(page, page / 10);
      },
      close: async () => undefined,
    };
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(check()).toBe(true);
    };
    return { ocr: () => Promise.resolve(engine), started, most: () => most, release: (page: number) => releases.get(page)!(), until };
  }

  test('reads as many pages at once as the OCR turns have slots, stores each as it is read, and counts progress up only', async () => {
    const { bytes } = await makePdf(Array.from({ length: 5 }, () => ({ kind: 'scan' as const })));
    const doc = await queued('scan.pdf', bytes);
    const ocr = heldOcr();
    const run = processor(ocr.ocr, DEFAULT_EXTRACT_LIMITS, sharing(2)).process(jobFor(doc), CTX);
    await ocr.until(() => ocr.started.length === 2);
    expect(ocr.started).toEqual([1, 2]);
    ocr.release(2); // out of order: page 2 is stored before page 1
    await ocr.until(() => ocr.started.length === 3);
    expect((await storage.pages.list(CLIENT, doc._id)).map((p) => p.page)).toEqual([2]);
    for (const page of [1, 3, 4, 5]) {
      await ocr.until(() => ocr.started.includes(page));
      ocr.release(page);
    }
    await run;
    expect(ocr.most()).toBe(2);
    const progress = storage.docs.updates.filter((u) => u.id === doc._id && u.set.pages_done !== undefined && !u.set.stage).map((u) => u.set.pages_done);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(await stored(doc)).toMatchObject({ status: 'ready', page_count: 5, pages_done: 5, ocr_confidence: 0.3 });
    expect((await storage.pages.list(CLIENT, doc._id)).map((p) => [p.page, p.text])).toEqual([1, 2, 3, 4, 5].map((n) => [n, `Invoice ${n}`]));
  }, 60_000);

  test('a redelivery after a crash resumes at the first page not stored: pages read before are not read again', async () => {
    const { bytes } = await makePdf(Array.from({ length: 5 }, () => ({ kind: 'scan' as const })));
    const doc = await queued('scan.pdf', bytes);
    // The first delivery dies at page 3 (the engine's worker crashed): pages 1 and 2 were stored.
    const first = heldOcr((page) => (page === 3 ? new Error('the OCR worker died') : undefined));
    const dying = processor(first.ocr, DEFAULT_EXTRACT_LIMITS, sharing(2)).process(jobFor(doc), CTX);
    await first.until(() => first.started.length === 2);
    first.release(1);
    await first.until(() => first.started.includes(3));
    first.release(3); // fails: no page is taken after it, and the job ends once page 2 is stored
    first.release(2);
    await expect(dying).rejects.toThrow('the OCR worker died');
    expect(first.started).toEqual([1, 2, 3]);
    expect(await stored(doc)).toMatchObject({ status: 'ocr', pages_done: 2, error: null });

    const second = scriptedOcr((page) => reading(page, page / 10));
    await processor(second.ocr).process(jobFor(doc), { ...CTX, attempt: 2 });
    expect(second.calls.map((c) => c.pageHint)).toEqual([3, 4, 5]);
    // It starts from what was stored, not from zero.
    const progress = storage.docs.updates.filter((u) => u.id === doc._id && u.set.pages_done !== undefined).map((u) => u.set.pages_done);
    expect(progress.slice(progress.lastIndexOf(2))).toEqual([2, 3, 4, 5, 5]);
    expect(await stored(doc)).toMatchObject({ status: 'ready', page_count: 5, ocr_pages: 5, ocr_confidence: 0.3 });
    expect((await storage.pages.list(CLIENT, doc._id)).map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);

  test('tells the queue the job is alive while a page waits, and defers a second delivery of the document it is reading', async () => {
    const { bytes } = await makePdf([{ kind: 'scan' }]);
    const doc = await queued('scan.pdf', bytes);
    const ocr = heldOcr();
    let beats = 0;
    const run = processor(ocr.ocr, DEFAULT_EXTRACT_LIMITS, { ...sharing(), heartbeatMs: 20 });
    const reading1 = run.process(jobFor(doc), { ...CTX, working: () => void beats++ });
    await ocr.until(() => ocr.started.length === 1);
    await expect(run.process(jobFor(doc), { ...CTX, attempt: 2 })).rejects.toMatchObject({ name: 'JobDeferred' });
    const before = beats;
    await new Promise((r) => setTimeout(r, 200));
    expect(beats - before).toBeGreaterThanOrEqual(3);
    ocr.release(1);
    await reading1;
    const after = beats;
    await new Promise((r) => setTimeout(r, 100));
    expect(beats).toBe(after); // no heartbeat once the job is done
  }, 60_000);

  test("a client's documents beyond its share are deferred, not started, while another client's document is read", async () => {
    const ocr = heldOcr();
    const run = processor(ocr.ocr, DEFAULT_EXTRACT_LIMITS, { turns: new FairScheduler(1), documentsPerClient: 1, heartbeatMs: 1_000 });
    const scan = await queued('scan.pdf', (await makePdf([{ kind: 'scan' }, { kind: 'scan' }])).bytes);
    const reading1 = run.process(jobFor(scan), CTX);
    await ocr.until(() => ocr.started.length === 1);
    const second = await queued('second.png', await smallScan(), 'image/png');
    await expect(run.process(jobFor(second), CTX)).rejects.toMatchObject({ name: 'JobDeferred' });
    expect(await stored(second)).toMatchObject({ status: 'queued' });
    const other = await storeQueued(storage, 'cli_other', 'other.png', await smallScan(), 'image/png');
    const readingOther = run.process({ doc_id: other._id, client_id: 'cli_other' }, CTX);
    ocr.release(1);
    await ocr.until(() => ocr.started.length === 2);
    expect(ocr.started).toEqual([1, 1]); // the other client's one page came before the scan's second
    ocr.release(1);
    await readingOther;
    await ocr.until(() => ocr.started.length === 3);
    ocr.release(2);
    await reading1;
    expect(await stored(scan)).toMatchObject({ status: 'ready' });
  }, 60_000);
});

describe('a job that has nothing (more) to do', () => {
  test("naming another client, it leaves that client's document untouched", async () => {
    const doc = await queued('notes.txt', Buffer.from('mine'), 'text/plain');
    await processor(scriptedOcr((page) => reading(page, 1)).ocr).process({ doc_id: doc._id, client_id: 'cli_intruder' }, CTX);
    expect(storage.docs.updates).toEqual([]);
    expect(await stored(doc)).toMatchObject({ status: 'queued' });
    expect(bus.events).toEqual([]);
  });

  test('for a deleted document, or one already ready (a late redelivery), does nothing', async () => {
    const doc = await queued('done.txt', Buffer.from('done'), 'text/plain');
    await storage.docs.update(CLIENT, doc._id, { status: 'ready', stage: 'ready' });
    const run = processor(scriptedOcr((page) => reading(page, 1)).ocr);
    await run.process(jobFor(doc), CTX);
    await run.process({ doc_id: 'doc_deleted', client_id: CLIENT }, CTX);
    expect(storage.docs.updates).toHaveLength(1); // the test's own
    expect(bus.events).toEqual([]);
  });
});

describe('the hand-over to QA', () => {
  const bare = () =>
    new DocumentProcessor({ ...storage, bus: bus.asBus(), index: indexing, extract: extracting, tag: tagging, ocr: scriptedOcr((page) => reading(page, 1)).ocr, ...sharing(), limits: DEFAULT_EXTRACT_LIMITS, ocrPageBudgetMs: 20_000, logger: recordingLogger().logger });

  test('a document read waits in indexing, with a QA job, until QA reports it indexed; then it is ready and announced', async () => {
    const doc = await queued('notes.txt', Buffer.from('Plain text notes'), 'text/plain');
    const run = bare();
    await run.process(jobFor(doc), CTX);
    expect(await stored(doc)).toMatchObject({ status: 'indexing', page_count: 1, processing_ms: null });
    expect(indexing.jobs.map((j) => j.job)).toEqual([jobFor(doc)]);
    expect(bus.of('document.processed')).toEqual([]);

    await run.indexed({ ...jobFor(doc), chunks: 1 });
    expect(await stored(doc)).toMatchObject({ status: 'ready', stage: 'ready', processing_ms: expect.any(Number) });
    expect(bus.of('document.processed')).toEqual([expect.objectContaining({ doc_id: doc._id, client_id: CLIENT, page_count: 1, ocr_pages: 0 })]);
    expect(extracting.jobs.map((j) => j.job)).toEqual([jobFor(doc)]);
    expect(tagging.jobs.map((j) => j.job)).toEqual([jobFor(doc)]);
    // A second report (a redelivery) changes nothing.
    await run.indexed({ ...jobFor(doc), chunks: 1 });
    expect(bus.of('document.processed')).toHaveLength(1);
    expect(extracting.jobs).toHaveLength(1);
  });

  test('a redelivered job for a document already read hands it to QA again without reading it again', async () => {
    const doc = await queued('notes.txt', Buffer.from('Plain text notes'), 'text/plain');
    await storage.docs.update(CLIENT, doc._id, { status: 'indexing', stage: 'indexing' });
    await bare().process(jobFor(doc), CTX);
    expect(indexing.jobs.map((j) => j.job)).toEqual([jobFor(doc)]);
    expect(storage.docs.stages(doc._id)).toEqual(['indexing']); // the test's own update only
  });

  test('a document QA gave up on fails with its reason, and is announced as failed', async () => {
    const doc = await queued('notes.txt', Buffer.from('Plain text notes'), 'text/plain');
    await bare().process(jobFor(doc), CTX);
    await bare().indexed({ ...jobFor(doc), chunks: 0, error: 'The document could not be indexed.' });
    expect(await stored(doc)).toMatchObject({ status: 'failed', stage: 'failed', error: 'The document could not be indexed.' });
    expect(bus.of('document.failed')).toEqual([expect.objectContaining({ doc_id: doc._id, error: 'The document could not be indexed.' })]);
    expect(bus.of('document.processed')).toEqual([]);
    expect(extracting.jobs).toEqual([]);
  });

  test("a report for another client's document, or one not waiting for QA, does nothing", async () => {
    const doc = await queued('notes.txt', Buffer.from('Plain text notes'), 'text/plain');
    await bare().indexed({ doc_id: doc._id, client_id: 'cli_intruder', chunks: 1 });
    await bare().indexed({ ...jobFor(doc), chunks: 1 });
    expect(await stored(doc)).toMatchObject({ status: 'queued' });
    expect(bus.events).toEqual([]);
  });
});
