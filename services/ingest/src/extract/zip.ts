import { inflateRawSync } from 'node:zlib';
import { ExtractionError } from './types.js';

/** One entry of a zip's central directory. Sizes are as declared by the archive: never trust them. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; anything else is not read. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
const LOCAL_HEADER = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

/**
 * The entries of a zip, read from its central directory (at the end of the file), or null when
 * that directory is missing or malformed (truncated file, not a zip, ZIP64). Reading the
 * directory, rather than inflating anything, is how a DOCX is recognised.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let p = bytes.length - EOCD_MIN; p >= Math.max(0, bytes.length - EOCD_MIN - MAX_COMMENT); p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  const offset = view.getUint32(eocd + 16, true);
  // 0xFFFF / 0xFFFFFFFF mean the real values live in a ZIP64 record: no DOCX needs that.
  if (count === 0xffff || offset === 0xffffffff) return null;

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL_SIGNATURE) return null;
    const nameLength = view.getUint16(p + 28, true);
    const next = p + 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    if (next > eocd) return null;
    entries.push({
      name: decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    });
    p = next;
  }
  return entries;
}

/**
 * The content of one entry, or null when it holds more than `maxBytes`. The bytes are counted
 * as they inflate and inflating stops just past the limit, whatever size the zip declares, so a
 * small file claiming a small entry cannot expand to gigabytes first.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Buffer | null {
  const corrupt = (why: string) => new ExtractionError(`The file is truncated or corrupt: the zip entry ${entry.name} ${why}.`);
  const header = entry.localHeaderOffset;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header + LOCAL_HEADER > bytes.length || view.getUint32(header, true) !== LOCAL_SIGNATURE) throw corrupt('cannot be found');
  const start = header + LOCAL_HEADER + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  if (start > bytes.length) throw corrupt('cannot be found');
  const data = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(entry.compressedSize, bytes.length - start));
  if (entry.method === STORED) return data.length > maxBytes ? null : data;
  if (entry.method !== DEFLATED) throw new ExtractionError(`The file uses a zip compression method (${entry.method}) that is not supported.`);
  try {
    // Node counts the output chunk by chunk and stops as soon as it passes the limit.
    const content = inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    return content.length > maxBytes ? null : content;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw corrupt(`cannot be inflated (${(e as Error).message})`);
  }
}
