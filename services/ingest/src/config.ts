import { defineSettings, settingTypes } from '@perceptiq/platform';
import { z } from 'zod';

const { positiveInt } = settingTypes;

/** The ingest service's settings: upload, document, OCR, job and extraction limits. */
export const ingestSettings = defineSettings({
  env: {
    UPLOAD_MAX_FILE_BYTES: positiveInt(50 * 1024 * 1024),
    UPLOAD_MAX_FILES: positiveInt(20),
    DOCUMENT_MAX_PAGES: positiveInt(500),
    IMAGE_MAX_PIXELS: positiveInt(100_000_000),
    OCR_WORKERS: z.coerce.number().int().min(0).default(0),
    DOCUMENT_JOBS: positiveInt(4),
    OCR_DPI: positiveInt(300),
    OCR_TESSDATA_DIR: z.string().default(''),
    OCR_MAX_PAGE_INCHES: positiveInt(20),
    OCR_PAGE_BUDGET_MS: positiveInt(20_000),
    JOB_MAX_DELIVERIES: positiveInt(3),
    JOB_ACK_WAIT_MS: positiveInt(60_000),
    EXTRACT_MAX_MEMORY_MB: positiveInt(512),
    EXTRACT_TIMEOUT_MS: positiveInt(60_000),
    DOCX_MAX_XML_BYTES: positiveInt(32 * 1024 * 1024),
  },
  build: (e) => ({
    maxFileBytes: e.UPLOAD_MAX_FILE_BYTES,
    maxFiles: e.UPLOAD_MAX_FILES,
    maxPages: e.DOCUMENT_MAX_PAGES,
    maxImagePixels: e.IMAGE_MAX_PIXELS,
    /** OCR workers; 0 = one per core. */
    ocrWorkers: e.OCR_WORKERS,
    /**
     * Documents one ingest process reads at once. Their OCR pages share the engine by turns, so
     * more jobs than workers cost no CPU; they let another client's upload start while scans run.
     */
    documentJobs: e.DOCUMENT_JOBS,
    ocrDpi: e.OCR_DPI,
    /** Directory of `<lang>.traineddata` for every OCR language and `osd`; '' = the bundled models. */
    ocrTessdataDir: e.OCR_TESSDATA_DIR,
    /** Side, in inches, of the largest square page rendered at full `ocrDpi`; larger pages get its pixels at a lower DPI. */
    ocrMaxPageInches: e.OCR_MAX_PAGE_INCHES,
    /** How long a document's OCR (rendering included) may take per page it has, in all, before it fails. */
    ocrPageBudgetMs: e.OCR_PAGE_BUDGET_MS,
    jobMaxDeliveries: e.JOB_MAX_DELIVERIES,
    jobAckWaitMs: e.JOB_ACK_WAIT_MS,
    /** Heap cap of the sandbox process that reads a document, in MB. */
    extractMaxMemoryMb: e.EXTRACT_MAX_MEMORY_MB,
    /** Longest the sandbox may take to produce one page (the first includes opening the file). */
    extractTimeoutMs: e.EXTRACT_TIMEOUT_MS,
    /** Most XML a DOCX may inflate to, counted as it inflates. */
    docxMaxXmlBytes: e.DOCX_MAX_XML_BYTES,
  }),
});

export type IngestSettings = ReturnType<typeof ingestSettings.build>;
