import { inflateSync } from 'node:zlib';
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFName, PDFNull, PDFNumber, PDFPageLeaf, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib';
import sharp, { type Metadata } from 'sharp';
import { TARGET_DPI } from '../ocr/preprocess.js';

/**
 * The fast path for scanned PDFs. A page that is nothing but one JPEG drawn over it goes to OCR
 * as that JPEG's own bytes: rendering it with pdfjs, encoding the render as PNG and decoding that
 * again in OCR costs several hundred ms of CPU a page, where OCR decodes the JPEG directly.
 * pdfjs has no API for a stream's undecoded bytes, so pdf-lib parses the file (once, on the first
 * page without a text layer). Every check below only answers "pass the JPEG through" or "render
 * as before", and so does any error: the fast path never fails a document.
 */

/** What pdfjs knows of a page: its object, its crop box (intersected with the media box) and /Rotate. */
export interface PageGeometry {
  ref: { num: number; gen: number } | null;
  view: number[];
  rotate: number;
}

/** Size in pixels of the render the page would get instead. */
export interface RenderSize {
  width: number;
  height: number;
}

/** A page's own JPEG, checked, and ready for OCR. */
export interface ScanImage {
  image: Buffer;
  /** Pixels of the JPEG. */
  width: number;
  height: number;
  /**
   * RGBA pixels of the JPEG decoded at PREVIEW_SCALE, for the blank check. Decoding it also
   * proves the JPEG whole.
   */
  preview: Buffer;
}

/** A scan's content is a few dozen bytes; more than this is not a bare scan (and bounds an inflate bomb). */
const MAX_CONTENT_BYTES = 2 ** 20;
/** How far, in points, the image's corners may be from the crop box's: scanning tools round. */
const COVER_TOLERANCE = 1;
/** OCR must read the JPEG at this close (as a fraction) to the resolution it would read the render at. */
const RESOLUTION_TOLERANCE = 0.1;
/** preprocess() takes declared densities from this up as a scan's (below: 72, 96 software defaults) and scales to TARGET_DPI. */
const MIN_SCAN_DPI = 100;
/**
 * The blank check reads the JPEG at this fraction of its sides: libjpeg decodes at 1/4 directly
 * (DCT scaling). Measured on a 300-DPI letter page: 30 ms of CPU, where a full decode takes 110.
 * Ink OCR would count (48 levels from paper) keeps 12 levels even as a 1-pixel line, more than the
 * blank check's tolerance.
 */
const PREVIEW_SCALE = 1 / 4;

const name = (s: string) => PDFName.of(s);
const KEY = {
  bitsPerComponent: name('BitsPerComponent'),
  colorSpace: name('ColorSpace'),
  decode: name('Decode'),
  decodeParms: name('DecodeParms'),
  extGState: name('ExtGState'),
  filter: name('Filter'),
  height: name('Height'),
  subtype: name('Subtype'),
  width: name('Width'),
  xObject: name('XObject'),
};
const DCT = name('DCTDecode');
const FLATE = name('FlateDecode');
const CHANNELS = new Map<PDFObject | undefined, number>([
  [name('DeviceGray'), 1],
  [name('DeviceRGB'), 3],
]);
/**
 * Entries an image XObject may have and still paint exactly its JPEG. Anything else (SMask, Mask,
 * ImageMask, OC, Alternates, …) could change what pdfjs draws: render.
 */
const IMAGE_KEYS = new Set(
  ['Type', 'Subtype', 'Width', 'Height', 'ColorSpace', 'BitsPerComponent', 'Filter', 'DecodeParms', 'Decode', 'Length', 'Intent', 'Interpolate', 'Name', 'Metadata', 'StructParent'].map(name),
);
/** Graphics state entries that change nothing in how one opaque image is painted (lines, overprint, flatness, intent). */
const NEUTRAL_GS_KEYS = new Set(['Type', 'LW', 'LC', 'LJ', 'ML', 'D', 'RI', 'OP', 'op', 'OPM', 'FL', 'SM', 'SA'].map(name));
const NORMAL_BLEND = new Set([name('Normal'), name('Compatible')]);

