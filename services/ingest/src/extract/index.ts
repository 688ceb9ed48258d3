import { extractDocx } from './docx.js';
import { extractImage } from './image.js';
import { extractPdf } from './pdf.js';
import { extractText } from './text.js';
import { ExtractionError, type DetectedType, type ExtractedPage, type ExtractLimits } from './types.js';

export { sniffType } from './sniff.js';
export { extractPdf } from './pdf.js';
export { extractImage } from './image.js';
export { extractDocx } from './docx.js';
export { extractText } from './text.js';
export * from './types.js';

/**
 * The pages of a document whose type `sniffType` decided, one at a time: text pages ready to index,
 * image pages for OCR. Consume them as they come (a scan holds one page image at a time); stopping
 * early releases everything. Fails with an ExtractionError whose message is the document's `error`.
 */
export async function* extractDocument(bytes: Uint8Array, type: DetectedType, limits: ExtractLimits): AsyncGenerator<ExtractedPage> {
  if (!bytes.length) throw new ExtractionError('The file is empty.');
  switch (type.kind) {
    case 'pdf':
      return yield* extractPdf(bytes, limits);
    case 'image':
      return yield* extractImage(bytes, limits);
    case 'docx':
      return yield* extractDocx(bytes, limits.maxPages);
    case 'text':
      return yield* extractText(bytes, type, limits.maxPages);
  }
}
