import mammoth from 'mammoth';
import { flowPages } from './flow.js';
import { htmlToText } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, ExtractionError, type TextPage } from './types.js';
import { listZipEntries, readZipEntry } from './zip.js';

const megabytes = (bytes: number) => `${+(bytes / 2 ** 20).toFixed(1)} MB`;

/**
 * The DOCX as mammoth reads it (its `file` input, which mammoth's typings leave out): parts are
 * inflated only when mammoth asks for them, by our own reader, and every byte handed over counts
 * against one budget. mammoth's own unzipping (jszip) trusts the sizes a zip declares.
 */
function budgetedDocx(bytes: Uint8Array, maxXmlBytes: number) {
  const entries = listZipEntries(bytes);
  if (!entries) throw new ExtractionError('The file is truncated or corrupt: the DOCX zip directory cannot be read.');
  const byName = new Map(entries.map((e) => [e.name, e]));
  let left = maxXmlBytes;
  return {
    exists: (name: string) => byName.has(name),
    async read(name: string, encoding?: string) {
      const entry = byName.get(name);
      if (!entry) throw new ExtractionError(`The file is truncated or corrupt: the DOCX has no ${name}.`);
      const content = readZipEntry(bytes, entry, left);
      if (!content) throw new ExtractionError(`The DOCX expands to more than ${megabytes(maxXmlBytes)} of XML; the limit is ${megabytes(maxXmlBytes)}.`);
      left -= content.length;
      return encoding ? new TextDecoder(encoding).decode(content) : content;
    },
  };
}

/**
 * A DOCX's text through mammoth's HTML (headings, lists and tables keep their structure: a table
 * row becomes `cell | cell`), flowed onto nominal pages like a text file: DOCX has no fixed pages.
 * Images are skipped, not decoded (nor inflated); linked external files are never read.
 * mammoth builds a DOM of the whole document on the calling thread: run this in the sandbox.
 */
export async function* extractDocx(bytes: Uint8Array, maxPages: number, maxXmlBytes = DEFAULT_EXTRACT_LIMITS.maxXmlBytes): AsyncGenerator<TextPage> {
  const file = budgetedDocx(bytes, maxXmlBytes);
  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml({ file } as unknown as { buffer: Buffer }, {
      convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      externalFileAccess: false,
    }));
  } catch (e) {
    if (e instanceof ExtractionError) throw e;
    throw new ExtractionError(`The file is truncated or corrupt: ${(e instanceof Error ? e.message : String(e)).replace(/\.$/, '')}.`, { cause: e });
  }
  yield* flowPages(htmlToText(html), maxPages);
}
