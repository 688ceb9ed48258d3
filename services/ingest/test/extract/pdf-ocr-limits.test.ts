import { afterAll, describe, expect, test } from '@jest/globals';
import { grayscale, PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { renderText } from '@perceptiq/testkit/fixtures';
import { extractPdf } from '../../src/extract/index.js';
import { createTesseractEngine, type OcrEngine } from '../../src/ocr/index.js';
import { asImage, collect, pixel } from './fixtures.js';

/** What a PDF page costs OCR: pixels within 20 × 20 inches, and nothing at all when it shows nothing. */

const LIMITS = { maxPages: 500, maxPixels: 100_000_000, dpi: 300 };
const INCH = 72;
const LETTER: [number, number] = [612, 792];

async function pdfWith(...pages: Array<(pdf: PDFDocument) => Promise<void> | void>): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (const draw of pages) await draw(pdf);
  return Buffer.from(await pdf.save());
}

/** A page holding only a full-page image: a scan, with no text layer. */
const scanPage = (png: Buffer) => async (pdf: PDFDocument) => {
  const image = await pdf.embedPng(png);
  pdf.addPage(LETTER).drawImage(image, { x: 0, y: 0, width: LETTER[0], height: LETTER[1] });
};

/** One short line of 6 pt text in mid grey (ink at level 140 of 255) on an otherwise empty 300 DPI letter page. */
const FAINT_LINE = 'Paid in full on 4 March 2024';
const faintLinePng = () => sharp(renderText(FAINT_LINE, { fontSize: 25 }).png).flatten({ background: '#ffffff' }).linear(0.45, 140).png().toBuffer();

let engine: OcrEngine | undefined;
afterAll(() => engine?.close());

describe('extractPdf: OCR limits', () => {
  test('a 200 × 200-inch page is rendered with the pixels of 20 × 20 inches at the OCR DPI', async () => {
    // A black square 1..3 inches from the bottom-left corner, so the page is not blank.
    const bytes = await pdfWith(
      (pdf) => void pdf.addPage([200 * INCH, 200 * INCH]).drawRectangle({ x: INCH, y: INCH, width: 2 * INCH, height: 2 * INCH, color: rgb(0, 0, 0) }),
    );
    const page = asImage((await collect(extractPdf(bytes, LIMITS)))[0]);
    // 20 inches at 300 DPI: 6000 pixels a side, so 30 DPI on this page.
    expect(page).toMatchObject({ width: 6000, height: 6000 });
    expect(await pixel(page.image, 60, 6000 - 60)).toBeLessThan(40);
    expect(await pixel(page.image, 3000, 3000)).toBeGreaterThan(215);

    const smaller = asImage((await collect(extractPdf(bytes, { ...LIMITS, maxPageInches: 10 })))[0]);
    expect(smaller).toMatchObject({ width: 3000, height: 3000 });
  }, 30_000);

  test('pages that show nothing are blank pages, not images for OCR', async () => {
    const white = await sharp({ create: { width: 850, height: 1100, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const bytes = await pdfWith(
      (pdf) => void pdf.addPage([200 * INCH, 200 * INCH]), // paints nothing
      (pdf) => void pdf.addPage(LETTER).drawRectangle({ x: 0, y: 0, width: LETTER[0], height: LETTER[1], color: rgb(1, 1, 1) }), // paints paper
      (pdf) => void pdf.addPage(LETTER).drawRectangle({ x: 0, y: 0, width: LETTER[0], height: LETTER[1], color: grayscale(0.8) }), // tinted paper
      scanPage(white), // an image of a white page
    );
    const pages = await collect(extractPdf(bytes, LIMITS));
    expect(pages).toEqual([
      { page: 1, source: 'blank', width: 6000, height: 6000 },
      { page: 2, source: 'blank', width: 2550, height: 3300 },
      { page: 3, source: 'blank', width: 2550, height: 3300 },
      { page: 4, source: 'blank', width: 2550, height: 3300 },
    ]);
  }, 30_000);

  test('a page with only a hairline, or one short line of small faint text, is not blank; OCR reads the line', async () => {
    const bytes = await pdfWith(
      (pdf) => void pdf.addPage(LETTER).drawLine({ start: { x: 72, y: 400 }, end: { x: 144, y: 400 }, thickness: 0.25, color: grayscale(0.6) }),
      scanPage(await faintLinePng()),
    );
    const [hairline, faint, ...rest] = await collect(extractPdf(bytes, LIMITS));
    expect(rest).toEqual([]);
    expect(asImage(hairline)).toMatchObject({ width: 2550, height: 3300 });
    const scan = asImage(faint);
    engine = await createTesseractEngine({ workers: 1 });
    const read = await engine.recognize(scan.image);
    expect(read.text).toBe(FAINT_LINE);
    expect(read.lowQuality).toBe(false);
  }, 60_000);
});
