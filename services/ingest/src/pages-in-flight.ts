/** What has been read of a document so far, by this delivery of its job and by earlier ones. */
export class PagesRead {
  readonly done = new Set<number>();
  ocrPages = 0;
  private ocrConfidence = 0;

  constructor(earlier: Array<{ page: number; source: 'text-layer' | 'ocr'; confidence: number }>) {
    for (const p of earlier) this.add(p.page, p.source, p.confidence);
  }

  add(page: number, source: 'text-layer' | 'ocr', confidence: number): void {
    this.done.add(page);
    if (source !== 'ocr') return;
    this.ocrPages++;
    this.ocrConfidence += confidence;
  }

  /** Mean OCR confidence over the document's OCR pages, or null without any. */
  get confidence(): number | null {
    return this.ocrPages ? Math.round((this.ocrConfidence / this.ocrPages) * 1000) / 1000 : null;
  }
}

/**
 * Pages of one document being read at once, at most `size`. The first failure stops the intake;
 * it is thrown once every page still being read has settled, so nothing is written for the
 * document after its job has ended.
 */
export class PagesInFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly size: number) {}

  /** Starts `read`, then waits until there is room for the next page. */
  async add(read: () => Promise<void>): Promise<void> {
    this.check();
    const task: Promise<void> = read()
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.running.delete(task));
    this.running.add(task);
    while (this.running.size >= this.size && !this.failure) await Promise.race(this.running);
    if (this.failure) await this.drain();
  }

  /** Waits for every page being read; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}
