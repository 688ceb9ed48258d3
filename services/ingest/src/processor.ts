import { DocumentFailed, DocumentProcessed, type DocumentIndexed, type DocumentStatus, type ExtractDocument, type IndexDocument, type JobOf, type ProcessDocument, type TagDocument } from '@perceptiq/contracts';
import { counter, type BlobStore, type Bus, type JobContext, type Logger, type WorkQueue } from '@perceptiq/platform';
import type { DocumentRecord, DocumentRepository } from './documents.js';
import { extractInSandbox } from './extract/sandbox.js';
import { sniffType } from './extract/sniff.js';
import { ExtractionError, type BlankPage, type ExtractLimits, type ImagePage } from './extract/types.js';
import { blankReading, OcrBudget, OcrInputError, type OcrEngine, type OcrPage } from './ocr/index.js';
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
  limits: ExtractLimits;
  /** How long a document's OCR may take per page it has, in all (OcrBudget). */
  ocrPageBudgetMs: number;
  logger: Logger;
  now?: () => number;
}

/** A problem with the document itself: retrying cannot help, so it fails at once with this reason. */
const isPermanent = (err: unknown): err is Error => err instanceof ExtractionError || err instanceof OcrInputError;

const processed = () => counter('perceptiq_ingest_documents_total', 'Documents processed, by outcome', ['outcome']);
const pagesProcessed = () => counter('perceptiq_ingest_pages_total', 'Pages processed, by source', ['source']);

/**
 * The pipeline for one document: its stored bytes → pages (text layer read directly, images and
 * scans through OCR), one page at a time so memory stays flat, progress written per page, then
 * `indexing` until QA has indexed it (`indexed`), so `ready` means a question can find it. A
 * crash leaves the job unacknowledged and another worker redoes it (pages are upserted, so a
 * redo is harmless); a document problem fails the document with a readable reason.
 */
export class DocumentProcessor {
  private readonly now: () => number;

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? Date.now;
  }

  async process(job: Job, ctx: JobContext): Promise<void> {
    const { docs } = this.deps;
    const doc = await docs.findForJob(job.doc_id, job.client_id);
    if (!doc || doc.status === 'ready') return; // deleted meanwhile, or already done by an earlier delivery
    // Read by an earlier delivery that died before handing it to QA: hand it over again (indexing twice is harmless).
    if (doc.status === 'indexing') return this.deps.index.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    const started = this.now();
    const budget = new OcrBudget(this.deps.ocrPageBudgetMs, started, this.now);
    await this.stage(doc, 'extracting', { error: null, pages_done: 0, processing_started_ms: started });
    try {
      const bytes = await this.deps.blobs.read(doc.sha256);
      const type = await sniffType(bytes, doc.filename);
      if (!type) throw new ExtractionError('The file type is not supported.');
      let pages = 0;
      let ocrPages = 0;
      let ocrConfidence = 0;
      let total: number | null = null;
      const limits: ExtractLimits = { ...this.deps.limits, onPageCount: (n) => void (total = n) };
      for await (const page of extractInSandbox(bytes, type, limits, () => ctx.working())) {
        if (page.source !== 'text-layer') {
          if (doc.stage !== 'ocr') await this.stage(doc, 'ocr');
          const read = await this.read(page, total ?? page.page, budget);
          ctx.working(); // an OCR page can take a while: keep the job ours
          await this.deps.pages.put({
            doc_id: doc._id,
            client_id: doc.client_id,
            page: page.page,
            text: read.text,
            source: 'ocr',
            confidence: read.confidence,
            width: read.width,
            height: read.height,
            low_quality: read.lowQuality,
            words: read.words.map((w) => ({ text: w.text, bbox: w.bbox, confidence: w.confidence })),
            lines: read.lines.map((l) => ({ text: l.text, bbox: l.bbox })),
          });
          ocrPages++;
          ocrConfidence += read.confidence;
          pagesProcessed().inc({ source: page.source === 'blank' ? 'blank' : 'ocr' });
        } else {
          await this.deps.pages.put({
            doc_id: doc._id,
            client_id: doc.client_id,
            page: page.page,
            text: page.text,
            source: 'text-layer',
            confidence: page.confidence,
            width: page.width,
            height: page.height,
            low_quality: false,
            words: page.words,
            lines: page.lines,
          });
          pagesProcessed().inc({ source: 'text-layer' });
        }
        pages = page.page;
        await docs.update(doc.client_id, doc._id, { pages_done: pages, pages_total: total });
      }
      const confidence = ocrPages ? Math.round((ocrConfidence / ocrPages) * 1000) / 1000 : null;
      await this.stage(doc, 'indexing', { page_count: pages, pages_total: pages, pages_done: pages, ocr_confidence: confidence, ocr_pages: ocrPages });
      await this.deps.index.enqueue({ doc_id: doc._id, client_id: doc.client_id });
    } catch (err) {
      if (!isPermanent(err)) throw err; // redelivered later; given up after the last delivery (fail())
      await this.fail(doc, err.message);
    }
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

  /** A page image read by OCR within the document's budget; a blank page's reading, without OCR. */
  private async read(page: ImagePage | BlankPage, pages: number, budget: OcrBudget): Promise<OcrPage> {
    if (page.source === 'blank') return blankReading(page.width, page.height); // nor is the engine started for it
    return budget.within(page.page, pages, async () => (await this.deps.ocr()).recognize(page.image, { pageHint: page.page }));
  }

  private async stage(doc: DocumentRecord, stage: DocumentStatus, extra: Partial<DocumentRecord> = {}): Promise<void> {
    doc.stage = stage;
    await this.deps.docs.update(doc.client_id, doc._id, { status: stage, stage, ...extra });
  }
}
