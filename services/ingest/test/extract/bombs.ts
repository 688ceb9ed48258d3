import { constants, deflateRawSync } from 'node:zlib';

/**
 * DOCX bombs, made on the spot: small files whose XML expands to tens or hundreds of MB. The zip
 * is written by hand so its directory can declare any size, and its XML is deflated once per
 * distinct piece: deflate segments ended by a sync flush can be concatenated, so a 300 MB part
 * costs one 1 MiB deflate, not 300 MB of memory in the test.
 */

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOCUMENT_HEAD = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOCUMENT_TAIL = '</w:body></w:document>';
/** The smallest paragraph: three elements in 34 bytes, the costliest XML for a DOM per byte. */
export const TINY_PARAGRAPH = '<w:p><w:r><w:t>x</w:t></w:r></w:p>';
const CHUNK = 2 ** 20;

interface Part {
  name: string;
  /** Raw deflate stream. */
  deflated: Buffer;
  /** What the zip says the part holds (local header and central directory alike). */
  declaredSize: number;
}

const segment = (text: string | Buffer, last: boolean) => deflateRawSync(text, last ? {} : { finishFlush: constants.Z_SYNC_FLUSH });

/** `head + unit × count + tail`, deflated, without ever holding it whole; also its true size. */
function deflatedRepeat(head: string, unit: string, count: number, tail: string): { deflated: Buffer; size: number } {
  const perChunk = Math.max(1, Math.floor(CHUNK / unit.length));
  const full = segment(unit.repeat(perChunk), false);
  const parts = [segment(head, false)];
  for (let left = count; left > 0; left -= perChunk) parts.push(left >= perChunk ? full : segment(unit.repeat(left), false));
  parts.push(segment(tail, true));
  return { deflated: Buffer.concat(parts), size: head.length + unit.length * count + tail.length };
}

const honest = (name: string, text: string): Part => ({ name, deflated: segment(text, true), declaredSize: Buffer.byteLength(text) });

/** A zip of deflated parts. CRCs stay 0: none of the readers here checks them. */
function zip(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(part.deflated.length, 18);
    local.writeUInt32LE(part.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(part.deflated.length, 20);
    central.writeUInt32LE(part.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, part.deflated);
    centrals.push(central, name);
    offset += local.length + name.length + part.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A valid DOCX whose word/document.xml is about `xmlBytes` of `paragraph` repeated. With
 * `declaredSize`, the zip says the part holds that many bytes instead (a lying zip).
 */
export function docxBomb(xmlBytes: number, options: { paragraph?: string; declaredSize?: number } = {}): Buffer {
  const paragraph = options.paragraph ?? TINY_PARAGRAPH;
  const count = Math.ceil((xmlBytes - DOCUMENT_HEAD.length - DOCUMENT_TAIL.length) / paragraph.length);
  const document = deflatedRepeat(DOCUMENT_HEAD, paragraph, count, DOCUMENT_TAIL);
  return zip([
    honest('[Content_Types].xml', CONTENT_TYPES),
    honest('_rels/.rels', RELS),
    { name: 'word/document.xml', deflated: document.deflated, declaredSize: options.declaredSize ?? document.size },
  ]);
}

/** The lying zip: the directory declares 1,000 bytes for a document.xml that inflates to 300 MB. */
export const lyingDocx = () => docxBomb(300 * 2 ** 20, { declaredSize: 1_000 });

/** A paragraph as Word writes one (style, spacing, fonts, two runs): about 40 bytes of heap per XML byte in mammoth. */
export const WORD_PARAGRAPH =
  '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/></w:rPr><w:t xml:space="preserve">The supplier shall deliver the goods within thirty days of the order date, and </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>payment terms</w:t></w:r><w:r><w:t xml:space="preserve"> are net sixty days.</w:t></w:r></w:p>';
