/** One entry of a zip's central directory. Sizes are as declared by the archive. */
export interface ZipEntry {
  name: string;
  uncompressedSize: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

/**
 * The entries of a zip, read from its central directory (at the end of the file), or null when
 * that directory is missing or malformed (truncated file, not a zip, ZIP64). Reading the
 * directory, rather than inflating anything, is how a DOCX is recognised and its expanded size
 * judged before a parser is let loose on it.
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
      uncompressedSize: view.getUint32(p + 24, true),
    });
    p = next;
  }
  return entries;
}
