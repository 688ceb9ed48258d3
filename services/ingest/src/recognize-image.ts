import type { ReplyOf, RecognizeImage } from '@perceptiq/contracts';
import { AppError } from '@perceptiq/platform';
import { extractImage } from './extract/image.js';
import { sniffType } from './extract/sniff.js';
import { ExtractionError } from './extract/types.js';
import { OcrBudget, OcrInputError, type OcrEngine } from './ocr/index.js';

export interface RecognizeOptions {
  ocr(): Promise<OcrEngine>;
  /** Runs the read when its caller's turn at the engine comes (the same turns as documents' pages). */
  turn<T>(read: () => Promise<T>): Promise<T>;
  maxPixels: number;
  pageBudgetMs: number;
}

/**
 * OCR of one image sent over the bus (`RecognizeImage`), with the same decoding, pixel limit,
 * engine and time budget as an uploaded one-page scan. What the caller got wrong is `invalid_request`.
 */
export async function recognizeImage(base64: string, options: RecognizeOptions): Promise<ReplyOf<typeof RecognizeImage>> {
  const image = Buffer.from(base64, 'base64');
  const type = await sniffType(image, 'image');
  if (type?.kind !== 'image') throw new AppError('invalid_request', 'The image is not a PNG, JPEG, TIFF, WebP, GIF or BMP.');
  try {
    const budget = new OcrBudget(options.pageBudgetMs, Date.now());
    for await (const page of extractImage(image, { maxPages: 1, maxPixels: options.maxPixels })) {
      const read = await options.turn(() => budget.within(1, 1, async () => (await options.ocr()).recognize(page.image)));
      return { width: read.width, height: read.height, confidence: read.confidence, words: read.words };
    }
    throw new AppError('invalid_request', 'The image holds no page.');
  } catch (e) {
    if (e instanceof OcrInputError || e instanceof ExtractionError) throw new AppError('invalid_request', e.message);
    throw e;
  }
}
