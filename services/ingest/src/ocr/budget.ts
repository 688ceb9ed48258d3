import { OcrInputError } from './preprocess.js';

/**
 * The time a document's OCR may take: `perPageMs` for each of its pages, in all, counted from the
 * start of its processing (so rendering its pages counts too; fast pages leave time for slow
 * ones). Over it, the document fails with a readable reason, as an OcrInputError: retrying would
 * only spend the same time again. A page still being read when the time runs out is not waited
 * for; its worker finishes it and the result is dropped.
 */
export class OcrBudget {
  constructor(
    private readonly perPageMs: number,
    private readonly started: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What `read` gives for page `page` of a document of `pages`, unless the budget runs out first
   * (or already has: then `read` is not called).
   */
  async within<T>(page: number, pages: number, read: () => Promise<T>): Promise<T> {
    const budgetMs = this.perPageMs * pages;
    const left = this.started + budgetMs - this.now();
    const spent = () => this.spent(page, pages, budgetMs);
    if (left <= 0) throw spent();
    const reading = read();
    reading.catch(() => undefined); // once the budget has won, the page's own outcome is of no interest
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(spent()), left)));
    try {
      return await Promise.race([reading, timeUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  private spent(page: number, pages: number, budgetMs: number): OcrInputError {
    return new OcrInputError(
      `OCR was stopped at page ${page} of ${pages}: reading the document took longer than the ${budgetMs / 1000} s it is allowed ` +
        `(${this.perPageMs / 1000} s a page). Upload a cleaner scan, or split the document into smaller ones.`,
    );
  }
}
