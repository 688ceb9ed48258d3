import { describe, expect, test } from '@jest/globals';
import JSZip from 'jszip';
import { docxBomb, lyingDocx } from '@perceptiq/testkit/fixtures';
import { listZipEntries, readZipEntry } from '../../src/extract/zip.js';

const MiB = 2 ** 20;
const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;

describe('readZipEntry', () => {
  test('reads stored and deflated entries as they are', async () => {
    for (const compression of ['STORE', 'DEFLATE'] as const) {
      const zip = new JSZip();
      zip.file('a.xml', '<a>' + 'hello '.repeat(1000) + '</a>');
      zip.file('empty.txt', '');
      const bytes = await zip.generateAsync({ type: 'nodebuffer', compression });
      const entries = listZipEntries(bytes)!;
      expect(entries.map((e) => [e.name, e.method])).toEqual([
        ['a.xml', compression === 'STORE' ? 0 : 8],
        ['empty.txt', 0], // jszip stores empty files
      ]);
      expect(readZipEntry(bytes, entries[0]!, MiB)!.toString()).toBe('<a>' + 'hello '.repeat(1000) + '</a>');
      expect(readZipEntry(bytes, entries[1]!, 0)!.length).toBe(0);
      expect(readZipEntry(bytes, entries[0]!, 100)).toBeNull();
    }
  });

  test('counts what an entry inflates to, not what the zip declares', () => {
    // Declared 1,000 bytes, holds 4 MiB: read in full when the limit allows it.
    const understated = docxBomb(4 * MiB, { declaredSize: 1_000 });
    const entry = listZipEntries(understated)!.find((e) => e.name === 'word/document.xml')!;
    expect(entry.uncompressedSize).toBe(1_000);
    expect(readZipEntry(understated, entry, 8 * MiB)!.length).toBeGreaterThanOrEqual(4 * MiB);
    expect(readZipEntry(understated, entry, 2 * MiB)).toBeNull();
  });

  test('the lying zip (1,000 bytes declared, 300 MB inside) stops at the limit, fast and in little memory', () => {
    const bytes = lyingDocx();
    const entry = listZipEntries(bytes)!.find((e) => e.name === 'word/document.xml')!;
    const peakBefore = peakRssBytes();
    const started = Date.now();
    expect(readZipEntry(bytes, entry, 32 * MiB)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(peakRssBytes() - peakBefore).toBeLessThan(100 * MiB);
  });

  test('a truncated entry or an unknown compression fails as a corrupt file', () => {
    const bytes = docxBomb(MiB);
    const entries = listZipEntries(bytes)!;
    const document = entries.find((e) => e.name === 'word/document.xml')!;
    expect(() => readZipEntry(bytes, { ...document, compressedSize: 100 }, 2 * MiB)).toThrow(
      /^The file is truncated or corrupt: the zip entry word\/document.xml cannot be inflated/,
    );
    expect(() => readZipEntry(bytes, { ...document, localHeaderOffset: bytes.length - 10 }, 2 * MiB)).toThrow(
      'The file is truncated or corrupt: the zip entry word/document.xml cannot be found.',
    );
    expect(() => readZipEntry(bytes, { ...document, method: 12 }, 2 * MiB)).toThrow('The file uses a zip compression method (12) that is not supported.');
  });
});
