import { afterAll, describe, expect, test } from '@jest/globals';
import { concatTransformationMatrix, degrees, drawObject, PDFDocument, popGraphicsState, pushGraphicsState, rgb, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { DEFAULT_EXTRACT_LIMITS, extractDocument, extractInSandbox, extractPdf, sniffType, type ExtractedPage, type ImagePage } from '../../src/extract/index.js';
import { createTesseractEngine, type OcrEngine } from '../../src/ocr/index.js';
import { asImage, collect, pixel } from './fixtures.js';

/** Scanned PDFs whose pages are a JPEG each: handed to OCR as that JPEG, or rendered as before when anything else is on the page. */

const LETTER: [number, number] = [612, 792];
/** 100 DPI keeps renders fast: Letter is then 850 × 1100 pixels. */
const LIMITS = { maxPages: 50, maxPixels: 100_000_000, dpi: 100 };
const AT_100_DPI = { width: 850, height: 1100 };

interface ScanOptions {
  /** Declared in the JPEG's header (JFIF), in DPI; sharp writes 72 otherwise. */
  density?: number;
  fill?: string;
  fontPx?: number;
  colour?: boolean;
}

/** A scanned page as a JPEG: lines of serif text on white, as bench's `scanImage` makes them. */
async function scanJpeg(width: number, height: number, lines: string[], { density, fill = 'black', fontPx = Math.round(height / 45), colour = false }: ScanOptions = {}): Promise<Buffer> {
  const text = lines.map((l, i) => `<text x="${fontPx * 3}" y="${fontPx * (4 + 1.6 * i)}">${l}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><g font-family="DejaVu Serif" font-size="${fontPx}" fill="${fill}">${text}</g></svg>`;
  let image = sharp(Buffer.from(svg));
  image = colour ? image.removeAlpha() : image.grayscale().toColourspace('b-w');
  if (density) image = image.withMetadata({ density });
  return image.jpeg({ quality: 85 }).toBuffer();
}

const uniformJpeg = (width: number, height: number, level: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: level } } })
    .grayscale()
    .toColourspace('b-w')
    .jpeg()
    .toBuffer();

const scan = await scanJpeg(850, 1100, ['A scanned page', 'of a few lines']);
/** A JPEG that is dark all over, so a render shows where it was drawn. */
const gray50 = await uniformJpeg(850, 1100, 50);

async function pdfWith(...pages: Array<(pdf: PDFDocument) => Promise<unknown>>): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (const add of pages) await add(pdf);
  return Buffer.from(await pdf.save());
}

/** A Letter page with the JPEG drawn over it as scanning tools do (pdf-lib's `drawImage`: q, cm, Do, Q). */
const scanPage =
  (jpeg: Buffer, draw: Parameters<PDFPage['drawImage']>[1] = { x: 0, y: 0, width: LETTER[0], height: LETTER[1] }) =>
  async (pdf: PDFDocument): Promise<PDFPage> => {
    const page = pdf.addPage(LETTER);
    page.drawImage(await pdf.embedJpg(jpeg), draw);
    return page;
  };

/** A Letter page showing an image XObject made by hand from `bytes` and `dict` (DCTDecode, 8-bit grey unless `dict` says otherwise). */
const rawImagePage = (bytes: Buffer, dict: Record<string, unknown>) => async (pdf: PDFDocument) => {
  const page = pdf.addPage(LETTER);
  const image = pdf.context.stream(bytes, { Type: 'XObject', Subtype: 'Image', ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'DCTDecode', ...dict });
  const name = page.node.newXObject('Scan', pdf.context.register(image));
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(LETTER[0], 0, 0, LETTER[1], 0, 0), drawObject(name), popGraphicsState());
};

const halved = (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1);
const isPng = (page: ImagePage) => page.image.subarray(1, 4).toString('latin1') === 'PNG';

let engine: OcrEngine | undefined;
afterAll(() => engine?.close());

