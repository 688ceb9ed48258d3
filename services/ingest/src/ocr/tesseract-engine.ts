import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Tesseract from 'tesseract.js';
import type { Logger } from '@perceptiq/platform';
import { readUpright, type OrientationGuess, type Reading } from './orientation.js';
import { splitPage } from './page-split.js';
import { boundedScale, DEFAULT_MAX_OCR_PIXELS, preprocess, rotateGray, scaleGray, toPgm, TARGET_DPI, type GrayImage } from './preprocess.js';
import { characterHeight } from './text-size.js';
import { offsetLayout, parseTsv, type LayoutParagraph, type PixelBox } from './tsv-layout.js';
import type { NormalizedBox, OcrEngine, OcrLine, OcrPage, OcrWord, RecognizeOptions, Rotation } from './types.js';

/**
 * Pages read with less confidence than this are flagged `lowQuality`, as are pages where nothing
 * was read. Few words alone is no flag: a sparse page (a title, a signature page) is no bad read.
 */
export const LOW_QUALITY_BELOW = 0.6;
/**
 * OSD reads pages scaled down to this short side: as accurate as at 300 DPI (measured: same
 * answers at half of a 2550×3300 page) and about twice as fast; at a quarter it finds nothing.
 */
const OSD_SHORT_SIDE_PX = 1300;
/**
 * The ingest package's own models: English from tessdata_fast (see tessdata/README.md). Measured
 * on bench-data against `@tesseract.js-data/eng`'s best_int model: 2.3× faster on pages and lines,
 * with the same CER (bench/RESULTS.md).
 */
const BUNDLED_TESSDATA = fileURLToPath(new URL('../../tessdata', import.meta.url));
/**
 * For languages not bundled, which data set of the @tesseract.js-data packages to load: the
 * LSTM-only integer models (smaller and faster to load than `4.0.0`, which adds the legacy engine
 * that recognition does not use). `osd` comes from there too.
 */
const NPM_DATA_SET = '4.0.0_best_int';
/**
 * Pages whose smaller lines (the first quartile, so a few large headings do not hide small body
 * text) are thinner than this, in pixels from ascender to descender, are read again scaled up to
 * TEXT_LINE_PX (12 pt at 300 DPI). Measured: tesseract loses most of a line at 8-11 px, reads
 * 12-14 px lines right, and gains little from 20-32 px (receipts: CER 39.4% → 39.1% for twice the
 * time), so only really small text pays for a second read. Measured on the page as read, because
 * neither the image size nor a 72 DPI header says how large its text is.
 */
const MIN_LINE_PX = 16;
const TEXT_LINE_PX = 46;
/**
 * An image this small (a screenshot, a crop) where no line at all was found may hold text too
 * small to find: it is read again scaled up. A page scanned at 150 DPI or more is larger.
 * Larger images are read in parts when they have some (see splitPage), smaller ones would gain
 * less than a job's overhead.
 */
const SMALL_IMAGE_PIXELS = 2_000_000;
/**
 * Pages whose characters (see characterHeight: mostly the x-height) are taller than
 * CHARACTERS_ABOVE_PX are scaled down until they are CHARACTER_PX tall before the first read.
 * tesseract spends much of a large page's time on layout and binarisation, which grow with the
 * pixels, while its recognizer normalizes every line to a fixed height anyway. Measured on
 * bench-data (bench/RESULTS.md), against reading at full size: the 300 DPI magazine page (22 px)
 * reads at 0.64 in ~25% less time with CER 2.31% instead of 2.66%; the line images (46-67 px)
 * 0.91% instead of 1.07%; receipts about the same (39.4% vs 39.3%). Fine print on a page of
 * 12 pt body text (24 px text, 6 pt at 300 DPI) still reads at under 1% CER; at half scale the
 * magazine page loses words.
 */
