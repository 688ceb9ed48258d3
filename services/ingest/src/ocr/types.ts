/** Clockwise rotation, in degrees, that was applied to make a page upright. */
export type Rotation = 0 | 90 | 180 | 270;

/**
 * `[x, y, width, height]`, origin top-left, each a fraction (0..1) of the width or height of the
 * page as the engine returns it: the image as given, turned upright (EXIF orientation, then the
 * `rotation` the engine applied). Fractions, not pixels, so boxes survive the engine's internal
 * rescaling and can be drawn on a page rendered at any size.
 */
export type NormalizedBox = [x: number, y: number, width: number, height: number];

export interface OcrWord {
  text: string;
  bbox: NormalizedBox;
  /** 0..1 */
  confidence: number;
}

export interface OcrLine {
  /** The line's words joined by single spaces. */
  text: string;
  bbox: NormalizedBox;
  /** 0..1 */
  confidence: number;
  /** The same word objects as in `OcrPage.words`. */
  words?: OcrWord[];
}

export interface OcrPage {
  /** Words joined by spaces, lines by `\n`, paragraphs by a blank line; in reading order. */
  text: string;
  /** Every word, in reading order. */
  words: OcrWord[];
  lines: OcrLine[];
  /** Mean word confidence weighted by word length, 0..1; 0 when nothing was read. */
  confidence: number;
  /** Pixels of the upright page at the resolution it was given (before any internal rescaling). */
  width: number;
  height: number;
  /** Rotation applied after EXIF orientation to make the page upright (orientation detection). */
  rotation: Rotation;
  /** Nothing was read, or the read is unreliable (confidence below the engine's threshold). */
  lowQuality: boolean;
  source: 'ocr';
}

export interface RecognizeOptions {
  /** 1-based page number within its document; only used to make log lines and errors specific. */
  pageHint?: number;
}

export interface OcrEngine {
  /** Reads one page image (any format sharp decodes: PNG, JPEG, TIFF (first page), WebP, …). */
  recognize(image: Buffer, options?: RecognizeOptions): Promise<OcrPage>;
  /** Lets calls already made finish, then stops the workers; later calls are refused. */
  close(): Promise<void>;
}