describe('extractPdf: a scanned page that is one JPEG', () => {
  test('is handed to OCR as the JPEG itself, page after page (grey, colour, under a neutral graphics state)', async () => {
    const jpegs = [
      await scanJpeg(850, 1100, ['Invoice 2024-0042', 'Total due 1,234.56 EUR']),
      await scanJpeg(850, 1100, ['Page two of the scan', 'Terms and conditions']),
      await scanJpeg(850, 1100, ['Colour page'], { colour: true, fill: '#1a237e' }),
      await scanJpeg(850, 1100, ['Drawn with opacity 1: a gs that changes nothing']),
    ];
    const bytes = await pdfWith(scanPage(jpegs[0]!), scanPage(jpegs[1]!), scanPage(jpegs[2]!), scanPage(jpegs[3]!, { x: 0, y: 0, width: 612, height: 792, opacity: 1 }));
    const pages = (await collect(extractPdf(bytes, LIMITS))).map(asImage);
    expect(pages.map(({ page, source, width, height }) => ({ page, source, width, height }))).toEqual(jpegs.map((_, i) => ({ page: i + 1, source: 'image', ...AT_100_DPI })));
    pages.forEach((p, i) => expect(p.image.equals(jpegs[i]!)).toBe(true));
  });

  test('at 300 DPI, a 300-DPI scan passes; so does a 150-DPI one declaring its density (OCR scales it), not one declaring 72 DPI', async () => {
    const lines = ['Statement of account for March', 'Balance carried forward 9,876.54'];
    const at300 = await scanJpeg(2550, 3300, lines);
    const declared150 = await scanJpeg(1275, 1650, lines, { density: 150 });
    const undeclared150 = await scanJpeg(1275, 1650, lines);
    const bytes = await pdfWith(scanPage(at300), scanPage(declared150), scanPage(undeclared150));
    const [a, b, c] = (await collect(extractPdf(bytes, { ...LIMITS, dpi: 300 }))).map(asImage);
    expect(a!.image.equals(at300)).toBe(true);
    expect(b!.image.equals(declared150)).toBe(true);
    expect(b).toMatchObject({ width: 1275, height: 1650 });
    // Read at 150 DPI, OCR would get half the resolution the render gives it: rendered (upscaled) as before.
    expect(isPng(c!)).toBe(true);
    expect(c).toMatchObject({ width: 2550, height: 3300 });

    // OCR reads the JPEGs as it reads the render.
    engine = await createTesseractEngine({ workers: 1 });
    for (const page of [a!, b!, c!]) expect((await engine.recognize(page.image)).text).toBe(lines.join('\n'));
  }, 60_000);

  test.each<[string, (pdf: PDFDocument) => Promise<unknown>, { width: number; height: number; dark?: [number, number] }?]>([
    ['a rectangle drawn over the scan', async (pdf) => (await scanPage(scan)(pdf)).drawRectangle({ x: 300, y: 300, width: 72, height: 72, color: rgb(0, 0, 0) }), { ...AT_100_DPI, dark: [465, 600] }],
    ['two letters of text over the scan (still no text layer)', async (pdf) => (await scanPage(scan)(pdf)).drawText('OK', { x: 300, y: 300, size: 10 })],
    ['a PNG scan (Flate, not DCT)', async (pdf) => pdf.addPage(LETTER).drawImage(await pdf.embedPng(await sharp(scan).png().toBuffer()), { x: 0, y: 0, width: 612, height: 792 })],
    ['a page turned by /Rotate', async (pdf) => (await scanPage(scan)(pdf)).setRotation(degrees(90)), { width: 1100, height: 850 }],
    [
      'an annotation over the scan',
      async (pdf) => {
        const page = await scanPage(scan)(pdf);
        page.node.addAnnot(pdf.context.register(pdf.context.obj({ Type: 'Annot', Subtype: 'Square', Rect: [300, 300, 372, 372], C: [0, 0, 0], IC: [0, 0, 0] })));
      },
      { ...AT_100_DPI, dark: [465, 600] },
    ],
    ['a JPEG over part of the page', scanPage(gray50, { x: 0, y: 0, width: 306, height: 396 }), { ...AT_100_DPI, dark: [200, 900] }],
    ['a mirrored JPEG', scanPage(scan, { x: 612, y: 0, width: -612, height: 792 })],
    ['a translucent JPEG (gs with ca 0.5)', scanPage(scan, { x: 0, y: 0, width: 612, height: 792, opacity: 0.5 })],
    ['a JPEG whose dictionary says another size', rawImagePage(scan, { Width: 851, Height: 1100 })],
    ['a JPEG with a /Decode that inverts it', rawImagePage(scan, { Width: 850, Height: 1100, Decode: [1, 0] }), { ...AT_100_DPI, dark: [10, 10] }],
    [
      'a soft-masked JPEG',
      async (pdf) =>
        rawImagePage(scan, {
          Width: 850,
          Height: 1100,
          SMask: pdf.context.register(pdf.context.stream(Buffer.alloc(4, 255), { Type: 'XObject', Subtype: 'Image', Width: 2, Height: 2, ColorSpace: 'DeviceGray', BitsPerComponent: 8 })),
        })(pdf),
    ],
  ])('falls back to rendering: %s', async (_, add, size = AT_100_DPI) => {
    const page = asImage((await collect(extractPdf(await pdfWith(add), LIMITS)))[0]);
    expect(isPng(page)).toBe(true);
    expect(page).toMatchObject({ width: size.width, height: size.height });
    if (size.dark) expect(await pixel(page.image, ...size.dark)).toBeLessThan(60);
  });

  test('a JPEG beyond the pixel limit is rendered, scaled down to it, as before', async () => {
    const bytes = await pdfWith(scanPage(scan));
    const page = asImage((await collect(extractPdf(bytes, { ...LIMITS, maxPixels: 500_000 })))[0]);
    expect(isPng(page)).toBe(true);
    expect(page.width * page.height).toBeLessThanOrEqual(500_000);
  });

  test('a uniform JPEG is a blank page of its size; one faint line of 6 pt text is not', async () => {
    const faint = await scanJpeg(2550, 3300, ['Paid in full on 4 March 2024'], { fill: 'rgb(140,140,140)', fontPx: 25 });
    const bytes = await pdfWith(scanPage(await uniformJpeg(850, 1100, 255)), scanPage(await uniformJpeg(850, 1100, 200)), scanPage(faint));
    const [white, tinted] = await collect(extractPdf(bytes, LIMITS));
    expect([white, tinted]).toEqual([
      { page: 1, source: 'blank', ...AT_100_DPI },
      { page: 2, source: 'blank', ...AT_100_DPI },
    ]);
    const [, , line] = await collect(extractPdf(bytes, { ...LIMITS, dpi: 300 }));
    expect(asImage(line).image.equals(faint)).toBe(true);
  });

  test.each([
    ['truncated JPEG', async () => halved(await scanJpeg(850, 1100, ['Truncated scan', 'with a second line']))],
    ['stream that is a JPEG header and then garbage', async () => Buffer.concat([scan.subarray(0, 600), Buffer.alloc(20_000, 0x5a)])],
  ])('a %s never passes through: pdfjs renders what it can of it, as before', async (_, make) => {
    const [page, ...rest] = await collect(extractPdf(await pdfWith(scanPage(await make())), LIMITS));
    expect(rest).toEqual([]);
    expect(isPng(asImage(page))).toBe(true);
    expect(page).toMatchObject(AT_100_DPI);
  });

  test('through the sandbox the JPEG arrives as the same bytes', async () => {
    const jpegs = [await scanJpeg(850, 1100, ['First scanned page']), await scanJpeg(850, 1100, ['Second scanned page'])];
    const bytes = await pdfWith(scanPage(jpegs[0]!), scanPage(jpegs[1]!));
    const type = await sniffType(bytes, 'scan.pdf');
    const limits = { ...DEFAULT_EXTRACT_LIMITS, dpi: 100 };
    const sandboxed: ExtractedPage[] = await collect(extractInSandbox({ bytes }, type!, limits));
    expect(sandboxed).toEqual(await collect(extractDocument(bytes, type!, limits)));
    sandboxed.map(asImage).forEach((p, i) => expect(Buffer.isBuffer(p.image) && p.image.equals(jpegs[i]!)).toBe(true));
  });
});
