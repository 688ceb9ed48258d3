import { createRequire } from 'node:module';
import path from 'node:path';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { getDocument, VerbosityLevel, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ScanImages } from './pdf-scan-image.js';
import { pageWords, type TextRun } from './pdf-words.js';
import { checkPageCount, DEFAULT_EXTRACT_LIMITS, ExtractionError, type BlankPage, type ExtractedPage, type ExtractLimits, type ImagePage } from './types.js';

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
/**
 * Blank pages are found on a render at this fraction of the OCR scale, a quarter of the pixels,
 * before the page is rendered for OCR. Measured: a blank 200 × 200-inch page is found blank in
 * ~0.15 s, where its OCR image cost ~1.5 s to encode as PNG and as long again to decode for OCR;
 * the check adds ~0.15 s to a scanned letter page. Ink keeps its contrast at this scale: a line
 * of 6 pt grey text, or a 0.25 pt rule, differs from paper by 85 levels or more.
 */
const BLANK_CHECK_SCALE = 0.5;
/**
 * A render whose colour channels all stay within this of its first pixel is blank. A page that
 * paints nothing, or only paper, renders exactly uniform; ink OCR can tell from paper differs by
 * more than 48 levels (preprocess' INK_CONTRAST), and anti-aliasing at half scale keeps well over
 * this of it even for a thin stroke.
 */
const BLANK_TOLERANCE = 8;

type RenderLimits = Required<Pick<ExtractLimits, 'maxPixels' | 'dpi' | 'maxPageInches'>>;

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

/**
 * The scale a page is rendered at for OCR: `dpi`, unless that would exceed the pixels of a
 * `maxPageInches` square at `dpi` (a 200 × 200-inch page gets 30 DPI), the image pixel limit or
 * the canvas limit.
 */
function ocrScale(page: PDFPageProxy, { dpi, maxPixels, maxPageInches }: RenderLimits): number {
  const { width, height } = page.getViewport({ scale: 1 });
  const pixels = Math.min(maxPixels, (maxPageInches * dpi) ** 2);
  return Math.min(dpi / 72, Math.sqrt(pixels / (width * height)), MAX_CANVAS_SIDE / Math.max(width, height));
}

/** Size in whole pixels of the page rendered at `scale`. */
function pixelSize(page: PDFPageProxy, scale: number): { width: number; height: number } {
  const { width, height } = page.getViewport({ scale });
  return { width: Math.max(1, Math.floor(width)), height: Math.max(1, Math.floor(height)) };
}

/** Renders the page at `scale` onto a canvas of pdfjs' factory, hands it to `use`, then frees it. */
async function withRender<T>(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  scale: number,
  use: (canvas: Canvas, context: SKRSContext2D) => Promise<T> | T,
): Promise<T> {
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const { width, height } = pixelSize(page, scale);
  const target = factory.create(width, height);
  try {
    // pdfjs declares DOM canvas types; in Node its factory hands out @napi-rs/canvas ones.
    await page.render({ canvas: target.canvas as never, canvasContext: target.context as never, viewport }).promise;
    return await use(target.canvas, target.context);
  } finally {
    factory.destroy(target);
  }
}

/** Every pixel's colour within BLANK_TOLERANCE of the first one's (alpha aside: pdfjs paints opaque paper first). */
function isUniform(rgba: Uint8Array | Uint8ClampedArray): boolean {
  const [r = 0, g = 0, b = 0] = rgba;
  const t = BLANK_TOLERANCE;
  // Plain comparisons, no call per channel: this loop runs over millions of pixels.
  for (let i = 0; i < rgba.length; i += 4) {
    const dr = rgba[i]! - r;
    const dg = rgba[i + 1]! - g;
    const db = rgba[i + 2]! - b;
    if (dr > t || dr < -t || dg > t || dg < -t || db > t || db < -t) return false;
  }
  return true;
}

/**
 * A page without a text layer, for OCR: the page's own JPEG when it is nothing else (a scan; see
 * pdf-scan-image.ts), found blank by the same check as a render, else rendered.
 */
async function ocrPage(doc: PDFDocumentProxy, page: PDFPageProxy, pageNumber: number, limits: RenderLimits, scans: ScanImages): Promise<ImagePage | BlankPage> {
  const scale = ocrScale(page, limits);
  const scan = await scans.find(page, pixelSize(page, scale));
  if (!scan) return renderPage(doc, page, pageNumber, scale);
  const { image, width, height } = scan;
  if (isUniform(scan.preview)) return { page: pageNumber, source: 'blank', width, height };
  return { page: pageNumber, source: 'image', image, width, height };
}

async function renderPage(doc: PDFDocumentProxy, page: PDFPageProxy, pageNumber: number, scale: number): Promise<ImagePage | BlankPage> {
  const blank = await withRender(doc, page, scale * BLANK_CHECK_SCALE, (canvas, context) =>
    isUniform(context.getImageData(0, 0, canvas.width, canvas.height).data),
  );
  if (blank) return { page: pageNumber, source: 'blank', ...pixelSize(page, scale) };
  return withRender(doc, page, scale, async (canvas) => ({
    page: pageNumber,
    source: 'image',
    image: await canvas.encode('png'), // encoded off the main thread
    width: canvas.width,
    height: canvas.height,
  }));
}

async function readPage(doc: PDFDocumentProxy, pageNumber: number, limits: RenderLimits, scans: ScanImages): Promise<ExtractedPage> {
  const page = await doc.getPage(pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const runs = content.items.filter((item): item is TextRun & (typeof content.items)[number] => 'str' in item);
    const { text, words, lines } = pageWords(runs, content.styles, viewport);
    if (text.replace(/\s/g, '').length < MIN_TEXT_LAYER_CHARS) return await ocrPage(doc, page, pageNumber, limits, scans);
    return { page: pageNumber, source: 'text-layer', text, words, lines, confidence: 1, width: viewport.width, height: viewport.height };
  } finally {
    // Drop this page's fonts, images and operator lists now: a 300-page scan must not accumulate.
    page.cleanup();
  }
}

/**
 * The pages of a PDF, one at a time: a page with a text layer as words with boxes, a page without
 * one (a scan) as a PNG rendered at `dpi` (within `maxPageInches`) for OCR, or as its own JPEG
 * when it is one drawn over the page at about that resolution, or as a blank page when it shows
 * nothing. Mixed PDFs are decided page by page. The page count is checked before the
 * first page is read; encrypted, truncated and corrupt files end in an ExtractionError. Stopping
 * the iteration early still releases the document.
 */
export async function* extractPdf(
  bytes: Uint8Array,
  { maxPages, maxPixels, dpi = DEFAULT_EXTRACT_LIMITS.dpi, maxPageInches = DEFAULT_EXTRACT_LIMITS.maxPageInches, onPageCount, skipPages = [] }: ExtractLimits,
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
    const skip = new Set(skipPages);
    const scans = new ScanImages(bytes, maxPixels);
    for (let n = 1; n <= doc.numPages; n++) {
      if (skip.has(n)) continue;
      let page: ExtractedPage;
      try {
        page = await readPage(doc, n, { dpi, maxPixels, maxPageInches }, scans);
      } catch (e) {
        throw new ExtractionError(`Page ${n} of the PDF could not be read: ${reason(e)}.`, { cause: e });
      }
      yield page;
    }
  } finally {
    await doc.destroy();
  }
}
