import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { encryptedPdf, makeBmp, pngDeclaring } from '@perceptiq/testkit/fixtures';
import { DEFAULT_EXTRACT_LIMITS, ExtractionError, extractDocument, sniffType, type ExtractedPage } from '../../src/extract/index.js';
import { collect, elfHeader, makeDocx, makePdf, peHeader, plainZip } from './fixtures.js';

/** Low DPI keeps rendering scans fast here; pdf.test.ts checks 300 DPI. */
const LIMITS = { ...DEFAULT_EXTRACT_LIMITS, dpi: 50 };

/** Sniff then extract, as ingest does; a summary per page: [page, source, text or image size]. */
async function ingest(bytes: Buffer, filename: string): Promise<[number, string, string][]> {
  const type = await sniffType(bytes, filename);
  if (!type) throw new Error('unsupported');
  const pages: ExtractedPage[] = await collect(extractDocument(bytes, type, LIMITS));
  return pages.map((p) => [p.page, p.source, p.source === 'text-layer' ? p.text : `${p.width}x${p.height}`]);
}

async function failure(bytes: Buffer, filename: string): Promise<string> {
  const type = await sniffType(bytes, filename);
  if (!type) return 'unsupported';
  const error = await collect(extractDocument(bytes, type, LIMITS)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractionError);
  return (error as Error).message;
}

const picture = (width = 64, height = 48) => sharp({ create: { width, height, channels: 3, background: '#404040' } });

describe('every accepted format, from bytes to pages', () => {
  test('PDF with a text layer, scanned PDF, mixed PDF', async () => {
    const text = await makePdf([
      { kind: 'text', lines: [{ text: 'Master services agreement', x: 72, y: 700, size: 14 }] },
      { kind: 'text', lines: [{ text: 'Termination requires 90 days notice', x: 72, y: 700, size: 12 }] },
    ]);
    expect(await ingest(text.bytes, 'msa.pdf')).toEqual([
      [1, 'text-layer', 'Master services agreement'],
      [2, 'text-layer', 'Termination requires 90 days notice'],
    ]);
    const scan = await makePdf([{ kind: 'scan' }, { kind: 'scan' }]);
    expect(await ingest(scan.bytes, 'scan.pdf')).toEqual([
      [1, 'image', '425x550'],
      [2, 'image', '425x550'],
    ]);
    const mixed = await makePdf([{ kind: 'scan' }, { kind: 'text', lines: [{ text: 'Signed page', x: 72, y: 700, size: 12 }] }]);
    expect(await ingest(mixed.bytes, 'mixed.pdf')).toEqual([
      [1, 'image', '425x550'],
      [2, 'text-layer', 'Signed page'],
    ]);
  });

  test('PNG, JPEG, WebP, GIF, BMP: one page; TIFF: every page', async () => {
    expect(await ingest(await picture().png().toBuffer(), 'a.png')).toEqual([[1, 'image', '64x48']]);
    expect(await ingest(await picture().jpeg().toBuffer(), 'a.jpg')).toEqual([[1, 'image', '64x48']]);
    expect(await ingest(await picture().webp().toBuffer(), 'a.webp')).toEqual([[1, 'image', '64x48']]);
    expect(await ingest(await picture().gif().toBuffer(), 'a.gif')).toEqual([[1, 'image', '64x48']]);
    expect(await ingest(makeBmp(3, 2, Array(6).fill([9, 9, 9]), 24), 'a.bmp')).toEqual([[1, 'image', '3x2']]);
    const frames = await Promise.all([1, 2, 3, 4].map(() => picture().png().toBuffer()));
    const tiff = await sharp(frames, { join: { animated: true } }).tiff().toBuffer();
    expect((await ingest(tiff, 'fax.tiff')).map(([page, source]) => [page, source])).toEqual([
      [1, 'image'],
      [2, 'image'],
      [3, 'image'],
      [4, 'image'],
    ]);
  });

  test('DOCX, TXT, Markdown, HTML, CSV', async () => {
    expect(await ingest(await makeDocx(['Offer letter', 'Salary: 50,000 EUR']), 'offer.docx')).toEqual([
      [1, 'text-layer', 'Offer letter\n\nSalary: 50,000 EUR'],
    ]);
    expect(await ingest(Buffer.from('Meeting notes\nAction: renew\n'), 'notes.txt')).toEqual([[1, 'text-layer', 'Meeting notes\nAction: renew']]);
    expect(await ingest(Buffer.from('# Policy\n\n**Refunds** within 30 days.'), 'policy.md')).toEqual([
      [1, 'text-layer', '# Policy\n\n**Refunds** within 30 days.'],
    ]);
    expect(await ingest(Buffer.from('<!doctype html><title>Terms</title><p>Governing law: Ireland</p>'), 'terms')).toEqual([
      [1, 'text-layer', 'Terms\n\nGoverning law: Ireland'],
    ]);
    expect(await ingest(Buffer.from('invoice,amount\nINV-1,"1,200.00"\n'), 'ledger.csv')).toEqual([
      [1, 'text-layer', 'invoice | amount\nINV-1 | 1,200.00'],
    ]);
  });
});

describe('bad input gets a clear answer, never a crash', () => {
  test.each([
    ['a zero-byte file', async () => Buffer.alloc(0), 'empty.pdf', 'unsupported'],
    ['an executable (ELF)', async () => elfHeader(), 'tool.pdf', 'unsupported'],
    ['an executable (PE)', async () => peHeader(), 'setup.docx', 'unsupported'],
    ['a plain zip', () => plainZip(), 'files.docx', 'unsupported'],
    ['random bytes named .pdf', async () => Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256)), 'x.pdf', 'unsupported'],
    ['an encrypted PDF', async () => encryptedPdf(), 'secret.pdf', 'The PDF is encrypted; remove the password and upload it again.'],
    [
      'an image declaring 30000×30000 pixels',
      async () => pngDeclaring(30_000, 30_000),
      'huge.png',
      'The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.',
    ],
  ])('%s', async (_, make, name, expected) => {
    expect(await failure(await make(), name)).toBe(expected);
  });

  test('a truncated PDF', async () => {
    const { bytes } = await makePdf([{ kind: 'text', lines: [{ text: 'Half of me is missing', x: 72, y: 700, size: 12 }] }]);
    expect(await failure(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.pdf')).toMatch(/^The file is truncated or corrupt: /);
  });

  test('zero bytes handed to extraction directly', async () => {
    await expect(extractDocument(Buffer.alloc(0), { kind: 'pdf', mime: 'application/pdf', ext: 'pdf' }, LIMITS).next()).rejects.toThrow(
      'The file is empty.',
    );
  });
});
