import { SmartExtractPayload } from '@perceptiq/contracts';
import { isAppError, parseOrThrow, type Logger } from '@perceptiq/platform';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { Catalog } from './catalog.js';
import type { DocumentInput } from './document-input.js';
import { extract } from './engine/index.js';
import type { ExtractionResult } from './engine/types.js';

export interface BatchItem {
  index: number;
  ok: boolean;
  result?: ExtractionResult;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** Items of a batch read at once: images wait on OCR, so a few overlap; token items are CPU-bound and short. */
const BATCH_CONCURRENCY = 4;

/** Smart extraction for one payload or a batch: prepare the input, rank the client's templates, extract. */
export class SmartExtractor {
  constructor(
    private readonly catalog: Catalog,
    private readonly inputs: DocumentInput,
    private readonly logger: Logger,
  ) {}

  async extract(clientId: string, payload: SmartExtractPayload): Promise<ExtractionResult> {
    const templates = await this.catalog.specsWith(clientId, payload.template_id);
    const { input, warnings } = await this.inputs.fromPayload(clientId, payload);
    const result = extract(input, templates, { topK: payload.top_k_templates, ...(payload.template_id ? { templateId: payload.template_id } : {}) });
    return { ...result, warnings: [...warnings, ...result.warnings] };
  }

  /** Each item checked and answered in its place: a malformed or failing item never fails the others. */
  async batch(clientId: string, items: unknown[]): Promise<BatchItem[]> {
    const results: BatchItem[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await this.item(clientId, items[index], index);
        // Between items, let other requests in: a batch of 100 must not hold the event loop for its whole run.
        await yieldToOthers();
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
    return results;
  }

  private async item(clientId: string, raw: unknown, index: number): Promise<BatchItem> {
    try {
      const payload = parseOrThrow(SmartExtractPayload, raw, `items.${index}`);
      return { index, ok: true, result: await this.extract(clientId, payload) };
    } catch (e) {
      if (isAppError(e)) return { index, ok: false, error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
      this.logger.error({ err: (e as Error).message, index }, 'batch item failed');
      return { index, ok: false, error: { code: 'internal', message: 'This item could not be processed.' } };
    }
  }
}
