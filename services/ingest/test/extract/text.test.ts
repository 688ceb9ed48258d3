import { describe, expect, test } from '@jest/globals';
import { docxBomb, lyingDocx } from '@perceptiq/testkit/fixtures';
import { ExtractionError, extractDocx, extractText, type DetectedType, type TextPage } from '../../src/extract/index.js';
import { csvToText, decodeText, htmlToText } from '../../src/extract/text.js';
import { listZipEntries } from '../../src/extract/zip.js';
import { asText, collect, makeDocx } from './fixtures.js';

const type = (ext: string): DetectedType => ({ kind: 'text', mime: `text/${ext}`, ext });
const pagesOf = async (text: string, ext = 'txt', maxPages = 500) => (await collect(extractText(Buffer.from(text), type(ext), maxPages))).map(asText);

/** Every box lies on the page, inside the 1-inch margins of the nominal Letter sheet. */
function expectBoxesOnPage(page: TextPage) {
  const outside = [...page.words, ...page.lines].filter(
    ({ bbox: [x, y, w, h] }) => x < 72 / 612 - 1e-9 || y < 72 / 792 - 1e-9 || x + w > 540 / 612 + 1e-9 || y + h > 720 / 792 + 1e-9,
  );
  expect(outside).toEqual([]);
}

describe('decodeText', () => {
  test('UTF-8 (with or without BOM) and UTF-16 with a BOM are text', () => {
    expect(decodeText(Buffer.from('héllo wörld\n'))).toBe('héllo wörld\n');
    expect(decodeText(Buffer.from('\ufeffbom', 'utf8'))).toBe('bom');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ütf-16', 'utf16le')]))).toBe('ütf-16');
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('be', 'utf16le').swap16()]))).toBe('be');
  });

  test('invalid UTF-8, NULs, UTF-16 without BOM and binary control bytes are not', () => {
    expect(decodeText(Buffer.from([0x68, 0xe9, 0x6c, 0x6c, 0x6f]))).toBeNull(); // Latin-1 "héllo"
    expect(decodeText(Buffer.from('a\0b'))).toBeNull();
    expect(decodeText(Buffer.from('utf-16', 'utf16le'))).toBeNull();
    expect(decodeText(Buffer.from('ab\x01\x02\x03\x04cd'))).toBeNull();
  });

  test('a head cut mid-character is fine when partial', () => {
    const bytes = Buffer.from('naïve');
    expect(decodeText(bytes.subarray(0, 3), true)).toBe('na');
    expect(decodeText(bytes.subarray(0, 3))).toBeNull();
  });
});

describe('htmlToText', () => {
  test('keeps the text and structure, drops scripts, styles, comments and tags, decodes entities', () => {
    const html = `<!DOCTYPE html><html><head><title>Q3 &amp; Q4</title><style>p { color: red }</style>
      <script>document.write("<p>evil</p>")</script></head>
      <body><!-- hidden --><h1>Report</h1><p>Revenue   rose
      by 5&nbsp;% &mdash; &lt;b&gt;not bold&lt;/b&gt; &#8364;10 &#x41;</p>
      <ul><li>one</li><li>two <b>bold</b></li></ul>
      <table><tr><th>Item</th><th>Cost</th></tr><tr><td><p>Paper</p></td><td>3 &lt; 4</td></tr></table>
      <p>a<br>b</p><noscript>enable js</noscript></body></html>`;
    expect(htmlToText(html)).toBe(
      ['Q3 & Q4', '', 'Report', '', 'Revenue rose by 5 % — <b>not bold</b> €10 A', '', '- one', '- two bold', '', 'Item | Cost', 'Paper | 3 < 4', '', 'a', 'b'].join(
        '\n',
      ),
    );
  });
});

