import sharp from 'sharp';
import { renderText } from '@perceptiq/testkit/fixtures';
import { characterHeight } from '../../src/ocr/text-size.js';
import type { GrayImage } from '../../src/ocr/preprocess.js';

const TEXT =
  'The parties agree that this agreement renews automatically for successive one-year terms unless either party gives written notice ' +
  'of termination at least ninety days before the end of the current term. Notices are sent to the addresses given above.';

async function gray(png: Buffer): Promise<GrayImage> {
  const { data, info } = await sharp(png).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

test.each([20, 35, 50, 80])('measures %i px text on a letter page at about half its font size (the x-height)', async (fontSize) => {
  const page = renderText(TEXT, { fontSize });
  const height = characterHeight(await gray(page.png));
  expect(height).toBeGreaterThanOrEqual(fontSize * 0.4);
  expect(height).toBeLessThanOrEqual(fontSize * 0.8);
});

test('grows with the text: twice the font, about twice the height', async () => {
  const small = characterHeight(await gray(renderText(TEXT, { fontSize: 30 }).png));
  const large = characterHeight(await gray(renderText(TEXT, { fontSize: 60 }).png));
  expect(large / small).toBeGreaterThan(1.7);
  expect(large / small).toBeLessThan(2.3);
});

test('answers 0 for a page with too few marks to tell', async () => {
  expect(characterHeight(await gray(renderText('Signed', { fontSize: 50 }).png))).toBe(0);
  expect(characterHeight({ pixels: Buffer.alloc(800 * 600, 255), width: 800, height: 600 })).toBe(0);
});

test('ignores rules and boxes: a ruled table of text measures like the text', async () => {
  const page = renderText(TEXT, { fontSize: 40 });
  const ruled = await sharp(page.png)
    .composite(
      Array.from({ length: 30 }, (_, i) => ({
        input: { create: { width: 2200, height: 4, channels: 3 as const, background: '#000000' } },
        left: 150,
        top: 150 + i * 100,
      })),
    )
    .png()
    .toBuffer();
  const plain = characterHeight(await gray(page.png));
  expect(characterHeight(await gray(ruled))).toBeGreaterThanOrEqual(plain * 0.8);
  expect(characterHeight(await gray(ruled))).toBeLessThanOrEqual(plain * 1.25);
});
