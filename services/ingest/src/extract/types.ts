/** What the bytes of an upload are, decided by `sniffType` (never from the file name alone). */
export interface DetectedType {
  kind: 'pdf' | 'image' | 'docx' | 'text';
  mime: string;
  /** Canonical extension: pdf, png, jpg, tif, webp, gif, bmp, docx, txt, md, html, csv. */
  ext: string;
}

/** A box as fractions of the page: x, y from the top-left corner, then width and height, all 0..1. */
export type BBox = [x: number, y: number, w: number, h: number];

export interface ExtractedWord {
  text: string;
  bbox: BBox;
  /** 0..1; words read from a text layer or a text file are certain (1). */
  confidence: number;
}

export interface ExtractedLine {
  text: string;
  bbox: BBox;
}

/**
 * A page whose text was read directly: a PDF text layer (boxes exact), or DOCX/TXT/MD/HTML/CSV
 * flowed onto a nominal Letter page (boxes approximate: those formats have no fixed layout).
 */
export interface TextPage {
  /** 1-based. */
  page: number;
  source: 'text-layer';
  text: string;
  words: ExtractedWord[];
  lines: ExtractedLine[];
  confidence: 1;
  /** Page size in PDF points (1/72 inch), after the page's rotation. */
  width: number;
  height: number;
}

/** A page that has no usable text: an image for the OCR stage, which turns it into text. */
export interface ImagePage {
  /** 1-based. */
  page: number;
  source: 'image';
  /** An encoded image (PNG, or a scanned PDF page's own JPEG), upright (no EXIF orientation to apply), no transparency. */
  image: Buffer;
  /** Image size in pixels. */
  width: number;
  height: number;
}

/**
 * A page that would have gone to OCR but shows nothing: rendered, it is one uniform colour. It is
 * stored as an empty page without being recognized.
 */
export interface BlankPage {
  /** 1-based. */
  page: number;
  source: 'blank';
  /** Size in pixels of the image OCR would have read. */
  width: number;
  height: number;
}

export type ExtractedPage = TextPage | ImagePage | BlankPage;

export interface ExtractLimits {
  /** Most pages a document may have; checked before any page is extracted. */
  maxPages: number;
  /** Most pixels an image (or one page of it) may have; PDF pages rendered larger are scaled down to it. */
  maxPixels: number;
  /** Resolution at which PDF pages without a text layer are rendered for OCR. */
  dpi?: number;
  /**
   * Largest physical page rendered at full `dpi`, as the side of a square in inches: a larger page
   * gets the pixels of that square, at a lower resolution.
   */
  maxPageInches?: number;
  /** Told the page count as soon as it is known (PDFs, multi-page images), before any page: for progress. */
  onPageCount?: (pages: number) => void;
  /**
   * Pages already read by an earlier delivery of the same job (1-based): PDFs and multi-page
   * images do not render or decode them again, and yield nothing for them.
   */
  skipPages?: readonly number[];
  /** Most bytes of XML a DOCX may inflate to (all the parts read, counted as they inflate). */
  maxXmlBytes?: number;
  /** Heap of the sandbox process that reads a document, in MB. */
  maxMemoryMb?: number;
  /** Longest the sandbox may take to produce one page; the first also covers opening (for DOCX and text, all the parsing). */
  timeoutMs?: number;
}

/**
 * Defaults matching API.md and .env.example: 500 pages a document, 100 megapixels an image, scans
 * rendered at 300 DPI up to 20 × 20 inches (36 megapixels; A2 fits), 32 MiB of DOCX XML, a 512 MB
 * sandbox heap, 60 s a page.
 */
export const DEFAULT_EXTRACT_LIMITS: Required<Omit<ExtractLimits, 'onPageCount' | 'skipPages'>> = {
  maxPages: 500,
  maxPixels: 100_000_000,
  dpi: 300,
  maxPageInches: 20,
  maxXmlBytes: 32 * 2 ** 20,
  maxMemoryMb: 512,
  timeoutMs: 60_000,
};

/** A document that cannot be extracted; `message` is shown to the user as the document's `error`. */
export class ExtractionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExtractionError';
  }
}

/** The one wording of the page limit, shared by every format. */
export function checkPageCount(pages: number, maxPages: number): void {
  if (pages > maxPages) throw new ExtractionError(`The document has ${pages} pages; the limit is ${maxPages}.`);
}

export const tooManyPixels = (width: number, height: number, maxPixels: number) =>
  new ExtractionError(
    `The image is ${width}×${height} pixels (${Math.round((width * height) / 1e6)} megapixels); the limit is ${Math.round(maxPixels / 1e6)} megapixels.`,
  );
