import { describe, expect, test } from '@jest/globals';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { encryptedPdf, makeBmp, pngDeclaring } from '@perceptiq/testkit/fixtures';
import { sniffType } from '../../src/extract/index.js';
import { HEAD_BYTES, readHead, sniffStored } from '../../src/extract/sniff.js';
import { elfHeader, makeDocx, pagesPdf, peHeader, plainZip } from './fixtures.js';

const image = sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } });

describe('sniffType', () => {
  test.each([
    ['PDF', async () => (await pagesPdf(1)).bytes, 'pdf', 'application/pdf', 'pdf'],
    ['encrypted PDF', async () => encryptedPdf(), 'pdf', 'application/pdf', 'pdf'],
    ['PNG', () => image.clone().png().toBuffer(), 'image', 'image/png', 'png'],
    ['PNG header only', async () => pngDeclaring(30_000, 30_000), 'image', 'image/png', 'png'],
    ['JPEG', () => image.clone().jpeg().toBuffer(), 'image', 'image/jpeg', 'jpg'],
    ['TIFF', () => image.clone().tiff().toBuffer(), 'image', 'image/tiff', 'tif'],
    ['WebP', () => image.clone().webp().toBuffer(), 'image', 'image/webp', 'webp'],
    ['GIF', () => image.clone().gif().toBuffer(), 'image', 'image/gif', 'gif'],
    ['BMP', async () => makeBmp(1, 1, [[1, 2, 3]], 24), 'image', 'image/bmp', 'bmp'],
    ['DOCX', () => makeDocx(['Hello']), 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
  ])('%s is recognised from its bytes, whatever its name', async (_, make, kind, mime, ext) => {
    const bytes = await make();
    for (const name of ['upload.bin', 'notes.txt', 'noextension']) expect(await sniffType(bytes, name)).toEqual({ kind, mime, ext });
  });

  test('text formats: HTML from its content first, then the extension; anything else UTF-8 is plain text', async () => {
    const text = (s: string, name: string) => sniffType(Buffer.from(s), name);
    expect(await text('<!DOCTYPE html><html><body>Hi</body></html>', 'page.txt')).toMatchObject({ ext: 'html', mime: 'text/html' });
    expect(await text('<!-- generated -->\n<html lang="en"><p>Hi</p></html>', 'x')).toMatchObject({ ext: 'html' });
    expect(await text('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>', 'x.xhtml')).toMatchObject({ ext: 'html' });
    expect(await text('<p>a fragment</p>', 'fragment.HTM')).toMatchObject({ ext: 'html' });
    expect(await text('# Title\n\nBody', 'README.md')).toEqual({ kind: 'text', mime: 'text/markdown', ext: 'md' });
    expect(await text('a,b\n1,2\n', 'data.csv')).toEqual({ kind: 'text', mime: 'text/csv', ext: 'csv' });
    expect(await text('a\tb\n1\t2\n', 'data.tsv')).toMatchObject({ ext: 'csv' });
    expect(await text('just some notes', 'notes')).toEqual({ kind: 'text', mime: 'text/plain', ext: 'txt' });
    expect(await text('# not markdown by content', 'notes.txt')).toMatchObject({ ext: 'txt' });
    // File-type reads "BM" as a BMP and "MZ" as an executable: real ones are binary, text is text.
    expect(await text('BMW,320i,2019\n', 'cars.csv')).toMatchObject({ ext: 'csv' });
    expect(await text('MZ Logistics invoice', 'x.txt')).toMatchObject({ ext: 'txt' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße', 'utf16le')]);
    expect(await sniffType(utf16, 'x.txt')).toMatchObject({ ext: 'txt' });
  });

  test('a large text file is judged from its head, even if that cuts a character', async () => {
    const big = Buffer.from('é'.repeat(40_000) + 'end'); // 64 KiB ends mid-character
    expect(await sniffType(big, 'big.txt')).toMatchObject({ ext: 'txt' });
    expect(await sniffType(big.subarray(0, 64 * 1024), 'big.txt')).toMatchObject({ ext: 'txt' }); // a head only
  });

  test.each([
    ['an empty file', async () => Buffer.alloc(0), 'empty.txt'],
    ['an ELF executable', async () => elfHeader(), 'report.pdf'],
    ['a Windows executable', async () => peHeader(), 'invoice.pdf'],
    ['a plain zip', () => plainZip(), 'archive.docx'],
    ['a zip that names a Word document it does not hold', () => makeDocx(['x'], [], true), 'letter.docx'],
    ['a truncated DOCX', async () => (await makeDocx(['Hello'])).subarray(0, 200), 'letter.docx'],
    ['random bytes', async () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), 'scan.pdf'],
    ['Latin-1 text', async () => Buffer.from('caf\xe9 cr\xe8me', 'latin1'), 'menu.txt'],
    ['gzip', async () => Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'a.csv'],
  ])('%s is unsupported (null: answer 415)', async (_, make, name) => {
    expect(await sniffType(await make(), name)).toBeNull();
  });
});

describe('sniffStored: a stored file told from its head, read whole only where the head cannot tell', () => {
  /** sniffStored on `bytes` as stored, counting how often it asks for the whole file. */
  const sniffed = async (bytes: Buffer, name: string) => {
    let wholeReads = 0;
    const type = await sniffStored(bytes.subarray(0, HEAD_BYTES), bytes.length, name, async () => (wholeReads++, bytes));
    return { type, wholeReads, direct: await sniffType(bytes, name) };
  };

  test('a large PDF, a JPEG and a long text are told from their head alone, as from their whole bytes', async () => {
    const { bytes: pdf } = await pagesPdf(1);
    const largePdf = Buffer.concat([pdf, Buffer.alloc(3 * HEAD_BYTES, 0x20)]); // pdfjs allows trailing bytes
    const jpeg = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const text = Buffer.from('line of notes\n'.repeat(20_000));
    for (const [bytes, name, ext] of [[largePdf, 'scan.pdf', 'pdf'], [jpeg, 'photo.jpg', 'jpg'], [text, 'notes.txt', 'txt']] as const) {
      expect(bytes.length).toBeGreaterThan(HEAD_BYTES);
      const { type, wholeReads, direct } = await sniffed(bytes, name);
      expect({ ext: type?.ext, wholeReads }).toEqual({ ext, wholeReads: 0 });
      expect(type).toEqual(direct);
    }
  });

  test('a zip is read whole (its directory is at its end): a DOCX is one, a plain zip is not supported', async () => {
    const docx = await sniffed(await makeDocx(['Hello']), 'letter.docx');
    expect({ ext: docx.type?.ext, wholeReads: docx.wholeReads }).toEqual({ ext: 'docx', wholeReads: 1 });
    const zip = await sniffed(await plainZip(), 'archive.docx');
    expect({ type: zip.type, wholeReads: zip.wholeReads }).toEqual({ type: null, wholeReads: 1 });
  });

  test('a head no type matches is checked whole when there is more; a small file is not read again', async () => {
    const unknown = Buffer.concat([elfHeader(), Buffer.alloc(2 * HEAD_BYTES)]);
    expect(await sniffed(unknown, 'tool.pdf')).toMatchObject({ type: null, wholeReads: 1 });
    expect(await sniffed(elfHeader(), 'tool.pdf')).toMatchObject({ type: null, wholeReads: 0 });
  });
});

describe('readHead', () => {
  test('the first bytes of a stream, across chunks; the stream is closed without being read to its end', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(10_000, i));
    let served = 0;
    const stream = new Readable({
      read() {
        this.push(served < chunks.length ? chunks[served++] : null);
      },
    });
    const head = await readHead(stream, 25_000);
    expect(head).toEqual(Buffer.concat(chunks).subarray(0, 25_000));
    expect(stream.destroyed).toBe(true);
    expect(served).toBeLessThan(chunks.length);
  });

  test('all of a stream shorter than the head', async () => {
    expect(await readHead(Readable.from([Buffer.from('short')]))).toEqual(Buffer.from('short'));
  });
});
