import { GetDocumentTypes } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { Bus } from './bus/types.js';

/**
 * Document id → type, as the templates service decided it (all of a client's, or the named ones).
 * Summaries, figures and exports are still worth giving without them, so a templates outage
 * leaves types out (logged) rather than failing the caller.
 */
export async function documentTypes(bus: Pick<Bus, 'request'>, logger: Logger, clientId: string, docIds?: string[], timeoutMs = 1_000): Promise<Record<string, string>> {
  try {
    return (await bus.request(GetDocumentTypes, { client_id: clientId, ...(docIds ? { doc_ids: docIds } : {}) }, { timeoutMs })).types;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'document types unavailable; answering without them');
    return {};
  }
}