type Matrix = [a: number, b: number, c: number, d: number, e: number, f: number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** The page's own JPEG, when pdfjs' render would draw nothing but it over the whole page, untransformed. */
export class ScanImages {
  private parsed: Promise<PDFDocument | undefined> | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxPixels: number,
  ) {}

  /** The page's JPEG, or undefined: render it. */
  async find(page: PageGeometry, render: RenderSize): Promise<ScanImage | undefined> {
    try {
      const doc = await this.document();
      const found = doc && page.ref && page.rotate === 0 ? pageJpeg(doc, PDFRef.of(page.ref.num, page.ref.gen), page.view) : undefined;
      return found && (await checkedJpeg(found, render, this.maxPixels));
    } catch {
      return undefined; // an odd file, or one pdf-lib reads differently: pdfjs renders it
    }
  }

  /** pdf-lib's view of the file, parsed once; undefined (render every page) when it cannot read it. */
  private document(): Promise<PDFDocument | undefined> {
    // pdf-lib slices each stream out of its input: a Buffer's slice is a view, so the streams share
    // the document's bytes rather than copying them. Encrypted files throw (their streams are
    // encrypted); pdfjs has opened them already.
    const { buffer, byteOffset, byteLength } = this.bytes;
    this.parsed ??= PDFDocument.load(Buffer.from(buffer, byteOffset, byteLength), { ignoreEncryption: false, updateMetadata: false, parseSpeed: ParseSpeeds.Fastest }).catch(() => undefined);
    return this.parsed;
  }
}

interface EmbeddedJpeg {
  bytes: Buffer;
  width: number;
  height: number;
  channels: number;
}

/** The JPEG page `ref` consists of, or undefined when the page is anything else. */
function pageJpeg(doc: PDFDocument, ref: PDFRef, view: number[]): EmbeddedJpeg | undefined {
  const leaf = doc.context.lookup(ref);
  // Annotations: pdfjs draws their appearances over the page.
  if (!(leaf instanceof PDFPageLeaf) || leaf.Annots()?.size()) return undefined;
  const content = pageContent(leaf);
  const resources = leaf.Resources();
  if (content === undefined || !resources) return undefined;
  const gState = (gs: string) => resources.lookupMaybe(KEY.extGState, PDFDict)?.lookupMaybe(name(gs), PDFDict);
  const drawn = onlyImage(content, (gs) => neutralGState(gState(gs)));
  if (!drawn || !coversBox(drawn.ctm, view)) return undefined;
  return embeddedJpeg(resources.lookupMaybe(KEY.xObject, PDFDict)?.lookup(name(drawn.image)));
}

/** The page's content streams, decoded and joined, or undefined beyond MAX_CONTENT_BYTES or with filters other than Flate. */
function pageContent(leaf: PDFPageLeaf): string | undefined {
  const contents = leaf.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((s) => leaf.context.lookup(s)) : [contents];
  let left = MAX_CONTENT_BYTES;
  const parts: string[] = [];
  for (const stream of streams) {
    if (!(stream instanceof PDFRawStream) || left <= 0) return undefined;
    const part = decodeContent(stream, left);
    if (!part) return undefined;
    left -= part.length;
    parts.push(part.toString('latin1'));
  }
  // Streams of an array join as if one, at token boundaries.
  return parts.join('\n');
}

function decodeContent(stream: PDFRawStream, max: number): Buffer | undefined {
  const filters = filtersOf(stream.dict);
  if (!filters.length) return stream.contents.length <= max ? Buffer.from(stream.contents) : undefined;
  if (filters.length > 1 || filters[0] !== FLATE || !absent(stream.dict.lookup(KEY.decodeParms))) return undefined;
  return inflateSync(stream.contents, { maxOutputLength: max }); // throws beyond `max`
}

function filtersOf(dict: PDFDict): (PDFObject | undefined)[] {
  const filter = dict.lookup(KEY.filter);
  if (filter === undefined) return [];
  return filter instanceof PDFArray ? filter.asArray().map((f) => dict.context.lookup(f)) : [filter];
}

