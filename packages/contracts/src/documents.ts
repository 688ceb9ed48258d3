import { z } from 'zod';
import { defineEvent, defineQueue, defineRequest } from './define.js';

export const DocumentStatus = z.enum(['queued', 'extracting', 'ocr', 'indexing', 'ready', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

/** The small facts about a document that other services may ask ingest for. */
export const DocumentFacts = z.object({
  doc_id: z.string(),
  filename: z.string(),
  status: DocumentStatus,
  page_count: z.number().int(),
  archived: z.boolean(),
  created_at: z.string(),
});
export type DocumentFacts = z.infer<typeof DocumentFacts>;

/**
 * List a client's documents (the active set unless archived ones are asked for): all of them, or
 * with `limit` a page at a time in document-id order (`after`: the previous page's `next`), for a
 * caller that may meet more than one bus message holds (about 1 MB: some 5,000 documents).
 */
export const ListDocumentFacts = defineRequest(
  'ingest.documents.facts',
  z.object({
    client_id: z.string(),
    include_archived: z.boolean().default(false),
    after: z.string().optional(),
    limit: z.number().int().min(1).max(1_000).optional(),
  }),
  z.object({ documents: z.array(DocumentFacts), next: z.string().nullable().default(null) }),
);

/** The ingest pipeline's durable job: process one document from its stored bytes to pages. */
export const ProcessDocument = defineQueue(
  'ingest.process',
  z.object({ doc_id: z.string(), client_id: z.string() }),
);

const DocumentEventBase = z.object({ doc_id: z.string(), client_id: z.string(), at: z.string() });

/** A document reached `ready` (read and indexed): its pages can be fetched with `GetDocumentPages`. */
export const DocumentProcessed = defineEvent(
  'document.processed',
  1,
  DocumentEventBase.extend({
    filename: z.string(),
    mime_type: z.string(),
    page_count: z.number().int(),
    ocr_pages: z.number().int(),
    ocr_confidence: z.number().nullable(),
    /** From upload to `ready`. */
    processing_ms: z.number().int().nonnegative(),
  }),
);

export const DocumentFailed = defineEvent('document.failed', 1, DocumentEventBase.extend({ error: z.string() }));
export const DocumentArchived = defineEvent('document.archived', 1, DocumentEventBase.extend({ archived: z.boolean() }));
/** Forget everything about the document (index, extractions, tags). */
export const DocumentDeleted = defineEvent('document.deleted', 1, DocumentEventBase);

export const PageWord = z.object({
  text: z.string(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  confidence: z.number(),
});

/** One processed page, as other services and the REST API see it. */
export const DocumentPage = z.object({
  page: z.number().int(),
  text: z.string(),
  source: z.enum(['text-layer', 'ocr']),
  confidence: z.number(),
  width: z.number(),
  height: z.number(),
  words: z.array(PageWord).optional(),
});

/**
 * A processed document's pages, for services that index or extract from them. With words, ask for
 * a few pages at a time (`from_page`, `max_pages`): a bus message holds about 1 MB, and a dense
 * page's words take tens of kilobytes. `page_count` says how many there are in all.
 */
export const GetDocumentPages = defineRequest(
  'ingest.documents.pages',
  z.object({
    client_id: z.string(),
    doc_id: z.string(),
    words: z.boolean().default(false),
    from_page: z.number().int().min(1).default(1),
    max_pages: z.number().int().min(1).max(10_000).default(10_000),
  }),
  z.object({
    doc_id: z.string(),
    filename: z.string(),
    /** Pages exist from `indexing` on; a caller that needs the whole document waits for `ready`. */
    status: DocumentStatus,
    page_count: z.number().int(),
    pages: z.array(DocumentPage),
  }),
);

/**
 * QA's durable job: index one document ingest has read (status `indexing`), fetching its pages
 * with `GetDocumentPages`. Durable, so a QA outage leaves documents `indexing` until QA is back.
 */
export const IndexDocument = defineQueue(
  'qa.index',
  z.object({ doc_id: z.string(), client_id: z.string() }),
);

/**
 * `document.indexed`: QA has indexed the document, so a question asked now finds it; ingest then
 * marks it `ready` (or `failed`, with `error`, when QA could not index it). A durable queue rather than a plain event: a lost one would leave the document
 * `indexing` for good.
 */
export const DocumentIndexed = defineQueue(
  'ingest.indexed',
  z.object({
    doc_id: z.string(),
    client_id: z.string(),
    chunks: z.number().int(),
    /** Set when QA gave up on the document: ingest then fails it with this reason. */
    error: z.string().optional(),
  }),
);

/**
 * OCR of one image for a service that has no engine of its own (smart extraction from
 * `document_images`): ingest reads it with the engine and limits it uses for uploads. The image
 * travels base64-encoded inside a bus message (about 1 MB), hence its size limit.
 */
export const RecognizeImage = defineRequest(
  'ingest.ocr.image',
  z.object({ client_id: z.string(), image_base64: z.string().min(1).max(900_000) }),
  z.object({
    width: z.number(),
    height: z.number(),
    confidence: z.number(),
    words: z.array(PageWord),
  }),
);
