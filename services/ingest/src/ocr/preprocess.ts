import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import type { Rotation } from './types.js';

/** Default for `limitInputPixels`: larger images are refused from their header, before any pixel is decoded. */
export const DEFAULT_LIMIT_INPUT_PIXELS = 100_000_000;
/**
 * Default for `maxOcrPixels`: pages are scaled down to at most this many pixels before OCR, which
 * bounds the memory and time one page can take in a worker (A3 at 300 DPI is 17 megapixels).
 */
export const DEFAULT_MAX_OCR_PIXELS = 40_000_000;
/** The resolution tesseract reads best at. */
export const TARGET_DPI = 300;
/** Declared densities below this are software defaults (72, 96), not the resolution of a scan. */
const MIN_SCAN_DPI = 100;
/** Beyond this, upscaling adds pixels to process but no detail. */
const MAX_UPSCALE = 3;
/** Scale factors this close to 1 are not worth a resampling pass. */
const SCALE_TOLERANCE = 0.05;
/** A pixel that differs from the paper (the median level) by more than this is ink. */
const INK_CONTRAST = 48;
/**
 * A page with fewer ink pixels than this fraction (and than MIN_INK_PIXELS) is blank. Checking
 * matters for speed: the faint noise of a scanned blank page sends tesseract into seconds of
 * layout analysis that finds nothing.
 */
const MIN_INK_FRACTION = 1e-5;
const MIN_INK_PIXELS = 50;

/** The image cannot be OCR'd (unreadable, too large, …): the document fails with this message. */
export class OcrInputError extends Error {
  override readonly name = 'OcrInputError';
}

/** 8-bit single-channel pixels, row by row. */
export interface GrayImage {
  pixels: Buffer;
  width: number;
  height: number;
}

/** A rectangle of an image in pixels: `x`, `y` its top-left corner. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreparedPage {
  /** Upright, grayscale, contrast-normalized, at ~300 DPI if the density is known: what the workers read. */
  image: GrayImage;
  /** No ink anywhere: there is nothing to read. */
  blank: boolean;
  /** Size of the image as given, after EXIF orientation. */
  width: number;
  height: number;
}

export interface PreprocessOptions {
  limitInputPixels?: number;
  maxOcrPixels?: number;
  pageHint?: number;
}

const megapixels = (pixels: number): string => (pixels / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * Turns an uploaded page image into what tesseract reads best: EXIF orientation applied,
 * transparency flattened onto white, grayscale, scaled to 300 DPI when the density is known,
 * contrast stretched. The size is checked from the header first, so an image declaring absurd
 * dimensions costs nothing.
 * Only the caller's buffer and one 8-bit copy of the page are held at a time.
 */
export async function preprocess(input: Buffer, options: PreprocessOptions = {}): Promise<PreparedPage> {
  const limit = options.limitInputPixels ?? DEFAULT_LIMIT_INPUT_PIXELS;
  const prefix = options.pageHint === undefined ? '' : `Page ${options.pageHint}: `;
  const fail = (message: string, cause?: unknown): OcrInputError => new OcrInputError(prefix + message, { cause });

  let meta: Metadata;
  try {
    // Header only. sharp would enforce the limit here too, but with a message that names no sizes.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw fail(`The file could not be read as an image (${(e as Error).message}).`, e);
  }
  const { width, height } = meta.autoOrient;
  if (!width || !height) throw fail('The image has no pixels.');
  if (width * height > limit) {
    throw fail(
      `The image is ${meta.width}×${meta.height} pixels (${megapixels(width * height)} megapixels); ` +
        `the limit is ${megapixels(limit)} megapixels.`,
    );
  }

  // A scan's declared density says how far it is from 300 DPI. Anything else (72 and 96 are
  // software defaults) is left at its size: whether its text is small is only known once read.
  const density = meta.density !== undefined && meta.density >= MIN_SCAN_DPI ? meta.density : TARGET_DPI;
  const scale = boundedScale(width, height, TARGET_DPI / density, options.maxOcrPixels ?? DEFAULT_MAX_OCR_PIXELS);
  // failOn 'error' rather than sharp's default 'warning': scanner and phone JPEGs often carry
  // harmless warnings; corrupt or truncated data still fails.
  let pipeline = sharp(input, { limitInputPixels: limit, failOn: 'error', autoOrient: true });
  // Transparent pixels would otherwise turn black, hiding dark text drawn on them.
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  pipeline = pipeline.grayscale();
  if (scale !== 1) {
    pipeline = pipeline.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' });
  }
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw fail(`The image could not be decoded (${(e as Error).message}).`, e);
  }
  const image: GrayImage = { pixels: out.data, width: out.info.width, height: out.info.height };
  return { image, blank: !normalize(image.pixels), width, height };
}

