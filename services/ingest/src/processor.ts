import { DocumentFailed, DocumentProcessed, type DocumentIndexed, type DocumentStatus, type ExtractDocument, type IndexDocument, type JobOf, type ProcessDocument, type TagDocument } from '@perceptiq/contracts';
import { counter, JobDeferred, type BlobStore, type Bus, type JobContext, type Logger, type WorkQueue } from '@perceptiq/platform';
import type { DocumentRecord, DocumentRepository } from './documents.js';
import { extractInSandbox, type SandboxInput } from './extract/sandbox.js';
import { readHead, sniffStored, sniffType } from './extract/sniff.js';
import { ExtractionError, type BlankPage, type DetectedType, type ExtractLimits, type ImagePage, type TextPage } from './extract/types.js';
import type { FairScheduler } from './fair-scheduler.js';
import { blankReading, OcrBudget, OcrInputError, type OcrEngine, type OcrPage } from './ocr/index.js';
import { PagesInFlight, PagesRead } from './pages-in-flight.js';
import type { PageRepository } from './pages.js';

type Job = JobOf<typeof ProcessDocument>;

export interface ProcessorDeps {
  docs: DocumentRepository;
  pages: PageRepository;
  blobs: BlobStore;
  bus: Bus;
  /** QA's indexing queue: a document read is handed to it, and is `ready` once QA says it is indexed. */
  index: Pick<WorkQueue<JobOf<typeof IndexDocument>>, 'enqueue'>;
  /** The templates service's extraction queue: a document that became `ready` is handed to it. */
  extract: Pick<WorkQueue<JobOf<typeof ExtractDocument>>, 'enqueue'>;
  tag: Pick<WorkQueue<JobOf<typeof TagDocument>>, 'enqueue'>;
  /** The OCR engine, started on first need (its workers are costly) and shared by every job. */
  ocr(): Promise<OcrEngine>;
  /** Turns at the OCR engine, shared by every job: as many slots as pages the engine reads at once. */
  turns: FairScheduler;
  /**
   * Documents of one client read at once by this process; another of its jobs is deferred (put
   * back without using an attempt), so the other job slots stay open to other clients' uploads.
   */
  documentsPerClient: number;
  /** How often a job being worked on tells its queue so (well inside the queue's ack wait). */
  heartbeatMs: number;
  limits: ExtractLimits;
  /** How long a document's OCR may take per page it has, in all (OcrBudget). */
  ocrPageBudgetMs: number;
  logger: Logger;
  now?: () => number;
}

/** How long a job deferred for its client's share waits before it is offered again. */
const DEFER_MS = 2_000;

/** A problem with the document itself: retrying cannot help, so it fails at once with this reason. */
const isPermanent = (err: unknown): err is Error => err instanceof ExtractionError || err instanceof OcrInputError;

const processed = () => counter('perceptiq_ingest_documents_total', 'Documents processed, by outcome', ['outcome']);
const pagesProcessed = () => counter('perceptiq_ingest_pages_total', 'Pages processed, by source', ['source']);

/**
 * The pipeline for one document: its stored bytes → pages (text layer read directly, images and
 * scans through OCR), then `indexing` until QA has indexed it (`indexed`), so `ready` means a
 * question can find it. OCR pages are read as many at once as the OCR turns have slots, taken
 * in turn with other clients' documents (FairScheduler); each page is stored as soon as it is
 * read, and progress counts stored pages, so it only grows. A crash leaves the job
 * unacknowledged and the next delivery resumes: pages stored by an earlier one are neither
 * rendered nor read again. A document problem fails the document with a readable reason.
 */
