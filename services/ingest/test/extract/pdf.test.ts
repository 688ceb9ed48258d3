import { describe, expect, test } from '@jest/globals';
import { encryptedPdf } from '@perceptiq/testkit/fixtures';
import { ExtractionError, extractPdf, type ExtractedWord } from '../../src/extract/index.js';
import { asImage, asText, collect, makePdf, pagesPdf, pixel, type DrawnLine } from './fixtures.js';

const LIMITS = { maxPages: 500, maxPixels: 100_000_000 };
const PAGE = { width: 612, height: 792 };
/** The bar: a word's box lands within 1% of the page of where it was drawn. */
const TOLERANCE = 0.01;

/** Where pdf-lib drew each word of a line: [x, top, right, bottom] in points, top-left origin. */
function drawnWords(line: DrawnLine): { text: string; box: [number, number, number, number] }[] {
  const ascent = line.font.heightAtSize(line.size, { descender: false });
  const descent = line.font.heightAtSize(line.size) - ascent;
  const out: { text: string; box: [number, number, number, number] }[] = [];
  for (const m of line.text.matchAll(/\S+/g)) {
    const x = line.x + line.font.widthOfTextAtSize(line.text.slice(0, m.index), line.size);
    const width = line.font.widthOfTextAtSize(m[0], line.size);
    out.push({ text: m[0], box: [x, PAGE.height - (line.y + ascent), x + width, PAGE.height - (line.y - descent)] });
  }
  return out;
}

function expectWithin(word: ExtractedWord | undefined, expected: [number, number, number, number], width: number, height: number) {
  expect(word).toBeDefined();
  const [x, y, w, h] = word!.bbox;
  const [x0, y0, x1, y1] = expected;
  expect(Math.abs(x - x0 / width)).toBeLessThan(TOLERANCE);
  expect(Math.abs(x + w - x1 / width)).toBeLessThan(TOLERANCE);
  expect(Math.abs(y - y0 / height)).toBeLessThan(TOLERANCE);
  expect(Math.abs(y + h - y1 / height)).toBeLessThan(TOLERANCE);
}