/**
 * `wanted` within bounds: no more than MAX_UPSCALE, no more than `maxPixels` in the result, and 1
 * when too close to 1 to be worth a resampling pass.
 */
export function boundedScale(width: number, height: number, wanted: number, maxPixels: number): number {
  const scale = Math.min(wanted, MAX_UPSCALE, Math.sqrt(maxPixels / (width * height)));
  return Math.abs(scale - 1) < SCALE_TOLERANCE ? 1 : scale;
}

/**
 * Stretches contrast in place so the darkest ink maps to black and the brightest paper to white;
 * returns false, leaving the pixels alone, when there is no ink. The ends are chosen by pixel
 * count rather than by percentile (sharp's `normalise` takes the 1st and 99th): on a sparse page
 * all the ink can be under 1% of the pixels, and a percentile stretch would then blow paper
 * noise up into black speckle.
 */
function normalize(pixels: Buffer): boolean {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  const n = pixels.length;
  const levelAt = (count: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v];
      if (seen >= count) return v;
    }
    return 255;
  };
  const paper = levelAt(n / 2);
  let ink = 0;
  for (let v = 0; v < 256; v++) if (Math.abs(v - paper) > INK_CONTRAST) ink += histogram[v];
  if (ink < Math.max(MIN_INK_PIXELS, n * MIN_INK_FRACTION)) return false;

  const tail = Math.max(1, Math.round(n * MIN_INK_FRACTION));
  const lo = levelAt(tail);
  const hi = levelAt(n - tail + 1);
  if (lo === 0 && hi === 255) return true;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.round(((v - lo) * 255) / (hi - lo))));
  for (let i = 0; i < n; i++) pixels[i] = lut[pixels[i]];
  return true;
}

/** Turns the page clockwise. */
export async function rotateGray(image: GrayImage, rotation: Rotation): Promise<GrayImage> {
  return fromSharp(sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 1 } }).rotate(rotation));
}

export async function scaleGray(image: GrayImage, scale: number): Promise<GrayImage> {
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return fromSharp(sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 1 } }).resize(width, height, { fit: 'fill' }));
}

async function fromSharp(pipeline: Sharp): Promise<GrayImage> {
  // Raw single-channel input comes out as sRGB unless told otherwise.
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

/**
 * Binary PGM of `region` of the image (all of it by default): a header in front of the raw pixels.
 * Leptonica (inside the workers) reads it with no decompression, and making it costs a copy
 * rather than a PNG encode.
 */
export function toPgm(image: GrayImage, region: Region = { x: 0, y: 0, width: image.width, height: image.height }): Buffer {
  const { x, y, width, height } = region;
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const pgm = Buffer.allocUnsafe(header.length + width * height);
  header.copy(pgm);
  if (x === 0 && width === image.width) {
    image.pixels.copy(pgm, header.length, y * width, (y + height) * width);
  } else {
    for (let row = 0; row < height; row++) {
      const from = (y + row) * image.width + x;
      image.pixels.copy(pgm, header.length + row * width, from, from + width);
    }
  }
  return pgm;
}
