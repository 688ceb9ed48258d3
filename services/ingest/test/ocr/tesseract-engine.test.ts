import sharp from 'sharp';
import { cer, pngDeclaring, renderText } from '@perceptiq/testkit/fixtures';
import { createTesseractEngine, OcrInputError, type OcrEngine, type OcrPage } from '../../src/ocr/index.js';

const PARAGRAPH =
  'Invoice 2024-0815 was issued on 3 March 2024 to Acme Corporation, 221 Baker Street, London. ' +
  'It covers consulting services rendered in February: twelve days of on-site work at 950.00 EUR per day. ' +
  'Payment is due within thirty days of receipt; late payments accrue interest at 1.5% per month.\n' +
  'Questions about this invoice should be sent to billing@acme.example before the due date.';

/** Two lines of 10 px text fit in 600 px. */
const SHORT_PARAGRAPH = 'Invoice 2024-0815 was issued on 3 March 2024 to Acme Corporation, 221 Baker Street, London. It covers consulting services rendered in February: twelve days of on-site work at 950.00 EUR per day.';

let engine: OcrEngine;
const page = renderText(PARAGRAPH);
/** What the engine logs of each page it reads. */
const pagesRead: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  engine = await createTesseractEngine({ workers: 2, logger: { debug: (entry: object) => pagesRead.push(entry as Record<string, unknown>) } });
});
afterAll(async () => {
  await engine?.close();
});

const timed = async (label: string, run: () => Promise<OcrPage>): Promise<OcrPage> => {
  const t = performance.now();
  const result = await run();
  console.log(`${label}: ${Math.round(performance.now() - t)} ms, CER ${(cer(page.text, result.text) * 100).toFixed(2)}%, rotation ${result.rotation}, confidence ${result.confidence.toFixed(3)}`);
  return result;
};

test('reads a known paragraph with CER of at most 2%', async () => {
  const result = await timed('upright', () => engine.recognize(page.png));
  expect(cer(page.text, result.text)).toBeLessThanOrEqual(0.02);
  expect(result).toMatchObject({ source: 'ocr', rotation: 0, lowQuality: false, width: 2550, height: 3300 });
  expect(result.confidence).toBeGreaterThan(0.8);
  expect(result.lines.length).toBe(page.text.split('\n').filter(Boolean).length);

  for (const w of result.words) {
    const [x, y, width, height] = w.bbox;
    for (const v of w.bbox) expect(v).toBeGreaterThanOrEqual(0);
    expect(x + width).toBeLessThanOrEqual(1);
    expect(y + height).toBeLessThanOrEqual(1);
    expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(w.confidence).toBeLessThanOrEqual(1);
  }
  const drawn = page.words.find((w) => w.text === 'Corporation,')!;
  const read = result.words.find((w) => w.text === 'Corporation,')!;
  expect(read).toBeDefined();
  read.bbox.forEach((v, i) => expect(Math.abs(v - drawn.bbox[i]!)).toBeLessThan(0.01));
});

test.each([
  [90, 270],
  [180, 180],
])('reads a page scanned turned %i° right side up', async (turned, correction) => {
  const scan = await sharp(page.png).rotate(turned).png().toBuffer();
  const result = await timed(`turned ${turned}`, () => engine.recognize(scan));
  expect(result.rotation).toBe(correction);
  expect(cer(page.text, result.text)).toBeLessThanOrEqual(0.02);
  expect(result).toMatchObject({ width: 2550, height: 3300, lowQuality: false });
});

test('boxes of a page read turned 90° are those of the upright page', async () => {
  const scan = await sharp(page.png).rotate(-90).png().toBuffer();
  const result = await engine.recognize(scan);
  expect(result).toMatchObject({ rotation: 90, width: 2550, height: 3300 });
  const drawn = page.words.find((w) => w.text === 'Corporation,')!;
  const read = result.words.find((w) => w.text === 'Corporation,')!;
  read.bbox.forEach((v, i) => expect(Math.abs(v - drawn.bbox[i]!)).toBeLessThan(0.01));
});