const CHARACTERS_ABOVE_PX = 18;
const CHARACTER_PX = 14;
/** Box fractions are rounded to this many decimals: a third of a pixel on a 300 DPI page. */
const BOX_DECIMALS = 4;
/** Languages written top to bottom on upright pages: there, vertical lines say nothing about how a page is turned. */
const VERTICAL_SCRIPTS = /^(jpn|chi_sim|chi_tra|kor)(_vert)?$/;

export interface TesseractEngineOptions {
  /**
   * Recognition workers (threads), each with a warm tesseract. Default: `os.availableParallelism()`.
   * One more thread runs orientation detection, mostly idle.
   */
  workers?: number;
  /** Tesseract language codes read together. Default `['eng']`. */
  langs?: string[];
  /**
   * One directory holding `<lang>.traineddata` (or `.traineddata.gz`) for every language and for
   * `osd`, e.g. Debian's `/usr/share/tesseract-ocr/5/tessdata`. Default: the bundled `tessdata/`
   * for English, the installed `@tesseract.js-data/<lang>` packages otherwise. Nothing is ever
   * downloaded.
   */
  dataDir?: string;
  /** Images with more pixels are refused from their header. Default 100 megapixels. */
  limitInputPixels?: number;
  /** Larger pages are scaled down to this many pixels before OCR. Default 40 megapixels. */
  maxOcrPixels?: number;
  logger?: Pick<Logger, 'debug'>;
}

interface Tessdata {
  dir: string;
  gzip: boolean;
}

interface PageReading extends Reading {
  text: string;
  words: OcrWord[];
  lines: OcrLine[];
  /** First-quartile thickness of the lines in pixels of the image read; 0 without lines. */
  lineHeight: number;
  /** Parts the page was read in (see readAt). */
  parts: number;
}

const require = createRequire(import.meta.url);

/**
 * Finds where the traineddata of `langs` lives. tesseract.js takes a single directory for all the
 * languages of a worker (its `langPath`), and without a local one it tries a CDN and hangs
 * forever (STACK.md trap 8), so every file is checked here, before any worker starts.
 */
function locateTessdata(langs: string[], dataDir: string | undefined): Tessdata {
  const found = langs.map((lang) => {
    if (!/^[a-z][a-z0-9_]*$/i.test(lang)) throw new Error(`"${lang}" is not a tesseract language code.`);
    let dir = dataDir;
    if (dir === undefined && existsSync(path.join(BUNDLED_TESSDATA, `${lang}.traineddata.gz`))) dir = BUNDLED_TESSDATA;
    if (dir === undefined) {
      try {
        dir = path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), NPM_DATA_SET);
      } catch {
        throw new Error(`No traineddata for language "${lang}": install @tesseract.js-data/${lang} or set dataDir.`);
      }
    }
    for (const gzip of [true, false]) {
      if (existsSync(path.join(dir, `${lang}.traineddata${gzip ? '.gz' : ''}`))) return { dir, gzip };
    }
    throw new Error(`No ${lang}.traineddata or ${lang}.traineddata.gz in ${dir}.`);
  });
  const first = found[0];
  if (!first) throw new Error('At least one OCR language is needed.');
  if (found.some((f) => f.dir !== first.dir || f.gzip !== first.gzip)) {
    throw new Error(`The traineddata of ${langs.join(', ')} is not in one directory, as tesseract.js needs: set dataDir to a directory holding all of them.`);
  }
  return first;
}

async function startWorker(langs: string[], oem: Tesseract.OEM, data: Tessdata, params: Partial<Tesseract.WorkerParams>, logger: TesseractEngineOptions['logger']): Promise<Tesseract.Worker> {
  const legacy = oem !== Tesseract.OEM.LSTM_ONLY;
  let started = false;
  let failStart!: (error: Error) => void;
  const startFailed = new Promise<never>((_, reject) => (failStart = reject));
  const worker = await Promise.race([
    Tesseract.createWorker(langs, oem, {
      langPath: data.dir,
      gzip: data.gzip,
      // The default cache writes a copy of the traineddata into the working directory.
      cacheMethod: 'none',
      legacyCore: legacy,
      legacyLang: legacy,
      // Without a handler, tesseract.js rethrows worker errors from its message listener, which
      // would take the process down. A failed initialisation is only reported here: the
      // createWorker promise would never settle.
      errorHandler: (error: unknown) => {
        if (started) logger?.debug({ err: String(error) }, 'tesseract job failed');
        else failStart(new Error(`A tesseract worker for ${langs.join('+')} failed to start: ${String(error)}`));
      },
    }),
    startFailed,
  ]);
  started = true;
  await worker.setParameters(params);
  return worker;
}

