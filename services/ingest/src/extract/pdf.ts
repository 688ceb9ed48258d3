import { createRequire } from 'node:module';
import path from 'node:path';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { getDocument, VerbosityLevel, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pageWords, type TextRun } from './pdf-words.js';
import { checkPageCount, DEFAULT_EXTRACT_LIMITS, ExtractionError, type ExtractedPage, type ExtractLimits } from './types.js';

// pdfjs reads its font, CMap, ICC and WebAssembly decoder files from disk in Node (never a URL), so
// standard fonts, CJK text and JBIG2/JPEG 2000 scans work without any network.
const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const assetDir = (name: string) => path.join(pdfjsDir, name) + path.sep;
const DOCUMENT_OPTIONS = {
  standardFontDataUrl: assetDir('standard_fonts'),
  cMapUrl: assetDir('cmaps'),
  cMapPacked: true,
  iccUrl: assetDir('iccs'),
  wasmUrl: assetDir('wasm'),
  isEvalSupported: false, // fonts are never compiled into functions from untrusted data
  verbosity: VerbosityLevel.ERRORS,
};

/** A page with fewer non-blank characters in its text layer than this is a scan: render it for OCR. */
const MIN_TEXT_LAYER_CHARS = 3;
/** Skia cannot allocate a canvas side beyond this; longer pages are rendered smaller. */
const MAX_CANVAS_SIDE = 32_767;

/** pdfjs' Node canvas factory: @napi-rs/canvas, the one copy in the tree (a second copy crashes). */
interface CanvasFactory {
  create(width: number, height: number): { canvas: Canvas; context: SKRSContext2D };
  destroy(canvasAndContext: { canvas: Canvas; context: SKRSContext2D }): void;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');

function openError(e: unknown): ExtractionError {
  const name = e instanceof Error ? e.name : '';
  if (name === 'PasswordException') return new ExtractionError('The PDF is encrypted; remove the password and upload it again.', { cause: e });
  return new ExtractionError(`The file is truncated or corrupt: ${reason(e)}.`, { cause: e });
}

async function renderPage(doc: PDFDocumentProxy, page: PDFPageProxy, pageNumber: number, dpi: number, maxPixels: number): Promise<ExtractedPage> {
  const size = page.getViewport({ scale: 1 });
  // At `dpi`, unless that would exceed the pixel budget or the canvas limit.
  const scale = Math.min(dpi / 72, Math.sqrt(maxPixels / (size.width * size.height)), MAX_CANVAS_SIDE / Math.max(size.width, size.height));
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(Math.max(1, Math.floor(viewport.width)), Math.max(1, Math.floor(viewport.height)));
  try {
    // pdfjs declares DOM canvas types; in Node its factory hands out @napi-rs/canvas ones.
    await page.render({ canvas: target.canvas as never, canvasContext: target.context as never, viewport }).promise;
    const image = await target.canvas.encode('png'); // encoded off the main thread
    return { page: pageNumber, source: 'image', image, width: target.canvas.width, height: target.canvas.height };
  } finally {
    factory.destroy(target);
  }
}

async function readPage(doc: PDFDocumentProxy, pageNumber: number, dpi: number, maxPixels: number): Promise<ExtractedPage> {
  const page = await doc.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const runs = content.items.filter((item): item is TextRun & (typeof content.items)[number] => 'str' in item);
    const { text, words, lines } = pageWords(runs, content.styles, viewport);
    if (text.replace(/\s/g, '').length < MIN_TEXT_LAYER_CHARS) return await renderPage(doc, page, pageNumber, dpi, maxPixels);
    return { page: pageNumber, source: 'text-layer', text, words, lines, confidence: 1, width: viewport.width, height: viewport.height };
  } finally {
    // Drop this page's fonts, images and operator lists now: a 300-page scan must not accumulate.
    page.cleanup();
  }
}

/**
 * The pages of a PDF, one at a time: a page with a text layer as words with boxes, a page without
 * one (a scan) as a PNG rendered at `dpi` for OCR. Mixed PDFs are decided page by page. The page
 * count is checked before the first page is read; encrypted, truncated and corrupt files end in an
 * ExtractionError. Stopping the iteration early still releases the document.
 */
export async function* extractPdf(
  bytes: Uint8Array,
  { maxPages, maxPixels, dpi = DEFAULT_EXTRACT_LIMITS.dpi, onPageCount }: ExtractLimits,
): AsyncGenerator<ExtractedPage> {
  // A copy: pdfjs transfers (detaches) the buffer it is given, which would empty the caller's Buffer,
  // and with it any other Buffer sharing Node's pool.
  const data = new Uint8Array(bytes);
  const task = getDocument({ ...DOCUMENT_OPTIONS, data });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy();
    throw openError(e);
  }
  try {
    checkPageCount(doc.numPages, maxPages);
    onPageCount?.(doc.numPages);
    for (let n = 1; n <= doc.numPages; n++) {
      let page: ExtractedPage;
      try {
        page = await readPage(doc, n, dpi, maxPixels);
      } catch (e) {
        throw new ExtractionError(`Page ${n} of the PDF could not be read: ${reason(e)}.`, { cause: e });
      }
      yield page;
    }
  } finally {
    await doc.destroy();
  }
}
