import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import { createLogger, createMemoryBus, type Bus } from '@perceptiq/platform';
import type { DocumentRecord } from '../src/documents.js';
import { DEFAULT_EXTRACT_LIMITS } from '../src/extract/index.js';
import { createTesseractEngine, type OcrEngine } from '../src/ocr/index.js';
import { FairScheduler } from '../src/fair-scheduler.js';
import { DocumentProcessor } from '../src/processor.js';
import { makePdf } from './extract/fixtures.js';
import { openIngestStorage, RecordingQueue, storeQueued, type IngestStorage } from './support/fakes.js';

/**
 * The processor's OCR budgets, on the real pieces (embedded store, file blobs, in-process bus,
 * extraction sandbox, tesseract): blank pages are stored empty without OCR, and a document over
 * its OCR time budget fails with the reason.
 */

const INCH = 72;
/** OCR_PAGE_BUDGET_MS's default. */
const DEFAULT_BUDGET_MS = 20_000;

let storage: IngestStorage;
let bus: Bus;
let engine: Promise<OcrEngine> | undefined;
let engineStarts = 0;

beforeAll(async () => {
  storage = await openIngestStorage('ocr-budget');
  bus = createMemoryBus({ store: storage.store, requestTimeoutMs: 2_000 });
});
afterAll(async () => {
  await (await engine)?.close();
  await bus?.close();
  await storage?.close();
});

function processor(ocrPageBudgetMs: number): DocumentProcessor {
  return new DocumentProcessor({
    ...storage,
    bus,
    // Read documents wait here for QA; what is tested is how they were read.
    index: new RecordingQueue(),
    extract: new RecordingQueue(),
    tag: new RecordingQueue(),
    // Shared by the tests, as the service shares one; counted to show when OCR was needed at all.
    ocr: () => {
      engineStarts++;
      return (engine ??= createTesseractEngine({ workers: 1 }));
    },
    turns: new FairScheduler(1),
    documentsPerClient: 1,
    heartbeatMs: 1_000,
    limits: DEFAULT_EXTRACT_LIMITS,
    ocrPageBudgetMs,
    logger: createLogger({ level: 'silent', name: 'test' }),
  });
}

/** Stores the bytes and a queued document for them, then runs the processor's job on it. */
async function process(bytes: Buffer, ocrPageBudgetMs: number): Promise<DocumentRecord> {
  const record = await storeQueued(storage, 'client_budget', 'scan.pdf', bytes);
  await processor(ocrPageBudgetMs).process({ doc_id: record._id, client_id: record.client_id }, { attempt: 1, jobId: record._id, working: () => undefined });
  return storage.docs.get(record.client_id, record._id);
}

describe('DocumentProcessor: OCR budgets', () => {
  test('blank pages are stored as empty OCR pages without the OCR engine', async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 3; i++) pdf.addPage([200 * INCH, 200 * INCH]);
    const starts = engineStarts;
    const doc = await process(Buffer.from(await pdf.save()), DEFAULT_BUDGET_MS);
    expect(doc).toMatchObject({ status: 'indexing', error: null, page_count: 3, ocr_confidence: 0 });
    expect(engineStarts).toBe(starts);
    const stored = await storage.pages.list(doc.client_id, doc._id);
    const blank = { text: '', source: 'ocr', confidence: 0, low_quality: true, width: 6000, height: 6000, words: [], lines: [] };
    expect(stored).toEqual([1, 2, 3].map((page) => expect.objectContaining({ page, ...blank })));
  }, 60_000);

  test('a scan is read within the budget', async () => {
    const { bytes } = await makePdf([{ kind: 'scan' }]);
    const doc = await process(bytes, DEFAULT_BUDGET_MS);
    expect(doc).toMatchObject({ status: 'indexing', error: null, page_count: 1 });
    expect(engineStarts).toBeGreaterThan(0);
  }, 60_000);

  test('over its OCR budget, a document fails with the reason, and is not retried', async () => {
    const { bytes } = await makePdf([{ kind: 'scan' }, { kind: 'scan' }]);
    // `process` resolves: the job is done with, not handed back to the queue for another delivery.
    const doc = await process(bytes, 1);
    expect(doc).toMatchObject({ status: 'failed', stage: 'failed' });
    expect(doc.error).toMatch(/^OCR was stopped at page 1 of 2: reading the document took longer than the 0\.002 s it is allowed \(0\.001 s a page\)\. /);
  }, 60_000);
});