const RECOGNITION_PARAMS: Partial<Tesseract.WorkerParams> = {
  // Full automatic layout, as native tesseract's default: pages have columns, tables, headers.
  tessedit_pageseg_mode: Tesseract.PSM.AUTO,
  // Pages are scaled towards this; without it tesseract assumes 70 DPI and warns on stdout per page.
  user_defined_dpi: String(TARGET_DPI),
  // tesseract prints its diagnostics ("Too few characters…") on stdout, which is for JSON logs.
  debug_file: '/dev/null',
};

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const round = (v: number): number => Number(clamp01(v).toFixed(BOX_DECIMALS));

function toReading(layout: LayoutParagraph[], width: number, height: number, rotation: Rotation, verticalMeansSideways: boolean): PageReading {
  const box = (b: PixelBox): NormalizedBox => [round(b.x0 / width), round(b.y0 / height), round((b.x1 - b.x0) / width), round((b.y1 - b.y0) / height)];
  const words: OcrWord[] = [];
  const lines: OcrLine[] = [];
  const thicknesses: number[] = [];
  const paragraphs: string[] = [];
  // Sum of first-to-last-word vectors of the lines: the direction the text runs in this image.
  let flowX = 0;
  let flowY = 0;
  for (const paragraph of layout) {
    const paragraphLines: string[] = [];
    for (const line of paragraph) {
      const kept = line.words.filter((w) => w.text.trim() !== '');
      const first = kept[0];
      const last = kept[kept.length - 1];
      if (!first || !last) continue;
      // Word boxes, not character boxes: tesseract leaves those empty on vertical lines.
      flowX += last.bbox.x0 + last.bbox.x1 - first.bbox.x0 - first.bbox.x1;
      flowY += last.bbox.y0 + last.bbox.y1 - first.bbox.y0 - first.bbox.y1;
      const lineWords = kept.map((w): OcrWord => ({ text: w.text.trim(), bbox: box(w.bbox), confidence: clamp01(w.confidence / 100) }));
      const text = lineWords.map((w) => w.text).join(' ');
      lines.push({ text, bbox: box(line.bbox), confidence: clamp01(line.confidence / 100), words: lineWords });
      thicknesses.push(Math.min(line.bbox.x1 - line.bbox.x0, line.bbox.y1 - line.bbox.y0));
      words.push(...lineWords);
      paragraphLines.push(text);
    }
    if (paragraphLines.length > 0) paragraphs.push(paragraphLines.join('\n'));
  }
  // Weighted by length so a page is not judged by its stray one-character specks.
  let chars = 0;
  let weighted = 0;
  for (const w of words) {
    chars += w.text.length;
    weighted += w.confidence * w.text.length;
  }
  thicknesses.sort((a, b) => a - b);
  const reading: PageReading = {
    rotation,
    confidence: chars > 0 ? weighted / chars : 0,
    text: paragraphs.join('\n\n'),
    words,
    lines,
    lineHeight: thicknesses[Math.floor(thicknesses.length / 4)] ?? 0,
    parts: 1,
  };
  // tesseract reads a page turned by 90° on its own, as vertical lines: the text comes out right
  // but the boxes are those of a sideways page. Text running down the image means the page was
  // turned clockwise (270° turns it back), running up means counter-clockwise.
  if (verticalMeansSideways && Math.abs(flowY) > 2 * Math.abs(flowX)) return turnReading(reading, flowY > 0 ? 270 : 90);
  return reading;
}