test.each([90, 180])('reads a short line turned %i°, where OSD has too little text to judge', async (turned) => {
  const line = renderText('Total due: 1,234.56 EUR', { width: 1200, height: 300, margin: 60 });
  const scan = await sharp(line.png).rotate(turned).png().toBuffer();
  const t = performance.now();
  const result = await engine.recognize(scan);
  console.log(`short line turned ${turned}: ${Math.round(performance.now() - t)} ms, "${result.text}", rotation ${result.rotation}`);
  expect(result.rotation).toBe((360 - turned) % 360);
  expect(cer(line.text, result.text)).toBeLessThanOrEqual(0.02);
});

test.each([
  // 10 px text, as in a screenshot: tesseract finds lines but loses most of their words.
  ['small text is scaled up before it is read', 10],
  // 8 px text: tesseract finds no line at all in the image as given.
  ['text too small to be found at all is found scaled up', 8],
])('%s', async (_, fontSize) => {
  const small = renderText(SHORT_PARAGRAPH, { width: fontSize * 60, height: fontSize * 12, fontSize, margin: 10 });
  const t = performance.now();
  const result = await engine.recognize(small.png);
  console.log(`${fontSize} px text: ${Math.round(performance.now() - t)} ms, CER ${(cer(small.text, result.text) * 100).toFixed(2)}%`);
  expect(cer(small.text, result.text)).toBeLessThanOrEqual(0.02);
  expect(result).toMatchObject({ width: fontSize * 60, height: fontSize * 12 });
  // Boxes are those of the image as given, not of the scaled-up copy that was read.
  for (const w of result.words) expect(w.bbox[0] + w.bbox[2]).toBeLessThanOrEqual(1);
});

test('a page of large print is read scaled down, and its fine print still reads right', async () => {
  // 50 px body text (12 pt at 300 DPI) is read scaled down; the 24 px fine print (6 pt) below it must survive that.
  const body = renderText(PARAGRAPH, { fontSize: 50, height: 2400 });
  const fine = renderText('Fees may be adjusted once a year by no more than 3.5% with sixty days notice; disputes are settled in Geneva.', { fontSize: 24, height: 900 });
  const scan = await sharp({ create: { width: 2550, height: 3300, channels: 3, background: '#ffffff' } })
    .composite([
      { input: body.png, top: 0, left: 0 },
      { input: fine.png, top: 2400, left: 0 },
    ])
    .png()
    .toBuffer();
  const result = await engine.recognize(scan);
  const split = result.text.indexOf('Fees');
  expect(split).toBeGreaterThan(0);
  expect(cer(body.text, result.text.slice(0, split))).toBeLessThanOrEqual(0.02);
  expect(cer(fine.text, result.text.slice(split))).toBeLessThanOrEqual(0.02);
  expect(result).toMatchObject({ width: 2550, height: 3300 });
  // Boxes are fractions of the page as given, whatever size it was read at.
  const drawn = body.words.find((w) => w.text === 'Corporation,')!;
  const read = result.words.find((w) => w.text === 'Corporation,')!;
  drawn.bbox.forEach((v, i) => expect(Math.abs(read.bbox[i]! - v * (i % 2 ? 2400 / 3300 : 1))).toBeLessThan(0.01));
});

test('a two-column page is read in parts on both workers: left column first, boxes where they are on the page', async () => {
  const left = renderText(PARAGRAPH, { width: 1200, height: 3000, margin: 100 });
  const right = renderText(SHORT_PARAGRAPH.replace('Invoice 2024-0815', 'Credit note 2024-0907'), { width: 1200, height: 3000, margin: 100 });
  const scan = await sharp({ create: { width: 2550, height: 3300, channels: 3, background: '#ffffff' } })
    .composite([
      { input: left.png, top: 150, left: 50 },
      { input: right.png, top: 150, left: 1300 },
    ])
    .png()
    .toBuffer();
  const result = await engine.recognize(scan, { pageHint: 42 });
  expect(pagesRead.find((entry) => entry.page === 42)).toMatchObject({ parts: 2 });
  const split = result.text.indexOf('Credit');
  expect(split).toBeGreaterThan(0);
  expect(cer(left.text, result.text.slice(0, split))).toBeLessThanOrEqual(0.02);
  expect(cer(right.text, result.text.slice(split))).toBeLessThanOrEqual(0.02);
  // The right column's boxes are moved by where its part starts on the page.
  const drawn = right.words.find((w) => w.text === 'Corporation,')!;
  const read = result.words.filter((w) => w.text === 'Corporation,');
  expect(read).toHaveLength(2);
  const onPage = [(1300 + drawn.bbox[0] * 1200) / 2550, (150 + drawn.bbox[1] * 3000) / 3300, (drawn.bbox[2] * 1200) / 2550, (drawn.bbox[3] * 3000) / 3300];
  onPage.forEach((v, i) => expect(Math.abs(read[1]!.bbox[i]! - v)).toBeLessThan(0.01));
});

