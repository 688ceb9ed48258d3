import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { encryptedPdf, makeBmp, pngDeclaring } from '@perceptiq/testkit/fixtures';
import { sniffType } from '../../src/extract/index.js';
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