describe('extractPdf', () => {
  test('a text layer gives words whose boxes land where they were drawn (Helvetica, Times, Courier)', async () => {
    const { bytes, drawn } = await makePdf([
      {
        kind: 'text',
        lines: [
          { text: 'Invoice INV-2024-0042 issued by Wide Minimum Ltd', x: 72, y: 720, size: 12 },
          { text: 'Total due: 1,234.56 EUR within 30 days', x: 300, y: 500, size: 18, font: 'Times' },
          { text: 'Reference MMMM iiii WWWW llll', x: 50, y: 100, size: 10, font: 'Courier' },
          { text: 'Illustrious millimetre wavelengths', x: 72, y: 300, size: 24 },
        ],
      },
    ]);
    const [page, ...rest] = await collect(extractPdf(bytes, LIMITS));
    expect(rest).toHaveLength(0);
    const p = asText(page);
    expect(p).toMatchObject({ page: 1, source: 'text-layer', confidence: 1, width: 612, height: 792 });
    expect(p.text).toBe(drawn.map((d) => d.text).join('\n'));
    expect(p.lines.map((l) => l.text)).toEqual(drawn.map((d) => d.text));
    const expected = drawn.flatMap(drawnWords);
    expect(p.words.map((w) => w.text)).toEqual(expected.map((e) => e.text));
    expected.forEach((e, i) => expectWithin(p.words[i], e.box, 612, 792));
    expect(p.words.every((w) => w.confidence === 1)).toBe(true);
  });

  test('a rotated page reports boxes on the page as displayed', async () => {
    const { bytes, drawn } = await makePdf([{ kind: 'text', rotate: 90, lines: [{ text: 'Rotated landscape statement', x: 100, y: 500, size: 20 }] }]);
    const p = asText((await collect(extractPdf(bytes, LIMITS)))[0]);
    expect([p.width, p.height]).toEqual([792, 612]);
    // Rotated 90° clockwise, a point (x, y) of the page is shown at (y, x).
    drawnWords(drawn[0]!).forEach(({ box: [left, top, right, bottom] }, i) => {
      const [x, y, w, h] = p.words[i]!.bbox;
      expect(Math.abs(x - (792 - bottom) / 792)).toBeLessThan(TOLERANCE);
      expect(Math.abs(x + w - (792 - top) / 792)).toBeLessThan(TOLERANCE);
      expect(Math.abs(y - left / 612)).toBeLessThan(TOLERANCE);
      expect(Math.abs(y + h - right / 612)).toBeLessThan(TOLERANCE);
    });
  });

  test('a scanned page (an image, no text) is rendered at 300 DPI for OCR', async () => {
    const { bytes } = await makePdf([{ kind: 'scan' }]);
    const p = asImage((await collect(extractPdf(bytes, { ...LIMITS, dpi: 300 })))[0]);
    expect(p).toMatchObject({ page: 1, source: 'image', width: 2550, height: 3300 });
    expect(p.image.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The scan's black bar sits at (100..400, 100..150) of 850 × 1100: 3x that at 300 DPI.
    expect(await pixel(p.image, 750, 375)).toBeLessThan(40);
    expect(await pixel(p.image, 2000, 2000)).toBeGreaterThan(215);
  }, 20_000);

  test('a mixed PDF is decided page by page', async () => {
    const { bytes } = await makePdf([
      { kind: 'text', lines: [{ text: 'First page has text', x: 72, y: 700, size: 12 }] },
      { kind: 'scan' },
      { kind: 'text', lines: [{ text: 'x', x: 72, y: 700, size: 12 }] }, // near-empty text layer: a scan
      { kind: 'text', lines: [{ text: 'Last page has text too', x: 72, y: 700, size: 12 }] },
    ]);
    const pages = await collect(extractPdf(bytes, { ...LIMITS, dpi: 36 }));
    expect(pages.map((p) => [p.page, p.source])).toEqual([
      [1, 'text-layer'],
      [2, 'image'],
      [3, 'image'],
      [4, 'text-layer'],
    ]);
    expect(asText(pages[3]).text).toBe('Last page has text too');
    expect(asImage(pages[1])).toMatchObject({ width: 306, height: 396 });
  });

  test('a page is rendered smaller rather than beyond the pixel budget', async () => {
    const { bytes } = await makePdf([{ kind: 'scan' }]);
    const p = asImage((await collect(extractPdf(bytes, { maxPages: 10, maxPixels: 1_000_000 })))[0]);
    expect(p.width * p.height).toBeLessThanOrEqual(1_000_000);
    expect(p.width / p.height).toBeCloseTo(612 / 792, 2);
  });

  test('too many pages fail before any page is produced', async () => {
    const { bytes } = await pagesPdf(6);
    const pages = extractPdf(bytes, { ...LIMITS, maxPages: 5 });
    await expect(pages.next()).rejects.toThrow(new ExtractionError('The document has 6 pages; the limit is 5.'));
    expect(bytes.length).toBeGreaterThan(0); // the caller's bytes are intact
    const ok = await collect(extractPdf(bytes, { ...LIMITS, maxPages: 6 }));
    expect(ok.map((p) => asText(p).text)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Page number ${n}`));
  });

  test('pages come one at a time, and stopping early is clean', async () => {
    const { bytes } = await pagesPdf(3);
    const pages = extractPdf(bytes, LIMITS);
    expect((await pages.next()).value).toMatchObject({ page: 1 });
    await expect(pages.return(undefined)).resolves.toEqual({ done: true, value: undefined });
  });

  test('an encrypted PDF gets a clear reason', async () => {
    const error = await collect(extractPdf(encryptedPdf(), LIMITS)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractionError);
    expect((error as Error).message).toBe('The PDF is encrypted; remove the password and upload it again.');
  });

  test.each([
    ['truncated', async () => (await pagesPdf(3)).bytes.subarray(0, 900)],
    ['random bytes', async () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['a bare header', async () => Buffer.from('%PDF-1.7\n')],
  ])('%s: truncated or corrupt', async (_, make) => {
    const error = await collect(extractPdf(await make(), LIMITS)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractionError);
    expect((error as Error).message).toMatch(/^The file is truncated or corrupt: .+\.$/);
  });
});