test('reads a grayish, blurred 150 DPI JPEG scan of the paragraph with CER of at most 2%', async () => {
  const at150 = renderText(PARAGRAPH, { width: 1275, height: 1650, fontSize: 25, margin: 100 });
  const scan = await sharp(at150.png).blur(0.7).linear(0.75, 40).jpeg({ quality: 60 }).withMetadata({ density: 150 }).toBuffer();
  const t = performance.now();
  const result = await engine.recognize(scan);
  console.log(`150 DPI JPEG scan: ${Math.round(performance.now() - t)} ms, CER ${(cer(at150.text, result.text) * 100).toFixed(2)}%, confidence ${result.confidence.toFixed(3)}`);
  expect(cer(at150.text, result.text)).toBeLessThanOrEqual(0.02);
  expect(result).toMatchObject({ width: 1275, height: 1650, lowQuality: false });
});

test('applies EXIF orientation', async () => {
  // Pixels stored turned 90° counter-clockwise; orientation 6 tells viewers to turn them back.
  const jpeg = await sharp(page.png).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
  const result = await timed('EXIF', () => engine.recognize(jpeg));
  expect(result).toMatchObject({ rotation: 0, width: 2550, height: 3300 });
  expect(cer(page.text, result.text)).toBeLessThanOrEqual(0.02);
});

test('refuses an image declaring 30000×30000 pixels from its header', async () => {
  const rss = process.memoryUsage().rss;
  const attempt = engine.recognize(pngDeclaring(30000, 30000), { pageHint: 3 });
  await expect(attempt).rejects.toThrow(OcrInputError);
  await expect(attempt).rejects.toThrow('Page 3: The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.');
  expect(process.memoryUsage().rss - rss).toBeLessThan(100e6);
});

test('a blank page reads as empty and low quality', async () => {
  const white = renderText('');
  // A scanned blank page is never pure white: add faint noise, as a scanner's.
  const noisy = Buffer.alloc(1275 * 1650);
  for (let i = 0; i < noisy.length; i++) noisy[i] = 245 + ((i * 7919) % 11);
  const scan = await sharp(noisy, { raw: { width: 1275, height: 1650, channels: 1 } }).jpeg().toBuffer();
  for (const image of [white.png, scan]) {
    const result = await engine.recognize(image);
    expect(result).toMatchObject({ text: '', words: [], lines: [], confidence: 0, lowQuality: true, rotation: 0 });
  }
});

test('four pages through two workers all succeed', async () => {
  const texts = [
    'Delivery note 17 lists four pallets of printer paper for the Berlin office.',
    'The meeting on Tuesday moved to room 4.12 on the fourth floor of building B.',
    'Quarterly revenue grew by 8 percent while operating costs stayed flat.',
    'Please return the signed contract by Friday, 14 June, at the latest.',
  ].map((t) => renderText(t, { width: 1700, height: 600, margin: 100 }));
  const t = performance.now();
  const results = await Promise.all(texts.map((p, i) => engine.recognize(p.png, { pageHint: i + 1 })));
  console.log(`4 pages, 2 workers: ${Math.round(performance.now() - t)} ms; CER ${results.map((r, i) => (cer(texts[i]!.text, r.text) * 100).toFixed(2) + '%').join(', ')}`);
  results.forEach((r, i) => expect(cer(texts[i]!.text, r.text)).toBeLessThanOrEqual(0.02));
});

test('close lets pages in flight finish, then refuses work', async () => {
  const other = await createTesseractEngine({ workers: 1 });
  const line = renderText('Closing time', { width: 600, height: 150, margin: 30 });
  const inFlight = other.recognize(line.png);
  await other.close();
  await expect(inFlight).resolves.toMatchObject({ text: 'Closing time' });
  await expect(other.recognize(line.png)).rejects.toThrow('The OCR engine has been closed.');
});
