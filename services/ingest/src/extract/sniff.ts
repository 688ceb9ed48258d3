import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { decodeText } from './text.js';
import type { DetectedType } from './types.js';
import { listZipEntries } from './zip.js';

const IMAGES: Record<string, DetectedType> = {
  png: { kind: 'image', mime: 'image/png', ext: 'png' },
  apng: { kind: 'image', mime: 'image/png', ext: 'png' }, // an animated PNG is a PNG (first frame)
  jpg: { kind: 'image', mime: 'image/jpeg', ext: 'jpg' },
  tif: { kind: 'image', mime: 'image/tiff', ext: 'tif' },
  webp: { kind: 'image', mime: 'image/webp', ext: 'webp' },
  gif: { kind: 'image', mime: 'image/gif', ext: 'gif' },
  bmp: { kind: 'image', mime: 'image/bmp', ext: 'bmp' },
};
const PDF: DetectedType = { kind: 'pdf', mime: 'application/pdf', ext: 'pdf' };
const DOCX: DetectedType = { kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' };
const TEXTS = {
  txt: { kind: 'text', mime: 'text/plain', ext: 'txt' },
  md: { kind: 'text', mime: 'text/markdown', ext: 'md' },
  html: { kind: 'text', mime: 'text/html', ext: 'html' },
  csv: { kind: 'text', mime: 'text/csv', ext: 'csv' },
} satisfies Record<string, DetectedType>;
const TEXT_EXTENSIONS: Record<string, keyof typeof TEXTS> = { md: 'md', markdown: 'md', html: 'html', htm: 'html', xhtml: 'html', csv: 'csv', tsv: 'csv' };

/** Enough of a text file to judge it; the rest is checked when it is extracted. */
const TEXT_SAMPLE_BYTES = 64 * 1024;
/** Bytes enough for every signature file-type knows and to tell text from binary (the text sample). */
export const HEAD_BYTES = TEXT_SAMPLE_BYTES;
/** A zip (DOCX or not) is told apart by its directory at the end. */
const isZip = (head: Uint8Array) => head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
/**
 * An HTML document announces itself at the top (after comments or an XML declaration). A comment
 * may not run past its own `-->`: a lazy `[\s\S]*?` there backtracks exponentially on many comments.
 */
const HTML_START = /^(?:\s|<!--(?:(?!-->)[\s\S])*-->|<\?xml[^<>]*>)*<(?:!doctype\s+html|html[\s>])/i;

/** A DOCX is a zip holding a Word main document part, not merely a zip that says so. */
const isWordDocument = (bytes: Uint8Array) => listZipEntries(bytes)?.some((e) => /^word\/document\d*\.xml$/.test(e.name)) ?? false;

function sniffText(bytes: Uint8Array, filename: string): DetectedType | null {
  // Partial: the sample (or the head the caller passed) may end mid-character.
  const sample = decodeText(bytes.subarray(0, TEXT_SAMPLE_BYTES), true);
  if (sample === null) return null;
  if (HTML_START.test(sample)) return TEXTS.html;
  return TEXTS[TEXT_EXTENSIONS[path.extname(filename).slice(1).toLowerCase()] ?? 'txt'];
}

/**
 * The type of an upload, from its bytes; the name only chooses among text formats, which have no
 * magic number. Pass the whole file, or at least its first 64 KiB, except for a zip (first bytes
 * `PK\x03\x04`): a DOCX is recognised by the zip directory at its end, so a zip must be whole.
 * Null means unsupported (executables, archives, other formats, empty files): answer 415.
 */
export async function sniffType(bytes: Uint8Array, filename: string): Promise<DetectedType | null> {
  if (!bytes.length) return null;
  const found = await fileTypeFromBuffer(bytes);
  // Illustrator files are PDFs with private data (file-type calls them `ai`).
  if (found?.ext === 'pdf' || found?.ext === 'ai') return PDF;
  if (found?.ext === 'docx') return isWordDocument(bytes) ? DOCX : null;
  // Before images: text may start with a two-byte magic number ("BM…" is BMP to file-type), while
  // binary formats never decode as NUL-free text.
  const text = sniffText(bytes, filename);
  if (text) return text;
  return (found && IMAGES[found.ext]) || null;
}

/**
 * The type of a stored file of `size` bytes from its head (its first HEAD_BYTES), reading it
 * `whole` only where the head cannot tell: a zip, whose directory is at its end, or a format
 * recognised past its head (a TIFF's IFDs written after the pixels). Most files are never read
 * whole here: a 36 MB scanned PDF is told from its first 64 KiB.
 */
export async function sniffStored(head: Uint8Array, size: number, filename: string, whole: () => Promise<Uint8Array>): Promise<DetectedType | null> {
  if (isZip(head)) return sniffType(await whole(), filename);
  return (await sniffType(head, filename)) ?? (size > head.length ? sniffType(await whole(), filename) : null);
}

/** The first `limit` bytes of what passes through it, chunk by chunk, without holding more. */
export class HeadKeeper {
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(private readonly limit = HEAD_BYTES) {}

  /** Keeps what of `chunk` still falls in the head; true once the head is full. */
  add(chunk: Buffer): boolean {
    if (this.kept < this.limit) {
      this.chunks.push(chunk.subarray(0, this.limit - this.kept));
      this.kept += Math.min(chunk.length, this.limit - this.kept);
    }
    return this.kept >= this.limit;
  }

  head(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The first `bytes` of a stream (all of it when shorter); the stream is closed after. */
export async function readHead(stream: Readable, bytes = HEAD_BYTES): Promise<Buffer> {
  const head = new HeadKeeper(bytes);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) if (head.add(chunk)) break;
  } finally {
    stream.destroy();
  }
  return head.head();
}
