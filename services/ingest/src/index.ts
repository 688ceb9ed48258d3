import { availableParallelism } from 'node:os';
import { DocumentIndexed, ExtractDocument, GetDocumentPages, IndexDocument, ListDocumentFacts, ProcessDocument, RecognizeImage, TagDocument } from '@perceptiq/contracts';
import { ContextSigner, loadTypeDefs, scrapedGauge, type ServiceFactory } from '@perceptiq/platform';
import { DocumentRepository } from './documents.js';
import { IngestService } from './ingest-service.js';
import { createTesseractEngine, type OcrEngine } from './ocr/index.js';
import { recognizeImage } from './recognize-image.js';
import { PageRepository } from './pages.js';
import { FairScheduler } from './fair-scheduler.js';
import { DocumentProcessor } from './processor.js';
import { receiveEncoded, type ReceiveOptions } from './receive-upload.js';
import type { IngestSettings } from './config.js';
import { createResolvers } from './resolvers.js';
import { mountUploadRoute } from './upload-route.js';
import { pageFacts } from './views.js';

export { PageRepository } from './pages.js';
export { ingestSettings, type IngestSettings } from './config.js';

/** The ingest service: owner of documents, from upload through extraction and OCR to pages. */
export const createIngestService: ServiceFactory<IngestSettings> = async (deps) => {
  const { config, settings, store, bus, blobs, logger, lifecycle } = deps;
  const docs = new DocumentRepository(store);
  const pages = new PageRepository(store);
  const queue = bus.workQueue(ProcessDocument);
  const service = new IngestService({ docs, pages, blobs, bus, queue, logger });
  const receive: ReceiveOptions = {
    blobs,
    maxFileBytes: settings.maxFileBytes,
    maxFiles: settings.maxFiles,
    discard: async (sha256) => {
      if (!(await docs.blobInUse(sha256))) await blobs.delete(sha256);
    },
  };

  // Started by the first page that needs OCR (most documents never do). Closed on stop even when it
  // is still starting then, so no worker thread outlives the service; a failed start is retried
  // by the next page instead of being remembered.
  let engine: Promise<OcrEngine> | undefined;
  let stopped = false;
  const ocr = (): Promise<OcrEngine> => {
    if (stopped) return Promise.reject(new Error('The ingest service is stopping.'));
    engine ??= createTesseractEngine({
      workers: ocrWorkers,
      limitInputPixels: settings.maxImagePixels,
      dataDir: settings.ocrTessdataDir || undefined,
      logger,
    }).catch((err: unknown) => {
      engine = undefined;
      throw err;
    });
    return engine;
  };
  lifecycle.onStop('ocr engine', async () => {
    stopped = true;
    const started = await engine?.catch(() => undefined);
    await started?.close();
  });
  const ocrWorkers = settings.ocrWorkers || availableParallelism();
  // One page more than workers: a worker does not idle while the next page is decoded on this thread.
  const turns = new FairScheduler(ocrWorkers + 1);
  const processor = new DocumentProcessor({
    docs,
    pages,
    blobs,
    bus,
    index: bus.workQueue(IndexDocument),
    extract: bus.workQueue(ExtractDocument),
    tag: bus.workQueue(TagDocument),
    ocr,
    turns,
    // Half the job slots at most for one client: the rest stay open to others.
    documentsPerClient: Math.max(1, Math.ceil(settings.documentJobs / 2)),
    heartbeatMs: Math.max(100, Math.floor(settings.jobAckWaitMs / 3)),
    limits: {
      maxPages: settings.maxPages,
      maxPixels: settings.maxImagePixels,
      dpi: settings.ocrDpi,
      maxPageInches: settings.ocrMaxPageInches,
      maxXmlBytes: settings.docxMaxXmlBytes,
      maxMemoryMb: settings.extractMaxMemoryMb,
      timeoutMs: settings.extractTimeoutMs,
    },
    ocrPageBudgetMs: settings.ocrPageBudgetMs,
    logger,
  });

  return {
    name: 'ingest',
    typeDefs: loadTypeDefs(import.meta.url),
    resolvers: createResolvers({ docs, pages, service, receive: (files) => receiveEncoded(files, receive), maxDocumentPages: settings.maxPages }),
    async start() {
      await docs.init();
      await pages.init();
      // The queues ingest works from, as deep as they are when /metrics is scraped.
      const indexed = bus.workQueue(DocumentIndexed);
      scrapedGauge('perceptiq_queue_depth', 'Jobs not yet acknowledged (waiting or being worked on), by queue', 'queue', [
        [ProcessDocument.name, () => queue.depth()],
        [DocumentIndexed.name, () => indexed.depth()],
      ]);
      const subs = [
        bus.serve(ListDocumentFacts, (req) => docs.facts(req.client_id, req.include_archived, req.limit ? { after: req.after, limit: req.limit } : undefined)),
        bus.serve(GetDocumentPages, async (req) => {
          const doc = await docs.get(req.client_id, req.doc_id);
          const list = await pages.list(req.client_id, req.doc_id, req.words, { from: req.from_page, count: req.max_pages });
          return {
            doc_id: doc._id,
            filename: doc.filename,
            status: doc.status,
            page_count: doc.page_count,
            pages: list.map((p) => pageFacts(p, req.words)),
          };
        }),
        bus.serve(RecognizeImage, (req) =>
          recognizeImage(req.image_base64, { ocr: () => ocr(), turn: (read) => turns.run(req.client_id, read), maxPixels: settings.maxImagePixels, pageBudgetMs: settings.ocrPageBudgetMs }),
        ),
        indexed.consume((job) => processor.indexed(job), { maxDeliveries: settings.jobMaxDeliveries }),
        queue.consume((job, ctx) => processor.process(job, ctx), {
          // Documents read at once; their OCR pages share the engine by turns (FairScheduler).
          concurrency: settings.documentJobs,
          maxDeliveries: settings.jobMaxDeliveries,
          ackWaitMs: settings.jobAckWaitMs,
          onGiveUp: (job, error) => {
            const { doc_id, client_id } = job as { doc_id: string; client_id: string };
            logger.error({ docId: doc_id, err: error.message }, 'document processing given up');
            return processor.fail({ _id: doc_id, client_id }, `Processing failed after ${settings.jobMaxDeliveries} attempts. Retry it, or contact support with the document id.`);
          },
        }),
      ];
      lifecycle.onStop('ingest bus handlers', async () => {
        await Promise.all(subs.map((s) => s.stop()));
      });
    },
    routes(app) {
      mountUploadRoute(app, {
        signer: new ContextSigner(deps.secrets.contextSecret, config.contextTtlSeconds * 1000, 'ingest'),
        service,
        receive,
        logger,
      });
    },
  };
};