const absent = (value: PDFObject | undefined) => value === undefined || value === PDFNull;

/** Content-stream tokens: numbers, /names (as strings without the slash) and operators; undefined for anything else. */
function* tokens(content: string): Generator<number | { name: string } | { op: string } | undefined> {
  // Whitespace, a comment, a name, a number, an operator. Strings, arrays, dictionaries and inline
  // images start with delimiters none of these match: they end the scan.
  const TOKEN = /[\0\t\n\f\r ]+|%[^\r\n]*|\/([^\0\t\n\f\r ()<>[\]{}/%]*)|([+-]?(?:\d+\.?\d*|\.\d+))(?![^\0\t\n\f\r ()<>[\]{}/%])|([^\0\t\n\f\r ()<>[\]{}/%]+)/y;
  while (TOKEN.lastIndex < content.length) {
    const m = TOKEN.exec(content);
    if (!m) {
      yield undefined;
      return;
    }
    if (m[1] !== undefined) yield { name: m[1] };
    else if (m[2] !== undefined) yield Number(m[2]);
    else if (m[3] !== undefined) yield { op: m[3] };
  }
}

/**
 * The one image XObject the content paints and the transform it is painted with, when it does
 * nothing else: only q, Q, cm, gs (with a graphics state `neutral` accepts) and a single Do.
 */
function onlyImage(content: string, neutral: (gs: string) => boolean): { image: string; ctm: Matrix } | undefined {
  const saved: Matrix[] = [];
  let ctm = IDENTITY;
  let operands: (number | string)[] = [];
  let drawn: { image: string; ctm: Matrix } | undefined;
  for (const token of tokens(content)) {
    if (token === undefined) return undefined;
    if (typeof token === 'number' || 'name' in token) {
      operands.push(typeof token === 'number' ? token : token.name);
      continue;
    }
    const [first] = operands;
    const oneName = operands.length === 1 && typeof first === 'string';
    switch (token.op) {
      case 'q':
        if (operands.length) return undefined;
        saved.push(ctm);
        break;
      case 'Q':
        if (operands.length || !saved.length) return undefined;
        ctm = saved.pop()!;
        break;
      case 'cm':
        if (operands.length !== 6 || !operands.every((o) => typeof o === 'number')) return undefined;
        ctm = multiply(operands as Matrix, ctm);
        break;
      case 'gs':
        if (!oneName || !neutral(first)) return undefined;
        break;
      case 'Do':
        if (!oneName || drawn) return undefined;
        drawn = { image: first, ctm };
        break;
      default:
        return undefined;
    }
    operands = [];
  }
  return operands.length ? undefined : drawn;
}

/** `m` then `n`: how `cm` concatenates a matrix to the current one (PDF 32000-1, 8.3.4). */
function multiply([a, b, c, d, e, f]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix {
  return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2];
}

/** Whether every entry of a graphics state leaves an opaque image's painting as it is (no soft mask, blend, alpha or transfer). */
function neutralGState(gs: PDFDict | undefined): boolean {
  return !!gs?.entries().every(([key, raw]) => {
    if (NEUTRAL_GS_KEYS.has(key)) return true;
    const value = gs.context.lookup(raw);
    if (key === name('CA') || key === name('ca')) return value instanceof PDFNumber && value.asNumber() === 1;
    if (key === name('BM')) return value instanceof PDFName && NORMAL_BLEND.has(value);
    if (key === name('SMask')) return value === name('None');
    return false;
  });
}

/** Whether the unit square, transformed, lands on the box corner for corner: upright, not mirrored, not skewed. */
function coversBox([a, b, c, d, e, f]: Matrix, [x0, y0, x1, y1]: number[]): boolean {
  const corners = [
    [0, 0, x0, y0],
    [1, 0, x1, y0],
    [0, 1, x0, y1],
    [1, 1, x1, y1],
  ] as const;
  return corners.every(([u, v, x, y]) => Math.abs(a * u + c * v + e - x) <= COVER_TOLERANCE && Math.abs(b * u + d * v + f - y) <= COVER_TOLERANCE);
}

