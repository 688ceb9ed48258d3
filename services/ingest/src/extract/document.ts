import { ExtractionError, type DetectedType, type ExtractedPage, type ExtractLimits } from './types.js';

/**
 * The pages of a document whose type `sniffType` decided, one at a time, read in this process:
 * text pages ready to index, image pages for OCR. Consume them as they come (a scan holds one
 * page image at a time); stopping early releases everything. Fails with an ExtractionError whose
 * message is the document's `error`. Each format's reader is loaded on first use, so a sandbox
 * process reading a DOCX never loads pdfjs.
 */
export async function* extractDocument(bytes: Uint8Array, type: DetectedType, limits: ExtractLimits): AsyncGenerator<ExtractedPage> {
  if (!bytes.length) throw new ExtractionError('The file is empty.');
  switch (type.kind) {
    case 'pdf':
      return yield* (await import('./pdf.js')).extractPdf(bytes, limits);
    case 'image':
      return yield* (await import('./image.js')).extractImage(bytes, limits);
    case 'docx':
      return yield* (await import('./docx.js')).extractDocx(bytes, limits.maxPages, limits.maxXmlBytes);
    case 'text':
      return yield* (await import('./text.js')).extractText(bytes, type, limits.maxPages);
  }
}