describe('htmlToText on hostile markup', () => {
  test.each([
    ['unclosed cells', '<td>a '.repeat(50_000)],
    ['tags that never close', '<a'.repeat(100_000)],
    ['line breaks that never close', '<br'.repeat(100_000)],
    ['runs of &nbsp;', '&nbsp;'.repeat(50_000) + 'x'],
    ['unclosed comments and scripts', '<!--<script>'.repeat(30_000)],
  ])('%s cost linear time', (_, html) => {
    const started = Date.now();
    htmlToText(html);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('csvToText', () => {
  test('rows become lines of cells; quotes, doubled quotes and line breaks in cells are handled', () => {
    expect(csvToText('name,amount,note\r\n"Doe, Jane",12.50,"said ""hi""\nthen left"\nBob,3,\n')).toBe(
      'name | amount | note\nDoe, Jane | 12.50 | said "hi" then left\nBob | 3 |',
    );
  });

  test('the delimiter is taken from the first line (semicolon, tab)', () => {
    expect(csvToText('a;b;c\n1,5;2;3')).toBe('a | b | c\n1,5 | 2 | 3');
    expect(csvToText('a\tb\n1\t2')).toBe('a | b\n1 | 2');
  });
});

describe('extractText: text flowed onto nominal pages', () => {
  test('a short TXT is one page, text as is, words with approximate boxes', async () => {
    const [page, ...rest] = await pagesOf('Hello world.\n\nSecond paragraph here.\n');
    expect(rest).toHaveLength(0);
    expect(page).toMatchObject({ page: 1, source: 'text-layer', confidence: 1, width: 612, height: 792 });
    expect(page!.text).toBe('Hello world.\n\nSecond paragraph here.');
    expect(page!.words.map((w) => w.text)).toEqual(['Hello', 'world.', 'Second', 'paragraph', 'here.']);
    expect(page!.lines.map((l) => l.text)).toEqual(['Hello world.', 'Second paragraph here.']);
    // Reading order is top-to-bottom, left-to-right.
    const [hello, world, second] = page!.words;
    expect(world!.bbox[0]).toBeGreaterThan(hello!.bbox[0]);
    expect(second!.bbox[1]).toBeGreaterThan(hello!.bbox[1]);
    expectBoxesOnPage(page!);
  });

  test('long text wraps at word boundaries and breaks pages at paragraph boundaries', async () => {
    const paragraph = (n: number) => `Paragraph ${n}: ` + 'lorem ipsum dolor sit amet '.repeat(12).trim();
    const text = Array.from({ length: 40 }, (_, i) => paragraph(i + 1)).join('\n\n');
    const pages = await pagesOf(text);
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((p, i) => {
      expect(p.page).toBe(i + 1);
      expect(p.lines.length).toBeLessThanOrEqual(54);
      expect(p.text).toMatch(/^Paragraph \d+: lorem/); // every page starts with a whole paragraph
      expectBoxesOnPage(p);
    });
    // Wrapped lines rejoin with a space: the text of all pages is the source text.
    expect(pages.map((p) => p.text).join('\n\n')).toBe(text);
  });

  test('a form feed starts a new page; a word longer than a line is cut', async () => {
    const long = 'x'.repeat(100);
    const pages = await pagesOf(`first\fsecond ${long}`);
    expect(pages.map((p) => p.text)).toEqual(['first', `second ${long}`]);
    expect(pages[1]!.words.map((w) => w.text.length)).toEqual([6, 78, 22]);
  });

  test('Markdown stays as written; HTML and CSV become readable text', async () => {
    expect((await pagesOf('# Title\n\n- item *one*\n', 'md'))[0]!.text).toBe('# Title\n\n- item *one*');
    expect((await pagesOf('<html><body><p>Hi &amp; bye</p><script>x()</script></body></html>', 'html'))[0]!.text).toBe('Hi & bye');
    expect((await pagesOf('a,b\n1,2\n', 'csv'))[0]!.text).toBe('a | b\n1 | 2');
  });

  test('too many pages fail before any page is produced; empty and non-text files fail clearly', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n'); // 54 rows a page: 6 pages
    await expect(extractText(Buffer.from(many), type('txt'), 5).next()).rejects.toThrow('The document has 6 pages; the limit is 5.');
    await expect(pagesOf(' \n\n \t\n')).rejects.toThrow(new ExtractionError('The document contains no text.'));
    await expect(collect(extractText(Buffer.from([0xff, 0x00, 0x12]), type('txt'), 5))).rejects.toThrow('The file is not valid UTF-8 or UTF-16 text.');
  });
});

describe('extractDocx', () => {
  test('paragraphs and tables of a DOCX, on nominal pages', async () => {
    const docx = await makeDocx(['Service Agreement', 'This agreement renews every 12 months &amp; may be ended with notice.'], [
      ['Party', 'Role'],
      ['Acme Ltd', 'Supplier'],
    ]);
    const pages = (await collect(extractDocx(docx, 500))).map(asText);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.text).toBe(
      'Service Agreement\n\nThis agreement renews every 12 months & may be ended with notice.\n\nParty | Role\nAcme Ltd | Supplier',
    );
    expectBoxesOnPage(pages[0]!);
  });

  test('a long DOCX spans several pages', async () => {
    const docx = await makeDocx(Array.from({ length: 120 }, (_, i) => `Clause ${i + 1}. ` + 'The parties agree to the terms set out here. '.repeat(3)));
    const pages = (await collect(extractDocx(docx, 500))).map(asText);
    expect(pages.length).toBeGreaterThan(4);
    expect(pages.at(-1)!.text).toContain('Clause 120.');
    await expect(extractDocx(docx, 2).next()).rejects.toThrow(`The document has ${pages.length} pages; the limit is 2.`);
  });

  test('a zip without a Word document and a truncated DOCX fail clearly', async () => {
    const noDocument = await makeDocx(['x'], [], true);
    await expect(collect(extractDocx(noDocument, 500))).rejects.toThrow(/^The file is truncated or corrupt: .*document/);
    const docx = await makeDocx(['Hello']);
    await expect(collect(extractDocx(docx.subarray(0, docx.length - 30), 500))).rejects.toThrow(
      'The file is truncated or corrupt: the DOCX zip directory cannot be read.',
    );
  });

  test('the sizes a zip declares are ignored: a DOCX is judged by what it inflates to', async () => {
    // Declare word/document.xml as 4 GB in the central directory: it still holds a few bytes.
    const docx = await makeDocx(['Hello']);
    const overstated = Buffer.from(docx);
    overstated.writeUInt32LE(0xfffffff0, overstated.lastIndexOf(Buffer.from('word/document.xml')) - 46 + 24);
    expect(listZipEntries(overstated)!.find((e) => e.name === 'word/document.xml')!.uncompressedSize).toBe(0xfffffff0);
    expect((await collect(extractDocx(overstated, 500))).map((p) => asText(p).text)).toEqual(['Hello']);

    // And a part declared as 1,000 bytes that inflates to 300 MB stops at the limit.
    const started = Date.now();
    const limit = 'The DOCX expands to more than 32 MB of XML; the limit is 32 MB.';
    await expect(collect(extractDocx(lyingDocx(), 500))).rejects.toThrow(new ExtractionError(limit));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('XML bombs of 40 and 60 MB stop at the XML limit, before any parsing', async () => {
    for (const megabytes of [40, 60]) {
      const bomb = docxBomb(megabytes * 2 ** 20);
      expect(bomb.length).toBeLessThan(200_000);
      await expect(collect(extractDocx(bomb, 500))).rejects.toThrow(new ExtractionError('The DOCX expands to more than 32 MB of XML; the limit is 32 MB.'));
    }
    // The limit is a setting; a document under it reads.
    const small = docxBomb(2 ** 20);
    await expect(collect(extractDocx(small, 500, 2 ** 19))).rejects.toThrow('The DOCX expands to more than 0.5 MB of XML; the limit is 0.5 MB.');
    expect(await collect(extractDocx(docxBomb(2 ** 16, { paragraph: '<w:p><w:r><w:t>word</w:t></w:r></w:p>' }), 500, 2 ** 17))).not.toHaveLength(0);
  });
});
