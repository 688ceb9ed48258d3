import mammoth from 'mammoth';
import { flowPages } from './flow.js';
import { htmlToText } from './text.js';
import { ExtractionError, type TextPage } from './types.js';
import { listZipEntries } from './zip.js';

/** Most XML a DOCX may expand to, judged from its zip directory before anything is inflated (zip bombs). */
const MAX_EXPANDED_BYTES = 256 * 1024 * 1024;

/**
 * A DOCX's text through mammoth's HTML (headings, lists and tables keep their structure: a table
 * row becomes `cell | cell`), flowed onto nominal pages like a text file: DOCX has no fixed pages.
 * Images are skipped, not decoded; linked external files are never read.
 */
export async function* extractDocx(bytes: Uint8Array, maxPages: number): AsyncGenerator<TextPage> {
  const entries = listZipEntries(bytes);
  if (!entries) throw new ExtractionError('The file is truncated or corrupt: the DOCX zip directory cannot be read.');
  const expanded = entries.filter((e) => !e.name.startsWith('word/media/')).reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (expanded > MAX_EXPANDED_BYTES) {
    throw new ExtractionError(`The DOCX expands to ${Math.round(expanded / 2 ** 20)} MB of content; the limit is ${MAX_EXPANDED_BYTES / 2 ** 20} MB.`);
  }
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    ({ value: html } = await mammoth.convertToHtml(
      { buffer },
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })), externalFileAccess: false },
    ));
  } catch (e) {
    throw new ExtractionError(`The file is truncated or corrupt: ${(e instanceof Error ? e.message : String(e)).replace(/\.$/, '')}.`, { cause: e });
  }
  yield* flowPages(htmlToText(html), maxPages);
}
