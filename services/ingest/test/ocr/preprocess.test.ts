import sharp from 'sharp';
import { pngDeclaring, renderText } from '@perceptiq/testkit/fixtures';
import { OcrInputError, preprocess, toPgm, type GrayImage } from '../../src/ocr/preprocess.js';

const range = (pixels: Buffer): [number, number] => pixels.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [255, 0]);
const text = renderText('Preprocessing keeps the text readable.', { width: 1200, height: 300, margin: 40 });

test('refuses an image over the pixel limit from its header, naming the sizes', async () => {
  await expect(preprocess(pngDeclaring(30000, 30000))).rejects.toThrow(
    new OcrInputError('The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.'),
  );
  await expect(preprocess(text.png, { limitInputPixels: 200_000, pageHint: 2 })).rejects.toThrow(
    'Page 2: The image is 1200×300 pixels (0.4 megapixels); the limit is 0.2 megapixels.',
  );
});

test('refuses bytes that are not an image', async () => {
  const attempt = preprocess(Buffer.from('%PDF-1.7 not an image at all'));
  await expect(attempt).rejects.toBeInstanceOf(OcrInputError);
  await expect(attempt).rejects.toThrow(/^The file could not be read as an image/);
});

test('scales scans to 300 DPI by their declared density and leaves undeclared images alone', async () => {
  const at = (density: number) => sharp(text.png).withMetadata({ density }).png().toBuffer();
  expect((await preprocess(await at(150))).image).toMatchObject({ width: 2400, height: 600 });
  expect((await preprocess(await at(600))).image).toMatchObject({ width: 600, height: 150 });
  // 72 DPI is what software writes when it knows nothing.
  expect((await preprocess(await at(72))).image).toMatchObject({ width: 1200, height: 300 });
});

test('scales down pages over maxOcrPixels', async () => {
  const big = await sharp(text.png).resize(4800, 1200).png().toBuffer();
  const page = await preprocess(big, { maxOcrPixels: 1_440_000 });
  expect(page.image).toMatchObject({ width: 2400, height: 600 });
  expect(page).toMatchObject({ width: 4800, height: 1200 });
});

test('applies EXIF orientation and reports the upright size', async () => {
  const stored = await sharp(text.png).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const page = await preprocess(stored);
  expect(page).toMatchObject({ width: 1200, height: 300, blank: false });
  expect(page.image).toMatchObject({ width: 1200, height: 300 });
});

test('flattens transparency onto white, so dark text on a transparent background stays visible', async () => {
  // Black text, alpha only where the text is: a screenshot of a transparent layer.
  const { data, info } = await sharp(text.png).grayscale().raw().toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < data.length; i++) rgba[i * 4 + 3] = 255 - data[i]!;
  const png = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  const page = await preprocess(png);
  expect(page.blank).toBe(false);
  expect(range(page.image.pixels)).toEqual([0, 255]);
  expect(page.image.pixels[0]).toBe(255);
});

test('stretches faint contrast and recognises blank pages', async () => {
  // Mid-gray text on light-gray paper.
  const faint = await sharp(text.png).linear(0.3, 170).png().toBuffer();
  const page = await preprocess(faint);
  expect(page.blank).toBe(false);
  expect(range(page.image.pixels)).toEqual([0, 255]);

  const paper = await sharp({ create: { width: 800, height: 1000, channels: 3, background: '#f4f1ea' } }).jpeg().toBuffer();
  expect((await preprocess(paper)).blank).toBe(true);
});

test('toPgm writes the whole image, or just a region of it, behind a PGM header', () => {
  const image: GrayImage = { pixels: Buffer.from(Array.from({ length: 20 }, (_, i) => i)), width: 5, height: 4 };
  expect(toPgm(image)).toEqual(Buffer.concat([Buffer.from('P5\n5 4\n255\n', 'latin1'), image.pixels]));
  expect(toPgm(image, { x: 1, y: 2, width: 3, height: 2 })).toEqual(Buffer.concat([Buffer.from('P5\n3 2\n255\n', 'latin1'), Buffer.from([11, 12, 13, 16, 17, 18])]));
  expect(toPgm(image, { x: 0, y: 1, width: 5, height: 2 })).toEqual(Buffer.concat([Buffer.from('P5\n5 2\n255\n', 'latin1'), image.pixels.subarray(5, 15)]));
});
