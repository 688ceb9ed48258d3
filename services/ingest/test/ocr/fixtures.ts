// Page images with known text, made on the spot. The font is Liberation Sans from pdfjs-dist's
// standard_fonts (an installed dependency), so the pictures do not depend on system fonts.
import { createRequire } from 'node:module';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { NormalizedBox } from '../../src/ocr/types.js';

export const FIXTURE_FONT = 'Perceptiq Fixture Sans';

const require = createRequire(import.meta.url);
GlobalFonts.registerFromPath(
  path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf'),
  FIXTURE_FONT,
);

export interface DrawnWord {
  text: string;
  /** Ink box of the word as drawn, normalized to the image like OcrWord.bbox. */
  bbox: NormalizedBox;
}

export interface TextImage {
  png: Buffer;
  width: number;
  height: number;
  /** What was drawn: lines joined by `\n` (wrapping included), paragraphs by a blank line. */
  text: string;
  words: DrawnWord[];
}

export interface RenderTextOptions {
  /** Pixels; the default page is US letter at 300 DPI. */
  width?: number;
  height?: number;
  /** Pixels; 50 px is 12 pt at 300 DPI. */
  fontSize?: number;
  margin?: number;
}

/** Draws `text` black on white, word-wrapped; `\n` starts a new paragraph. */
export function renderText(text: string, options: RenderTextOptions = {}): TextImage {
  const { width = 2550, height = 3300, fontSize = 50, margin = 200 } = options;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${fontSize}px "${FIXTURE_FONT}"`;
  ctx.textBaseline = 'alphabetic';

  const lineHeight = Math.round(fontSize * 1.6);
  const space = ctx.measureText(' ').width;
  const words: DrawnWord[] = [];
  const paragraphs: string[] = [];
  let y = margin + fontSize;
  for (const paragraph of text.split('\n')) {
    const lines: string[][] = [[]];
    let x = margin;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const m = ctx.measureText(word);
      if (x > margin && x + m.width > width - margin) {
        x = margin;
        y += lineHeight;
        lines.push([]);
      }
      ctx.fillText(word, x, y);
      const left = x - m.actualBoundingBoxLeft;
      const top = y - m.actualBoundingBoxAscent;
      words.push({
        text: word,
        bbox: [left / width, top / height, (m.actualBoundingBoxLeft + m.actualBoundingBoxRight) / width, (m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) / height],
      });
      lines[lines.length - 1]!.push(word);
      x += m.width + space;
    }
    paragraphs.push(lines.map((l) => l.join(' ')).join('\n'));
    y += lineHeight * 2;
  }
  return { png: canvas.toBuffer('image/png'), width, height, text: paragraphs.join('\n\n'), words };
}

/** Character error rate: Levenshtein distance over characters / expected length, whitespace runs collapsed. */
export function cer(expected: string, actual: string): number {
  const a = [...expected.replace(/\s+/g, ' ').trim()];
  const b = [...actual.replace(/\s+/g, ' ').trim()];
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]! / a.length;
}

/**
 * A valid 8-bit grayscale PNG of about 60 bytes whose header declares `width`×`height`: its pixel
 * data is an empty zlib stream, so only a reader that trusts the header before decoding sees
 * the size, and one that decodes first fails (or allocates width×height bytes).
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13); // bit depth 8, colour type 0 (gray), no interlace
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(0))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
