/**
 * `node bench/dist/scan-rss.js <file.pdf> --dpi <dpi> --workers <n>`: the child process of the `ocr`
 * suite's memory measurement. It processes one PDF the way the ingest service does
 * (`sniffType` → `extractDocument` → every image page through one shared OCR engine, one page at a
 * time, as `DocumentProcessor` does) while the parent samples this process's RSS from /proc.
 *
 * Prints one JSON line per event on stdout: `{"type":"start"}` once the engine is up, `{"type":"page"}`
 * per page, `{"type":"done"}` at the end (engine closed), or `{"type":"error"}`. After `done` it
 * waits for its stdin to close, so the parent can read VmHWM of a process that has finished its
 * work but not yet exited; it exits at once if stdin closes earlier (the parent is gone).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_EXTRACT_LIMITS, extractDocument, sniffType, type ExtractLimits } from '../../services/ingest/dist/extract/index.js';
import { createTesseractEngine, type OcrEngine } from '../../services/ingest/dist/ocr/index.js';

export type ScanEvent =
  | { type: 'start'; engineStartMs: number; pid: number }
  | { type: 'page'; page: number; source: 'image' | 'text-layer' | 'blank'; width: number; height: number; renderMs: number; ocrMs: number; words: number; confidence: number; rssKb: number }
  | {
      type: 'done';
      pages: number;
      ocrPages: number;
      seconds: number;
      vmHwmKb: number;
      memory: NodeJS.MemoryUsage;
    }
  | { type: 'error'; message: string };

const emit = (event: ScanEvent) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** VmRSS / VmHWM of this process, in kB. */
function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) : 0;
}

function parseArgs(argv: string[]): { file: string; dpi: number; workers: number } {
  const [file, ...rest] = argv;
  if (!file) throw new Error('usage: scan-rss.js <file.pdf> --dpi <dpi> --workers <n>');
  let dpi = DEFAULT_EXTRACT_LIMITS.dpi;
  let workers = 1;
  for (let i = 0; i < rest.length; i += 2) {
    const value = Number(rest[i + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${rest[i]} needs a positive integer`);
    if (rest[i] === '--dpi') dpi = value;
    else if (rest[i] === '--workers') workers = value;
    else throw new Error(`unknown argument ${rest[i]}`);
  }
  return { file, dpi, workers };
}

async function main(): Promise<void> {
  const { file, dpi, workers } = parseArgs(process.argv.slice(2));
  let finished = false;
  // The parent closes stdin to let this process go; closing it early means the parent is gone.
  process.stdin.on('end', () => process.exit(finished ? 0 : 1));
  process.stdin.resume();

  const started = performance.now();
  // As the ingest service starts it (services/ingest/src/index.ts), with the default limits.
  const engine: OcrEngine = await createTesseractEngine({ workers, limitInputPixels: DEFAULT_EXTRACT_LIMITS.maxPixels });
  emit({ type: 'start', engineStartMs: performance.now() - started, pid: process.pid });

  const bytes = readFileSync(file);
  const type = await sniffType(bytes, file);
  if (type?.kind !== 'pdf') throw new Error(`${file} is not a PDF (sniffed ${type?.mime ?? 'nothing'})`);
  const limits: ExtractLimits = { maxPages: DEFAULT_EXTRACT_LIMITS.maxPages, maxPixels: DEFAULT_EXTRACT_LIMITS.maxPixels, dpi };
  const begun = performance.now();
  let pages = 0;
  let ocrPages = 0;
  let mark = performance.now();
  for await (const page of extractDocument(bytes, type, limits)) {
    const renderMs = performance.now() - mark;
    let ocrMs = 0;
    let words = 0;
    let confidence = 1;
    if (page.source === 'image') {
      const t = performance.now();
      const read = await engine.recognize(page.image, { pageHint: page.page });
      ocrMs = performance.now() - t;
      words = read.words.length;
      confidence = read.confidence;
      ocrPages++;
    } else if (page.source === 'text-layer') {
      words = page.words.length;
    }
    pages = page.page;
    emit({ type: 'page', page: page.page, source: page.source, width: page.width, height: page.height, renderMs, ocrMs, words, confidence, rssKb: status('VmRSS') });
    mark = performance.now();
  }
  const seconds = (performance.now() - begun) / 1000;
  await engine.close();
  finished = true;
  emit({ type: 'done', pages, ocrPages, seconds, vmHwmKb: status('VmHWM'), memory: process.memoryUsage() });
}

main().catch((err: Error) => {
  emit({ type: 'error', message: err.stack ?? err.message });
  process.exit(1);
});
