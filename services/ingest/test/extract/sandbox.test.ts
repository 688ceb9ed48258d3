import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { metricsRegistry } from '@perceptiq/platform';
import { docxBomb, lyingDocx, makeBmp, pngDeclaring, WORD_PARAGRAPH } from '@perceptiq/testkit/fixtures';
import { sandboxProcesses } from '@perceptiq/testkit/processes';
import {
  DEFAULT_EXTRACT_LIMITS,
  ExtractionError,
  extractDocument,
  extractInSandbox,
  sniffType,
  type ImagePage,
  type ExtractLimits,
} from '../../src/extract/index.js';
import { collect, makeDocx, makePdf, scanImage } from './fixtures.js';

// The sandbox runs the built entry (dist/extract/sandbox-child.js): `tsc -b` first (npm test does).

/** Low DPI keeps rendering scans fast here; pdf.test.ts checks 300 DPI. */
const LIMITS: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, dpi: 50 };
const MiB = 2 ** 20;

async function typed(bytes: Buffer, filename: string) {
  const type = await sniffType(bytes, filename);
  if (!type) throw new Error(`${filename} is not supported`);
  return type;
}

async function sandboxFailure(bytes: Buffer, filename: string, limits: ExtractLimits = LIMITS): Promise<string> {
  const error = await collect(extractInSandbox({ bytes }, await typed(bytes, filename), limits)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractionError);
  return (error as Error).message;
}

/** Sandboxes this process started, alive or not yet reaped. */
const sandboxes = () => sandboxProcesses(process.pid).map((p) => p.pid);

async function stopsBy(reason: string): Promise<number> {
  const metric = await metricsRegistry().getSingleMetric('perceptiq_ingest_extraction_stops_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** The longest gap between ticks of a 10 ms interval while `work` runs: how long this event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = Date.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = Date.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, stallMs: Math.max(stallMs, Date.now() - last) };
  } finally {
    clearInterval(ticker);
  }
}