export class DocumentProcessor {
  private readonly now: () => number;
  /** Documents being read, by client, and which. */
  private readonly active = new Map<string, number>();
  private readonly reading = new Set<string>();

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * The document's type, sniffed again from the stored bytes (they, not the upload's word, decide
   * how it is parsed), and its stored file for the sandbox to read, or its bytes where the blob
   * store keeps no local files. From a file, only its head is read here (all of it only for what
   * the head cannot tell, see sniffStored), and nothing is kept while pages are read.
   */
  private async input(doc: DocumentRecord): Promise<{ input: SandboxInput; type: DetectedType }> {
    const { blobs } = this.deps;
    const file = await blobs.localFile(doc.sha256);
    let input: SandboxInput;
    let type: DetectedType | null;
    if (file) {
      input = { file };
      type = await sniffStored(await readHead(await blobs.open(doc.sha256)), doc.size_bytes, doc.filename, () => blobs.read(doc.sha256));
    } else {
      // The sandbox is sent the bytes: read them once, and sniff them whole.
      const bytes = await blobs.read(doc.sha256);
      input = { bytes };
      type = await sniffType(bytes, doc.filename);
    }
    if (!type) throw new ExtractionError('The file type is not supported.');
    return { input, type };
  }

  async process(job: Job, ctx: JobContext): Promise<void> {
    const mine = this.active.get(job.client_id) ?? 0;
    // Over the client's share, or a second delivery of a document this process is reading: later.
    if (mine >= this.deps.documentsPerClient || this.reading.has(job.doc_id)) throw new JobDeferred(DEFER_MS);
    this.active.set(job.client_id, mine + 1);
    this.reading.add(job.doc_id);
    // The job stays ours while this process lives, however long a page waits for its turn.
    const heartbeat = setInterval(() => ctx.working(), this.deps.heartbeatMs);
    try {
      await this.read(job, ctx);
    } finally {
      clearInterval(heartbeat);
      this.reading.delete(job.doc_id);
      const left = (this.active.get(job.client_id) ?? 1) - 1;
      if (left) this.active.set(job.client_id, left);
      else this.active.delete(job.client_id);
    }
  }

  private async read(job: Job, ctx: JobContext): Promise<void> {
    const { docs, pages } = this.deps;
    const doc = await docs.findForJob(job.doc_id, job.client_id);
    if (!doc || doc.status === 'ready') return; // deleted meanwhile, or already done by an earlier delivery
    // Read by an earlier delivery that died before handing it to QA: hand it over again (indexing twice is harmless).
    if (doc.status === 'indexing') return this.deps.index.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    const started = this.now();
    const budget = new OcrBudget(this.deps.ocrPageBudgetMs, started, this.now);
    const read = new PagesRead(await pages.stored(doc.client_id, doc._id));
    // A redelivery keeps the clock of the delivery it resumes: processing_ms is upload to ready.
    const clock = ctx.attempt > 1 && doc.processing_started_ms ? doc.processing_started_ms : started;
    await this.stage(doc, 'extracting', { error: null, pages_done: read.done.size, processing_started_ms: clock });
    try {
      const { input, type } = await this.input(doc);
      let total: number | null = null;
      let last = 0;
      // Progress writes one after another, so a slower write never puts back a smaller count.
      let progress = Promise.resolve();
      const stored = () => (progress = progress.then(() => docs.update(doc.client_id, doc._id, { pages_done: read.done.size, pages_total: total })));
      const limits: ExtractLimits = { ...this.deps.limits, onPageCount: (n) => void (total = n), skipPages: [...read.done] };
      const inFlight = new PagesInFlight(this.deps.turns.slots);
      for await (const page of extractInSandbox(input, type, limits)) {
        last = page.page;
        if (read.done.has(page.page)) continue; // formats that cannot skip pages yield them again
        if (page.source === 'text-layer') {
          await this.storeText(doc, page);
          read.add(page.page, 'text-layer', 1);
          await stored();
          continue;
        }
        if (doc.stage !== 'ocr') await this.stage(doc, 'ocr');
        const pageCount = total ?? page.page;
        await inFlight.add(async () => {
          const ocr = await this.recognize(doc, page, pageCount, budget);
          await this.storeOcr(doc, page.page, ocr);
          read.add(page.page, 'ocr', ocr.confidence);
          pagesProcessed().inc({ source: page.source === 'blank' ? 'blank' : 'ocr' });
          await stored();
        });
      }
      await inFlight.drain();
      await progress;
      const count = total ?? Math.max(last, ...read.done);
      await this.stage(doc, 'indexing', { page_count: count, pages_total: count, pages_done: count, ocr_confidence: read.confidence, ocr_pages: read.ocrPages });
      await this.deps.index.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    } catch (err) {
      if (!isPermanent(err)) throw err; // redelivered later; given up after the last delivery (fail())
      await this.fail(doc, err.message);
    }
  }

  private storeText(doc: DocumentRecord, page: TextPage): Promise<void> {
    pagesProcessed().inc({ source: 'text-layer' });
    const { text, confidence, width, height, words, lines } = page;
    return this.deps.pages.put({ doc_id: doc._id, client_id: doc.client_id, page: page.page, text, source: 'text-layer', confidence, width, height, low_quality: false, words, lines });
  }

  private storeOcr(doc: DocumentRecord, page: number, read: OcrPage): Promise<void> {
    return this.deps.pages.put({
      doc_id: doc._id,
      client_id: doc.client_id,
      page,
      text: read.text,
      source: 'ocr',
      confidence: read.confidence,
      width: read.width,
      height: read.height,
      low_quality: read.lowQuality,
      words: read.words.map((w) => ({ text: w.text, bbox: w.bbox, confidence: w.confidence })),
      lines: read.lines.map((l) => ({ text: l.text, bbox: l.bbox })),
    });
  }

  /** QA has indexed the document (`document.indexed`): it is `ready`, and the other services are told; or QA gave up on it: it has failed. */
  async indexed(job: JobOf<typeof DocumentIndexed>): Promise<void> {
    const doc = await this.deps.docs.findForJob(job.doc_id, job.client_id);
    if (!doc || doc.status !== 'indexing') return; // deleted, or sent back for processing, meanwhile
    if (job.error !== undefined) return this.fail(doc, job.error);
    // Before `ready`: a redelivered job finds the document still `indexing` and enqueues again, so extraction and tagging are never lost.
    await this.deps.extract.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    await this.deps.tag.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    const processingMs = this.now() - (doc.processing_started_ms ?? this.now());
    await this.stage(doc, 'ready', { processing_ms: processingMs });
    processed().inc({ outcome: 'ready' });
    await this.deps.bus.publish(DocumentProcessed, {
      doc_id: doc._id,
      client_id: doc.client_id,
      filename: doc.filename,
      mime_type: doc.mime_type,
      page_count: doc.page_count,
      ocr_pages: doc.ocr_pages ?? 0,
      ocr_confidence: doc.ocr_confidence,
      processing_ms: processingMs,
      at: new Date(this.now()).toISOString(),
    });
  }

  /** Mark a document failed with a reason a person can act on, and tell the other services. */
  async fail(doc: Pick<DocumentRecord, '_id' | 'client_id'>, reason: string): Promise<void> {
    await this.deps.docs.update(doc.client_id, doc._id, { status: 'failed', stage: 'failed', error: reason });
    processed().inc({ outcome: 'failed' });
    await this.deps.bus
      .publish(DocumentFailed, { doc_id: doc._id, client_id: doc.client_id, error: reason, at: new Date(this.now()).toISOString() })
      .catch((e: Error) => this.deps.logger.warn({ err: e.message }, 'could not publish document.failed'));
  }

  /**
   * A page image read by OCR when its client's turn comes, within the document's budget (its
   * time since processing started, turns waited for included: 20 s a page by default, where a page
   * takes 1-2 s, leaves room for sharing the engine with others); a blank page's reading, without OCR.
   */
  private async recognize(doc: DocumentRecord, page: ImagePage | BlankPage, pages: number, budget: OcrBudget): Promise<OcrPage> {
    if (page.source === 'blank') return blankReading(page.width, page.height); // nor is the engine started for it
    const { image } = page;
    return this.deps.turns.run(doc.client_id, () => budget.within(page.page, pages, async () => (await this.deps.ocr()).recognize(image, { pageHint: page.page })));
  }

  private async stage(doc: DocumentRecord, stage: DocumentStatus, extra: Partial<DocumentRecord> = {}): Promise<void> {
    doc.stage = stage;
    await this.deps.docs.update(doc.client_id, doc._id, { status: stage, stage, ...extra });
  }
}
