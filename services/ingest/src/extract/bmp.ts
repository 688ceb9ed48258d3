import { ExtractionError, tooManyPixels } from './types.js';

export interface RawImage {
  /** RGB, 3 bytes a pixel, top row first. */
  data: Buffer;
  width: number;
  height: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const UNSUPPORTED = 'This kind of BMP (compressed or unusual bit depth) is not supported; convert it to PNG and upload it again.';

/** Reads one colour channel out of a packed pixel by its bit mask, scaled to 0..255. */
function channel(mask: number): (pixel: number) => number {
  if (!mask) return () => 0;
  const shift = 31 - Math.clz32(mask & -mask); // index of the mask's lowest set bit
  const max = mask >>> shift;
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

/**
 * A minimal BMP decoder, because libvips (sharp) has no BMP loader: uncompressed 1/4/8-bit
 * paletted, 16/24/32-bit, and BITFIELDS. RLE and embedded JPEG/PNG are refused with a clear reason.
 * The size is checked against `maxPixels` before anything is allocated.
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RawImage {
  const corrupt = (why: string) => new ExtractionError(`The file is truncated or corrupt: ${why}.`);
  if (bytes.length < 26) throw corrupt('the BMP header is incomplete');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12; // the old OS/2 header: 16-bit sizes, 3-byte palette entries
  if (!core && (headerSize < 40 || bytes.length < 14 + headerSize)) throw corrupt('the BMP header is incomplete');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const bits = view.getUint16(core ? 24 : 28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  if (width <= 0 || height <= 0) throw corrupt('the BMP has no pixels');
  if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);

  let pixelOf: (row: Uint8Array, x: number) => [number, number, number];
  if (bits <= 8 && compression === BI_RGB && [1, 4, 8].includes(bits)) {
    const entrySize = core ? 3 : 4;
    const paletteStart = 14 + headerSize;
    const colours = (!core && view.getUint32(46, true)) || 1 << bits;
    if (paletteStart + colours * entrySize > bytes.length) throw corrupt('the BMP palette is cut short');
    const perByte = 8 / bits;
    pixelOf = (row, x) => {
      const index = (row[Math.floor(x / perByte)]! >> ((perByte - 1 - (x % perByte)) * bits)) & ((1 << bits) - 1);
      const p = paletteStart + Math.min(index, colours - 1) * entrySize;
      return [bytes[p + 2]!, bytes[p + 1]!, bytes[p]!];
    };
  } else if (bits === 24 && compression === BI_RGB) {
    pixelOf = (row, x) => [row[x * 3 + 2]!, row[x * 3 + 1]!, row[x * 3]!];
  } else if ((bits === 16 || bits === 32) && (compression === BI_RGB || compression === BI_BITFIELDS)) {
    // Without BITFIELDS, 16-bit is 5-5-5 and 32-bit is 8-8-8 (the fourth byte unused).
    const masks =
      compression === BI_BITFIELDS
        ? [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)]
        : bits === 16
          ? [0x7c00, 0x03e0, 0x001f]
          : [0xff0000, 0x00ff00, 0x0000ff];
    const [r, g, b] = masks.map(channel) as [(p: number) => number, (p: number) => number, (p: number) => number];
    const bytesPerPixel = bits / 8;
    pixelOf = (row, x) => {
      const at = x * bytesPerPixel;
      const pixel = bits === 16 ? row[at]! | (row[at + 1]! << 8) : (row[at]! | (row[at + 1]! << 8) | (row[at + 2]! << 16) | (row[at + 3]! << 24)) >>> 0;
      return [r(pixel), g(pixel), b(pixel)];
    };
  } else throw new ExtractionError(UNSUPPORTED);

  const stride = Math.ceil((width * bits) / 32) * 4; // rows are padded to 4 bytes
  if (dataOffset + stride * height > bytes.length) throw corrupt('the BMP pixel data is cut short');
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    // Rows are stored bottom-up unless the height is negative.
    const sourceRow = signedHeight > 0 ? height - 1 - y : y;
    const row = bytes.subarray(dataOffset + sourceRow * stride, dataOffset + (sourceRow + 1) * stride);
    for (let x = 0; x < width; x++) data.set(pixelOf(row, x), (y * width + x) * 3);
  }
  return { data, width, height };
}