describe('extractInSandbox', () => {
  test('every format reads in the sandbox exactly as in process; page images arrive as PNG Buffers', async () => {
    const files: [Buffer, string][] = [
      [await scanImage(200, 100, { left: 10, top: 10, width: 50, height: 20 }), 'scan.png'],
      [makeBmp(3, 2, Array(6).fill([9, 9, 9]), 24), 'scan.bmp'],
      [(await makePdf([{ kind: 'text', lines: [{ text: 'Signed page', x: 72, y: 700, size: 12 }] }, { kind: 'scan' }])).bytes, 'mixed.pdf'],
      [await makeDocx(['Offer letter', 'Salary: 50,000 EUR'], [['Party', 'Role']]), 'offer.docx'],
      [Buffer.from('Meeting notes\nAction: renew\n'), 'notes.txt'],
      [Buffer.from('<!doctype html><title>Terms</title><p>Governing law: Ireland</p>'), 'terms.html'],
      [Buffer.from('invoice,amount\nINV-1,"1,200.00"\n'), 'ledger.csv'],
    ];
    for (const [bytes, filename] of files) {
      const type = await typed(bytes, filename);
      const counts: number[] = [];
      const sandboxed = await collect(extractInSandbox({ bytes }, type, { ...LIMITS, onPageCount: (n) => counts.push(n) }));
      const direct = await collect(extractDocument(bytes, type, LIMITS));
      expect(sandboxed).toEqual(direct);
      if (type.kind === 'pdf') expect(counts).toEqual([2]);
      for (const page of sandboxed.filter((p): p is ImagePage => p.source === 'image')) {
        expect(Buffer.isBuffer(page.image)).toBe(true);
        expect(page.image.subarray(1, 4).toString()).toBe('PNG');
      }
    }
    expect(sandboxes()).toEqual([]);
  });

  test('a document given as a file reads as from its bytes; a file that cannot be read is a retryable error naming no path', async () => {
    const { bytes } = await makePdf([{ kind: 'text', lines: [{ text: 'Filed page', x: 72, y: 700, size: 12 }] }, { kind: 'scan' }]);
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-input-'));
    try {
      const file = join(dir, 'stored.pdf');
      writeFileSync(file, bytes);
      const type = await typed(bytes, 'filed.pdf');
      const fromFile = await collect(extractInSandbox({ file }, type, LIMITS));
      expect(fromFile).toEqual(await collect(extractInSandbox({ bytes }, type, LIMITS)));
      expect(fromFile.map((p) => p.source)).toEqual(['text-layer', 'image']);

      const missing = await collect(extractInSandbox({ file: join(dir, 'gone.pdf') }, type, LIMITS)).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Error);
      expect(missing).not.toBeInstanceOf(ExtractionError); // not the document's fault: the job is tried again
      expect((missing as Error).message).toBe("The sandbox could not read the document's file (ENOENT).");
      expect(sandboxes()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a document's own failures come back with the reason extraction gives in process", async () => {
    const truncated = (await makeDocx(['Hello'])).subarray(0, 200);
    const docxType = { kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' } as const;
    const inSandbox = await collect(extractInSandbox({ bytes: truncated }, docxType, LIMITS)).catch((e: Error) => e);
    expect(inSandbox).toEqual(new ExtractionError('The file is truncated or corrupt: the DOCX zip directory cannot be read.'));
    const long = await makeDocx(Array.from({ length: 120 }, (_, i) => `Clause ${i + 1}. ` + 'The parties agree to the terms set out here. '.repeat(3)));
    expect(await sandboxFailure(long, 'long.docx', { ...LIMITS, maxPages: 2 })).toMatch(/^The document has \d+ pages; the limit is 2\.$/);
    expect(await sandboxFailure(pngDeclaring(30_000, 30_000), 'huge.png')).toBe('The image is 30000×30000 pixels (900 megapixels); the limit is 100 megapixels.');
  });

  test('the DOCX bombs (40 and 60 MB of XML) and the lying zip fail at the XML limit', async () => {
    const limit = 'The DOCX expands to more than 32 MB of XML; the limit is 32 MB.';
    for (const megabytes of [40, 60]) expect(await sandboxFailure(docxBomb(megabytes * MiB), 'bomb.docx')).toBe(limit);
    const started = Date.now();
    expect(await sandboxFailure(lyingDocx(), 'lying.docx')).toBe(limit);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sandboxes()).toEqual([]);
  });

  test('a DOCX needing more memory than the cap fails with that reason, while this event loop runs', async () => {
    // 30 MB of the smallest paragraphs: under the XML limit, far over 512 MB as mammoth's DOM.
    const bomb = docxBomb(30 * MiB);
    const before = await stopsBy('memory');
    const { result, stallMs } = await longestStall(() => sandboxFailure(bomb, 'bomb.docx'));
    expect(result).toBe('Reading the document needed more than 512 MB of memory; it was stopped.');
    // Parsed here, this bomb would block the loop for its whole 6+ s; the margin is for a busy machine.
    expect(stallMs).toBeLessThan(1_000);
    expect(await stopsBy('memory')).toBe(before + 1);
    // The cap is a setting.
    expect(await sandboxFailure(docxBomb(3 * MiB), 'bomb.docx', { ...LIMITS, maxMemoryMb: 64 })).toBe(
      'Reading the document needed more than 64 MB of memory; it was stopped.',
    );
  }, 120_000);

  test('a document slower than the time limit is stopped with that reason', async () => {
    const slow = docxBomb(2 * MiB, { paragraph: WORD_PARAGRAPH });
    const before = await stopsBy('timeout');
    const started = Date.now();
    expect(await sandboxFailure(slow, 'slow.docx', { ...LIMITS, timeoutMs: 300 })).toBe('Reading the document took longer than 0.3 s; it was stopped.');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stopsBy('timeout')).toBe(before + 1);
    expect(sandboxes()).toEqual([]);
    // With the default limit the same document reads.
    expect((await collect(extractInSandbox({ bytes: slow }, await typed(slow, 'slow.docx'), LIMITS))).length).toBeGreaterThan(10);
  });

  test('a sandbox that crashes fails the document with that reason; this process carries on', async () => {
    const slow = docxBomb(2 * MiB, { paragraph: WORD_PARAGRAPH });
    const before = await stopsBy('crash');
    const failure = sandboxFailure(slow, 'slow.docx');
    let pids: number[] = [];
    while (!(pids = sandboxes()).length) await new Promise((r) => setTimeout(r, 10));
    process.kill(pids[0]!, 'SIGSEGV');
    expect(await failure).toBe('Reading the document crashed the reader (SIGSEGV); it was stopped.');
    expect(await stopsBy('crash')).toBe(before + 1);
  });

  test('stopping early ends the sandbox', async () => {
    const { bytes } = await makePdf(Array.from({ length: 3 }, (_, i) => ({ kind: 'text' as const, lines: [{ text: `Page ${i + 1}`, x: 72, y: 700, size: 12 }] })));
    const pages = extractInSandbox({ bytes }, await typed(bytes, 'three.pdf'), LIMITS);
    expect((await pages.next()).value).toMatchObject({ page: 1, text: 'Page 1' });
    expect(sandboxes()).toHaveLength(1);
    await pages.return(undefined);
    expect(sandboxes()).toEqual([]);
  });
});