/** Box of the same region once its page is turned `rotation` clockwise. */
function turnBox([x, y, w, h]: NormalizedBox, rotation: Rotation): NormalizedBox {
  switch (rotation) {
    case 0:
      return [x, y, w, h];
    case 90:
      return [round(1 - y - h), x, h, w];
    case 180:
      return [round(1 - x - w), round(1 - y - h), w, h];
    case 270:
      return [y, round(1 - x - w), h, w];
  }
}

/** The reading as if its page had been turned `rotation` further clockwise before being read. */
function turnReading(reading: PageReading, rotation: Rotation): PageReading {
  // Words are shared between page and lines: turn each once.
  for (const w of reading.words) w.bbox = turnBox(w.bbox, rotation);
  for (const l of reading.lines) l.bbox = turnBox(l.bbox, rotation);
  return { ...reading, rotation: ((reading.rotation + rotation) % 360) as Rotation };
}

const ROTATIONS: readonly number[] = [0, 90, 180, 270];

class TesseractEngine implements OcrEngine {
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  private readonly verticalMeansSideways: boolean;

  constructor(
    private readonly recognizers: Tesseract.Scheduler,
    private readonly detector: Tesseract.Scheduler,
    private readonly workers: Tesseract.Worker[],
    private readonly options: TesseractEngineOptions,
    langs: string[],
  ) {
    this.verticalMeansSideways = !langs.some((l) => VERTICAL_SCRIPTS.test(l));
  }

