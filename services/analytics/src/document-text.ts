import { GetDocumentPages, type DocumentStatus } from '@perceptiq/contracts';
import { AppError, type Bus } from '@perceptiq/platform';

/** Pages of text per request: a bus message holds about 1 MB, and a dense page's text is a few kilobytes. */
const PAGES_PER_REQUEST = 50;

export interface DocumentText {
  filename: string;
  /** Each page's text, in order. */
  pages: string[];
}

/**
 * A stored document's text, read from ingest page by page. Ingest answers `not_found` for an
 * unknown id and for another client's alike; a document that is not `ready` yet is a `conflict`
 * naming its status, so a caller can tell "wait" from "no such document".
 */
export class DocumentTexts {
  constructor(private readonly bus: Pick<Bus, 'request'>) {}

  /**
   * Its first `maxPages` pages, stopping early once `maxChars` of text were read. `readable`: the
   * statuses it may be read in (default `ready`; pages exist from `indexing` on).
   */
  async read(clientId: string, docId: string, limits: { maxPages: number; maxChars: number }, readable: readonly DocumentStatus[] = ['ready']): Promise<DocumentText> {
    const pages: string[] = [];
    let chars = 0;
    let filename = '';
    let pageCount = Infinity;
    for (let from = 1; from <= Math.min(pageCount, limits.maxPages) && chars < limits.maxChars; from += PAGES_PER_REQUEST) {
      const max = Math.min(PAGES_PER_REQUEST, limits.maxPages - from + 1);
      const reply = await this.bus.request(GetDocumentPages, { client_id: clientId, doc_id: docId, words: false, from_page: from, max_pages: max });
      if (!readable.includes(reply.status)) {
        throw new AppError('conflict', `Document ${docId} is ${reply.status}, not ready: wait until GET /v1/status says it is ready.`, { doc_id: docId, status: reply.status });
      }
      filename = reply.filename;
      pageCount = reply.page_count;
      for (const page of reply.pages) {
        pages.push(page.text);
        chars += page.text.length;
      }
      if (!reply.pages.length) break;
    }
    return { filename, pages };
  }
}
