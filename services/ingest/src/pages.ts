import type { Collection, Store } from '@perceptiq/platform';

export type BBox = [number, number, number, number];

/** One processed page, stored apart from its document so listings never load words. */
export interface PageContent {
  doc_id: string;
  client_id: string;
  page: number;
  text: string;
  source: 'text-layer' | 'ocr';
  confidence: number;
  width: number;
  height: number;
  low_quality: boolean;
  words: Array<{ text: string; bbox: BBox; confidence: number }>;
  lines: Array<{ text: string; bbox: BBox }>;
}

export type PageRecord = PageContent & { _id: string; [key: string]: unknown };

const pageId = (docId: string, page: number) => `${docId}:${String(page).padStart(4, '0')}`;

export class PageRepository {
  private readonly pages: Collection<PageRecord>;

  constructor(store: Store) {
    this.pages = store.collection<PageRecord>('pages');
  }

  async init(): Promise<void> {
    await this.pages.createIndex({ keys: { doc_id: 1 }, name: 'doc' });
  }

  /** Idempotent: a redelivered job rewrites the same page. */
  async put(page: PageContent): Promise<void> {
    await this.pages.updateOne({ _id: pageId(page.doc_id, page.page) }, { $set: page }, { upsert: true });
  }

  /** A document's pages in order; `range` (first page, how many) keeps one answer within a bus message. */
  list(clientId: string, docId: string, words = true, range?: { from: number; count: number }): Promise<PageRecord[]> {
    const pages = range ? { page: { $gte: range.from, $lt: range.from + range.count } } : {};
    return this.pages
      .find({ doc_id: docId, client_id: clientId, ...pages }, { sort: { page: 1 }, ...(words ? {} : { projection: { words: 0, lines: 0 } }) })
      .toArray();
  }

  /** What an earlier delivery of a document's job already stored: page numbers, with how each was read. */
  async stored(clientId: string, docId: string): Promise<Array<Pick<PageContent, 'page' | 'source' | 'confidence'>>> {
    const found = await this.pages
      .find({ doc_id: docId, client_id: clientId }, { sort: { page: 1 }, projection: { page: 1, source: 1, confidence: 1 } })
      .toArray();
    return found.map(({ page, source, confidence }) => ({ page, source, confidence }));
  }

  async removeDocument(clientId: string, docId: string): Promise<void> {
    await this.pages.deleteMany({ doc_id: docId, client_id: clientId });
  }
}