  async recognize(image: Buffer, options: RecognizeOptions = {}): Promise<OcrPage> {
    if (this.closing) throw new Error('The OCR engine has been closed.');
    const run = this.read(image, options);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled(this.inFlight);
      await Promise.all(this.workers.map((w) => w.terminate()));
    })();
    return this.closing;
  }

  private async read(image: Buffer, { pageHint }: RecognizeOptions): Promise<OcrPage> {
    const started = performance.now();
    const page = await preprocess(image, { limitInputPixels: this.options.limitInputPixels, maxOcrPixels: this.options.maxOcrPixels, pageHint });
    let reading = toReading([], page.image.width, page.image.height, 0, false);
    if (!page.blank) {
      let image = page.image;
      let characters = characterHeight(image);
      if (characters > CHARACTERS_ABOVE_PX) {
        image = await scaleGray(image, CHARACTER_PX / characters);
        characters = CHARACTER_PX;
      }
      let asGiven = await this.readAt(image, 0, characters);
      const smallText = asGiven.lineHeight > 0 && asGiven.lineHeight < MIN_LINE_PX;
      const nothingFound = asGiven.lineHeight === 0 && image.width * image.height <= SMALL_IMAGE_PIXELS;
      if (smallText || nothingFound) {
        // With nothing found, the scale is only bounded by boundedScale's limits.
        const wanted = smallText ? TEXT_LINE_PX / asGiven.lineHeight : Infinity;
        const grow = boundedScale(image.width, image.height, wanted, this.options.maxOcrPixels ?? DEFAULT_MAX_OCR_PIXELS);
        if (grow > 1) {
          const larger = await scaleGray(image, grow);
          const again = await this.readAt(larger, 0, characters * grow);
          if (again.confidence >= asGiven.confidence) [image, asGiven] = [larger, again];
        }
      }
      const upright = image;
      reading = await readUpright(asGiven, () => this.detect(upright), (rotation) => this.readAt(upright, rotation));
    }
    const sideways = reading.rotation === 90 || reading.rotation === 270;
    const result: OcrPage = {
      text: reading.text,
      words: reading.words,
      lines: reading.lines,
      confidence: reading.confidence,
      width: sideways ? page.height : page.width,
      height: sideways ? page.width : page.height,
      rotation: reading.rotation,
      lowQuality: reading.words.length === 0 || reading.confidence < LOW_QUALITY_BELOW,
      source: 'ocr',
    };
    this.options.logger?.debug(
      { page: pageHint, blank: page.blank, rotation: result.rotation, parts: reading.parts, confidence: result.confidence, words: result.words.length, ms: Math.round(performance.now() - started) },
      'OCR page read',
    );
    return result;
  }

  /**
   * Reads the image turned by `rotation`. A large upright page with parts that read apart (a
   * spread's halves, columns, sections: see splitPage) is read in those parts on several workers
   * at once, so one page does not leave the other workers idle; `characterPx`, the height of its
   * characters, tells how wide a gap between parts must be (0: read whole).
   */
  private async readAt(image: GrayImage, rotation: Rotation, characterPx = 0): Promise<PageReading> {
    const turned = rotation === 0 ? image : await rotateGray(image, rotation);
    const large = rotation === 0 && turned.width * turned.height > SMALL_IMAGE_PIXELS;
    // At most one part per recognition worker; one part (the whole page) for the rest.
    const regions = splitPage(turned, large ? this.recognizers.getNumWorkers() : 1, characterPx);
    const layouts = await Promise.all(
      regions.map(async (region) => {
        const { data } = await this.job(this.recognizers.addJob('recognize', toPgm(turned, region), {}, { text: false, tsv: true }));
        return offsetLayout(parseTsv(data.tsv ?? ''), region.x, region.y);
      }),
    );
    return { ...toReading(layouts.flat(), turned.width, turned.height, rotation, this.verticalMeansSideways), parts: regions.length };
  }

  private async detect(image: GrayImage): Promise<OrientationGuess | null> {
    const short = Math.min(image.width, image.height);
    const small = short > OSD_SHORT_SIDE_PX ? await scaleGray(image, OSD_SHORT_SIDE_PX / short) : image;
    const { data } = await this.job(this.detector.addJob('detect', toPgm(small)));
    // orientation_degrees is the clockwise rotation that makes the page upright.
    const degrees = data.orientation_degrees;
    if (degrees === null || !ROTATIONS.includes(degrees)) return null;
    return { rotation: degrees as Rotation, confidence: data.orientation_confidence ?? 0 };
  }

  /** tesseract.js rejects with bare strings; errors should be Errors. */
  private async job<T>(job: Promise<T>): Promise<T> {
    try {
      return await job;
    } catch (e) {
      throw e instanceof Error ? e : new Error(`tesseract failed: ${String(e)}`);
    }
  }
}

/**
 * Starts the OCR engine: `workers` warm recognition workers behind a scheduler (pages queue for
 * the next free one; none is created per page), plus one orientation (OSD) worker, only used for
 * pages that read poorly as given. Fully offline: traineddata comes from local files.
 */
export async function createTesseractEngine(options: TesseractEngineOptions = {}): Promise<OcrEngine> {
  const count = options.workers ?? os.availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new Error(`OCR workers must be a positive integer, not ${count}.`);
  const langs = options.langs ?? ['eng'];
  const textData = locateTessdata(langs, options.dataDir);
  const osdData = locateTessdata(['osd'], options.dataDir);

  const starting = [
    ...Array.from({ length: count }, () => startWorker(langs, Tesseract.OEM.LSTM_ONLY, textData, RECOGNITION_PARAMS, options.logger)),
    // OSD runs on the legacy engine, which the LSTM-only recognition data does not have.
    startWorker(['osd'], Tesseract.OEM.TESSERACT_ONLY, osdData, { debug_file: '/dev/null' }, options.logger),
  ];
  const settled = await Promise.allSettled(starting);
  const workers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failure.reason;
  }
  const recognizers = Tesseract.createScheduler();
  const detector = Tesseract.createScheduler();
  workers.slice(0, count).forEach((w) => recognizers.addWorker(w));
  detector.addWorker(workers[count]!);
  return new TesseractEngine(recognizers, detector, workers, options, langs);
}
