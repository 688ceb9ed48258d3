import JSZip from 'jszip';
import { degrees, PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import sharp from 'sharp';
import type { ExtractedPage, ImagePage, TextPage } from '../../src/extract/index.js';

/** Files made on the spot by the tests: nothing is checked in. */

export async function collect(pages: AsyncIterable<ExtractedPage> | Iterable<ExtractedPage>): Promise<ExtractedPage[]> {
  const out: ExtractedPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

export function asText(page: ExtractedPage | undefined): TextPage {
  if (page?.source !== 'text-layer') throw new Error(`expected a text page, got ${page?.source}`);
  return page;
}

export function asImage(page: ExtractedPage | undefined): ImagePage {
  if (page?.source !== 'image') throw new Error(`expected an image page, got ${page?.source}`);
  return page;
}

/** The grey level (0..255) of one pixel of a PNG. */
export async function pixel(png: Buffer, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data[y * info.width + x]!;
}

/** A white image with a black rectangle: stands in for a scanned page. */
export async function scanImage(width: number, height: number, rect: { left: number; top: number; width: number; height: number }): Promise<Buffer> {
  const black = await sharp({ create: { width: rect.width, height: rect.height, channels: 3, background: '#000000' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: black, left: rect.left, top: rect.top }])
    .png()
    .toBuffer();
}

export interface DrawnLine {
  page: number;
  text: string;
  x: number;
  y: number;
  size: number;
  font: PDFFont;
}

export type PdfPageSpec =
  | { kind: 'text'; lines: { text: string; x: number; y: number; size: number; font?: 'Helvetica' | 'Times' | 'Courier' }[]; rotate?: 90 }
  | { kind: 'scan' };

/** A Letter-size PDF: text pages drawn with standard fonts, scan pages holding only a full-page image. */
export async function makePdf(pages: PdfPageSpec[]): Promise<{ bytes: Buffer; drawn: DrawnLine[] }> {
  const pdf = await PDFDocument.create();
  const fonts = {
    Helvetica: await pdf.embedFont(StandardFonts.Helvetica),
    Times: await pdf.embedFont(StandardFonts.TimesRoman),
    Courier: await pdf.embedFont(StandardFonts.Courier),
  };
  const scan = await pdf.embedPng(await scanImage(850, 1100, { left: 100, top: 100, width: 300, height: 50 }));
  const drawn: DrawnLine[] = [];
  for (const [i, spec] of pages.entries()) {
    const page = pdf.addPage([612, 792]);
    if (spec.kind === 'scan') {
      page.drawImage(scan, { x: 0, y: 0, width: 612, height: 792 });
      continue;
    }
    if (spec.rotate) page.setRotation(degrees(spec.rotate));
    for (const line of spec.lines) {
      const font = fonts[line.font ?? 'Helvetica'];
      page.drawText(line.text, { x: line.x, y: line.y, size: line.size, font });
      drawn.push({ page: i + 1, text: line.text, x: line.x, y: line.y, size: line.size, font });
    }
  }
  return { bytes: Buffer.from(await pdf.save()), drawn };
}

/** A PDF of `count` short text pages. */
export const pagesPdf = (count: number) =>
  makePdf(Array.from({ length: count }, (_, i) => ({ kind: 'text' as const, lines: [{ text: `Page number ${i + 1}`, x: 72, y: 700, size: 12 }] })));

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

const paragraph = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

/** A minimal DOCX (the three parts Word needs): paragraphs, optionally a table of rows of cells. */
export async function makeDocx(paragraphs: string[], table: string[][] = [], omitDocument = false): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', CONTENT_TYPES);
  zip.file('_rels/.rels', RELS);
  const rows = table.map((cells) => `<w:tr>${cells.map((c) => `<w:tc>${paragraph(c)}</w:tc>`).join('')}</w:tr>`).join('');
  const body = paragraphs.map(paragraph).join('') + (rows ? `<w:tbl>${rows}</w:tbl>` : '');
  const document = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
  zip.file(omitDocument ? 'word/other.xml' : 'word/document.xml', document);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A zip that is not a document. */
export async function plainZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('hello.txt', 'hello world\n'.repeat(10));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The first bytes of an ELF executable and of a Windows PE executable. */
export function elfHeader(): Buffer {
  const b = Buffer.alloc(256);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  return b;
}

export function peHeader(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x8664, 0x84);
  return b;
}
