import type { ExtractDocument, JobOf } from '@perceptiq/contracts';
import { isAppError, type Logger } from '@perceptiq/platform';
import type { Catalog } from './catalog.js';
import type { DocumentExtractions } from './document-extractions.js';
import type { DocumentInput } from './document-input.js';
import { extract, MATCH_THRESHOLD } from './engine/index.js';

/**
 * Extraction on ingest: a document that became `ready` is read (its first pages' words), ranked
 * against the built-ins and its client's templates, and, when the best one matches well enough,
 * its type and fields are stored. A document matching nothing keeps no extraction (and no type).
 */
export class DocumentExtractor {
  constructor(
    private readonly deps: { catalog: Catalog; inputs: DocumentInput; extractions: DocumentExtractions; logger: Logger; now?: () => Date },
  ) {}

  async extract(job: JobOf<typeof ExtractDocument>): Promise<void> {
    const { doc_id, client_id } = job;
    let prepared;
    try {
      prepared = await this.deps.inputs.fromDocument(client_id, doc_id);
    } catch (e) {
      // Deleted since it was queued: nothing to extract, and nothing to retry.
      if (isAppError(e) && e.code === 'not_found') return;
      throw e;
    }
    const templates = await this.deps.catalog.specs(client_id);
    const result = extract(prepared.input, templates, { topK: 1 });
    const best = result.templates[0];
    const template = best && templates.find((t) => t.template_id === best.template_id);
    if (!best || !template || best.score < MATCH_THRESHOLD) {
      // A retried document may match nothing now: an earlier extraction must not outlive it.
      await this.deps.extractions.remove(client_id, doc_id);
      return;
    }
    await this.deps.extractions.put({
      _id: doc_id,
      client_id,
      doc_type: template.doc_type,
      template_id: template.template_id,
      template_name: template.name,
      score: best.score,
      fields: result.fields,
      key_values: result.key_values,
      ...(result.line_items ? { line_items: result.line_items } : {}),
      extracted_at: (this.deps.now?.() ?? new Date()).toISOString(),
    });
    this.deps.logger.info({ docId: doc_id, template: template.template_id, score: best.score }, 'document extracted');
  }
}
