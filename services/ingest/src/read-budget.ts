import { AppError, type SubgraphContext } from '@perceptiq/platform';

/**
 * How many stored pages one GraphQL request may read (each document's `text` or `pages`),
 * reserved from the document's stored page count before any page is loaded. The gateway's cost
 * estimate assumes list sizes; this counts the real ones, so a request that slipped past the
 * estimate still cannot pull a library's worth of pages into memory.
 */
export class PageReadBudget {
  private readonly spent = new WeakMap<SubgraphContext, number>();

  /** @param maxPages per request; twice DOCUMENT_MAX_PAGES lets the REST read of the largest document (its text, then its pages) through. */
  constructor(private readonly maxPages: number) {}

  take(ctx: SubgraphContext, pages: number): void {
    const spent = (this.spent.get(ctx) ?? 0) + pages;
    if (spent > this.maxPages) {
      throw new AppError('query_too_complex', `This request reads more than ${this.maxPages} stored pages; ask for fewer documents' text or pages at a time.`, {
        max_pages: this.maxPages,
      });
    }
    this.spent.set(ctx, spent);
  }
}