/** The stream's bytes, when it is an image that is exactly one 8-bit grey or RGB JPEG, unmasked and not remapped. */
function embeddedJpeg(image: PDFObject | undefined): EmbeddedJpeg | undefined {
  if (!(image instanceof PDFRawStream)) return undefined;
  const { dict } = image;
  const filters = filtersOf(dict);
  const channels = CHANNELS.get(dict.lookup(KEY.colorSpace));
  const ok =
    dict.keys().every((k) => IMAGE_KEYS.has(k)) &&
    dict.lookup(KEY.subtype) === name('Image') &&
    filters.length === 1 &&
    filters[0] === DCT &&
    absent(dict.lookup(KEY.decodeParms)) && // only /ColorTransform, which overrides the JPEG's own
    channels !== undefined &&
    numberAt(dict, KEY.bitsPerComponent) === 8 &&
    identityDecode(dict.lookup(KEY.decode), channels);
  if (!ok) return undefined;
  const { contents } = image;
  // A view of the document's bytes, as pdf-lib's stream is: no copy.
  const bytes = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  return { bytes, width: numberAt(dict, KEY.width), height: numberAt(dict, KEY.height), channels };
}

const numberAt = (dict: PDFDict, key: PDFName) => dict.lookup(key, PDFNumber).asNumber();

/** No /Decode, or [0 1] for every channel. */
function identityDecode(decode: PDFObject | undefined, channels: number): boolean {
  if (absent(decode)) return true;
  if (!(decode instanceof PDFArray) || decode.size() !== 2 * channels) return false;
  return decode.asArray().every((_, i) => {
    const n = decode.lookup(i);
    return n instanceof PDFNumber && n.asNumber() === i % 2;
  });
}

/**
 * The JPEG with its blank-check preview, after checking its own header against the image
 * dictionary (sizes, channels; no EXIF orientation, which pdfjs ignores and OCR would apply), the
 * pixel limit and the resolution OCR will read it at.
 */
async function checkedJpeg(jpeg: EmbeddedJpeg, render: RenderSize, maxPixels: number): Promise<ScanImage | undefined> {
  const meta = await sharp(jpeg.bytes, { limitInputPixels: false }).metadata(); // the header only
  const { bytes: image, width, height } = jpeg;
  const matches = meta.format === 'jpeg' && meta.width === width && meta.height === height && meta.channels === jpeg.channels && (meta.orientation ?? 1) === 1;
  if (!matches || width * height > maxPixels || !sameOcrResolution(meta, render)) return undefined;
  // `truncated`, as for uploaded images: a truncated JPEG is rendered instead, as before.
  const preview = await sharp(image, { limitInputPixels: maxPixels, failOn: 'truncated' })
    .resize(Math.ceil(width * PREVIEW_SCALE), Math.ceil(height * PREVIEW_SCALE), { fit: 'fill' })
    .ensureAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  return { image, width, height, preview };
}

/**
 * Whether OCR reads the JPEG at (within RESOLUTION_TOLERANCE) the resolution it would read the
 * render at. The render is a PNG at the OCR DPI declaring 72 DPI, which preprocess() leaves at its
 * size. A JPEG declaring a scan's density (from MIN_SCAN_DPI) is scaled by preprocess() to
 * TARGET_DPI from it, as any uploaded scan; one declaring nothing, or a default, stays at its size.
 * So a 300-DPI scan passes at the default 300 DPI, and so does a 150-DPI scan that says so (OCR
 * doubles it, as pdfjs would have); a 150-DPI scan declaring 72 DPI would be read at half the
 * resolution: it is rendered, upscaled by pdfjs as before.
 */
function sameOcrResolution({ width = 0, height = 0, density }: Metadata, render: RenderSize): boolean {
  const scale = density !== undefined && density >= MIN_SCAN_DPI ? TARGET_DPI / density : 1;
  return Math.abs((width * scale) / render.width - 1) <= RESOLUTION_TOLERANCE && Math.abs((height * scale) / render.height - 1) <= RESOLUTION_TOLERANCE;
}
