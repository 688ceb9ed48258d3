import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { makeBmp, pngDeclaring } from '@perceptiq/testkit/fixtures';
import { ExtractionError, extractImage } from '../../src/extract/index.js';
import { asImage, collect, pixel } from './fixtures.js';

const LIMITS = { maxPages: 500, maxPixels: 100_000_000 };
const grey = (v: number, width = 120, height = 90) => sharp({ create: { width, height, channels: 3, background: { r: v, g: v, b: v } } });

async function failure(bytes: Buffer, limits = LIMITS): Promise<ExtractionError> {
  const error = await collect(extractImage(bytes, limits)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractionError);
  return error as ExtractionError;
}

describe('extractImage', () => {
  test.each([
    ['PNG', () => grey(40).png().toBuffer()],
    ['JPEG', () => grey(40).jpeg().toBuffer()],
    ['WebP', () => grey(40).webp().toBuffer()],
    ['single-page TIFF', () => grey(40).tiff().toBuffer()],
  ])('%s: one PNG page for OCR', async (_, make) => {
    const pages = await collect(extractImage(await make(), LIMITS));
    expect(pages).toHaveLength(1);
    const page = asImage(pages[0]);
    expect(page).toMatchObject({ page: 1, source: 'image', width: 120, height: 90 });
    expect((await sharp(page.image).metadata()).format).toBe('png');
    expect(Math.abs((await pixel(page.image, 60, 45)) - 40)).toBeLessThan(6);
  });

  test('a multi-page TIFF gives every page, in order', async () => {
    const frames = await Promise.all([10, 120, 240].map((v) => grey(v).png().toBuffer()));
    const tiff = await sharp(frames, { join: { animated: true } }).tiff().toBuffer();
    const pages = (await collect(extractImage(tiff, LIMITS))).map(asImage);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(await Promise.all(pages.map((p) => pixel(p.image, 5, 5)))).toEqual([10, 120, 240]);
  });

  test('an animated GIF (or WebP) is its first frame, not pages', async () => {
    const frames = await Promise.all([30, 220].map((v) => grey(v).png().toBuffer()));
    for (const format of ['gif', 'webp'] as const) {
      const animation = await sharp(frames, { join: { animated: true } })[format]().toBuffer();
      const pages = (await collect(extractImage(animation, LIMITS))).map(asImage);
      expect(pages).toHaveLength(1);
      expect(pages[0]).toMatchObject({ width: 120, height: 90 });
      expect(Math.abs((await pixel(pages[0]!.image, 5, 5)) - 30)).toBeLessThan(8);
    }
  });

  test('EXIF orientation is applied; transparency becomes white', async () => {
    const rotated = await grey(90, 200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(asImage((await collect(extractImage(rotated, LIMITS)))[0])).toMatchObject({ width: 100, height: 200 });
    const clear = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect(await pixel(asImage((await collect(extractImage(clear, LIMITS)))[0]).image, 10, 10)).toBe(255);
  });

  test('too many TIFF pages fail before any page is produced', async () => {
    const frames = await Promise.all([1, 2, 3].map((v) => grey(v).png().toBuffer()));
    const tiff = await sharp(frames, { join: { animated: true } }).tiff().toBuffer();
    const pages = extractImage(tiff, { ...LIMITS, maxPages: 2 });
    await expect(pages.next()).rejects.toThrow('The document has 3 pages; the limit is 2.');
  });

  test('an image declaring 30000×30000 pixels fails fast, from its header', async () => {
    const started = Date.now();
    const error = await failure(pngDeclaring(30_000, 30_000));
    expect(error.message).toBe('The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('truncated and garbled images are refused with a reason', async () => {
    const png = await grey(50, 400, 300).png().toBuffer();
    expect((await failure(png.subarray(0, png.length / 2))).message).toMatch(/^The file is truncated or corrupt: .+\.$/);
    expect((await failure(png.subarray(0, 40))).message).toMatch(/^The file is truncated or corrupt: .+\.$/);
  });

  describe('BMP (decoded here: libvips has no BMP loader)', () => {
    const RED: [number, number, number] = [200, 20, 20];
    const BLUE: [number, number, number] = [10, 30, 220];
    const WHITE: [number, number, number] = [255, 255, 255];
    const BLACK: [number, number, number] = [0, 0, 0];
    // 5 × 3, so rows need padding at every depth; a different first row shows which way is up.
    const colourful = [RED, BLUE, WHITE, BLUE, RED, ...Array<[number, number, number]>(10).fill(BLUE)];
    const mono = [BLACK, WHITE, BLACK, WHITE, BLACK, ...Array<[number, number, number]>(10).fill(WHITE)];

    test.each([
      [24, false, colourful],
      [32, false, colourful],
      [8, false, colourful],
      [8, true, colourful],
      [4, false, colourful],
      [1, false, mono],
    ] as const)('%i-bit, top-down rows: %s', async (bits, topDown, pixels) => {
      const bmp = makeBmp(5, 3, [...pixels], bits, topDown);
      const page = asImage((await collect(extractImage(bmp, LIMITS)))[0]);
      expect(page).toMatchObject({ page: 1, width: 5, height: 3 });
      const { data } = await sharp(page.image).raw().toBuffer({ resolveWithObject: true });
      expect([...data]).toEqual(pixels.flat());
    });

    test('oversized, truncated and compressed BMPs are refused', async () => {
      const big = makeBmp(2, 2, Array(4).fill(WHITE), 24);
      big.writeInt32LE(30_000, 18);
      big.writeInt32LE(30_000, 22);
      expect((await failure(big)).message).toBe('The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.');
      expect((await failure(makeBmp(5, 3, colourful, 24).subarray(0, 60))).message).toMatch(/^The file is truncated or corrupt: /);
      const rle = makeBmp(5, 3, colourful, 8);
      rle.writeUInt32LE(1, 30); // BI_RLE8
      expect((await failure(rle)).message).toMatch(/not supported; convert it to PNG/);
    });
  });
});
