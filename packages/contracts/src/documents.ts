import { z } from 'zod';
import { defineRequest } from './define.js';

export const DocumentStatus = z.enum(['queued', 'extracting', 'ocr', 'indexing', 'ready', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

/** The small facts about a document that other services may ask ingest for. */
export const DocumentFacts = z.object({
  doc_id: z.string(),
  filename: z.string(),
  status: DocumentStatus,
  doc_type: z.string().nullable(),
  page_count: z.number().int(),
  archived: z.boolean(),
  created_at: z.string(),
});
export type DocumentFacts = z.infer<typeof DocumentFacts>;

/** List a client's documents (the active set unless archived ones are asked for). */
export const ListDocumentFacts = defineRequest(
  'ingest.documents.facts',
  z.object({ client_id: z.string(), include_archived: z.boolean().default(false) }),
  z.object({ documents: z.array(DocumentFacts) }),
);
