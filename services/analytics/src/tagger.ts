import type { JobOf, TagDocument, Tagging } from '@perceptiq/contracts';
import { AppError, type Logger } from '@perceptiq/platform';
import type { DocumentTags } from './document-tags.js';
import type { DocumentTexts } from './document-text.js';

/** What tagging reads of a document: its opening pages hold its type, language and parties; the rest only costs time. */
export const TAG_LIMITS = { maxPages: 50, maxChars: 200_000 };

/**
 * Tags: of a text a partner sends, of one of their stored documents on request, and of every
 * document that becomes ready (the `analytics.tag` job), which keeps them for `Document.tags`,
 * `Document.language`, exports and metrics.
 */
export class Tagger {
  constructor(
    private readonly deps: { tag: (text: string) => Tagging; texts: DocumentTexts; store: DocumentTags; logger: Logger; now?: () => Date },
  ) {}

  text(text: string): Tagging {
    return this.deps.tag(text);
  }

  /** A stored document of the client's (`not_found` for another's, `conflict` until it is ready). */
  async document(clientId: string, docId: string): Promise<Tagging> {
    const { pages } = await this.deps.texts.read(clientId, docId, TAG_LIMITS);
    return this.deps.tag(pages.join('\n\n'));
  }

  async job(job: JobOf<typeof TagDocument>): Promise<void> {
    let tagging: Tagging;
    try {
      // Ingest queues the job just before it marks the document ready: `indexing` may still be its status.
      const { pages } = await this.deps.texts.read(job.client_id, job.doc_id, TAG_LIMITS, ['indexing', 'ready']);
      tagging = this.deps.tag(pages.join('\n\n'));
    } catch (err) {
      // Deleted, or sent back for processing, since the job was queued: nothing to tag (it comes back when ready).
      if (err instanceof AppError && (err.code === 'not_found' || err.code === 'conflict')) return;
      throw err;
    }
    await this.deps.store.put(job.client_id, job.doc_id, tagging, (this.deps.now?.() ?? new Date()).toISOString());
    this.deps.logger.debug({ docId: job.doc_id, docType: tagging.doc_type }, 'document tagged');
  }
}
