import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { decodeBmp } from './bmp.js';
import { checkPageCount, ExtractionError, tooManyPixels, type ExtractLimits, type ImagePage } from './types.js';

/** Fast PNG: these images are handed to OCR and then dropped, not stored. */
const PNG_OPTIONS = { compressionLevel: 1 } as const;

/** libvips reports several lines, the first one says what went wrong. */
const corrupt = (e: unknown) =>
  new ExtractionError(`The file is truncated or corrupt: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/[.:]?\s*$/, '')}.`, { cause: e });

/**
 * One PNG page for OCR per TIFF page; the first frame of a GIF, WebP or animated PNG (frames of an
 * animation are not pages); BMP through a small decoder of our own. Each image is upright (EXIF
 * orientation applied, since the PNG no longer carries it) and flattened onto white, so transparent
 * backgrounds do not turn black. Sizes are checked from the header before anything is decoded.
 */
export async function* extractImage(
  bytes: Uint8Array,
  limits: Pick<ExtractLimits, 'maxPages' | 'maxPixels' | 'onPageCount' | 'skipPages'>,
): AsyncGenerator<ImagePage> {
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) {
    const { data, width, height } = decodeBmp(bytes, limits.maxPixels);
    const image = await sharp(data, { raw: { width, height, channels: 3 } }).png(PNG_OPTIONS).toBuffer();
    yield { page: 1, source: 'image', image, width, height };
    return;
  }
  // `truncated`, not the default `warning`: scanners and phones write JPEGs with harmless warnings.
  const open = (page: number) => sharp(bytes, { page, limitInputPixels: limits.maxPixels, failOn: 'truncated', autoOrient: true });
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw corrupt(e);
  }
  const pages = meta.format === 'tiff' ? (meta.pages ?? 1) : 1;
  checkPageCount(pages, limits.maxPages);
  limits.onPageCount?.(pages);
  const skip = new Set(limits.skipPages);
  for (let page = 0; page < pages; page++) {
    if (skip.has(page + 1)) continue;
    let image: { data: Buffer; info: OutputInfo };
    try {
      const { width, height } = page === 0 ? meta : await sharp(bytes, { page, limitInputPixels: false }).metadata();
      if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
      image = await open(page).flatten({ background: '#ffffff' }).png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw e instanceof ExtractionError ? e : corrupt(e);
    }
    yield { page: page + 1, source: 'image', image: image.data, width: image.info.width, height: image.info.height };
  }
}
