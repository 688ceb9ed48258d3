import { flowPages } from './flow.js';
import { ExtractionError, type DetectedType, type TextPage } from './types.js';

/** More than this share of control characters (other than tab, newlines, form feed, escape) is not text. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * The text of a file that is UTF-8 (BOM optional) or UTF-16 with a BOM, or null when the bytes are
 * not that: invalid sequences, NULs, or binary-looking control characters. With `partial`, the bytes
 * may stop mid-character (a file's head).
 */
export function decodeText(bytes: Uint8Array, partial = false): string | null {
  let encoding = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(start), { stream: partial });
  } catch {
    return null;
  }
  if (text.includes('\0')) return null;
  const controls = text.match(/[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]/g)?.length ?? 0;
  return controls > text.length * MAX_CONTROL_SHARE ? null : text;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', bull: '•', middot: '·',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', deg: '°', plusmn: '±', times: '×', divide: '÷',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

const BLOCK_TAGS =
  'address|article|aside|blockquote|body|caption|dd|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hr|html|main|nav|ol|p|pre|section|table|tbody|tfoot|thead|ul';

/**
 * Readable text of an HTML document: no scripts, styles or comments; blocks become lines,
 * list items get a dash, table rows become `cell | cell` lines, entities are decoded.
 * A regex pass, not a DOM: enough for text, and nothing in the page is ever executed or fetched.
 * Every pattern stops at the next `<` (or tag boundary) so hostile markup costs linear time.
 */
export function htmlToText(html: string): string {
  const title = /<title\b[^<>]*>([^<]*)/i.exec(html)?.[1]?.trim();
  const body = html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/<(script|style|noscript|template|head|title|svg|object)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '')
    .replace(/\s+/g, ' ') // source whitespace is not layout
    // A cell runs to its end tag or to the next cell, row or table (end tags are optional in HTML).
    .replace(/<t[dh]\b[^<>]*>((?:(?!<\/?(?:t[dhr]|table)\b)[\s\S])*)(?:<\/t[dh]\s*>)?/gi, (_, cell: string) => `${cell.replace(/<[^<>]*>/g, ' ')}\t`)
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(/<tr\b[^<>]*>/gi, '\n')
    .replace(new RegExp(`</?(?:${BLOCK_TAGS})\\b[^<>]*>`, 'gi'), '\n\n')
    .replace(/<[a-z/!?][^<>]*>/gi, ''); // a `<` not opening a tag ("a < b") is text
  const lines = decodeEntities(body)
    .split('\n')
    .map((line) =>
      line
        .replace(/[ \u00a0]+/g, ' ')
        .trim()
        .replace(/ ?\t[ \t]*/g, ' | '),
    );
  const text = (title ? [decodeEntities(title), '', ...lines] : lines).join('\n');
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

/** CSV (or TSV, semicolon- or pipe-separated) as one line per row, cells joined by ` | `. */
export function csvToText(csv: string): string {
  const firstLine = csv.slice(0, csv.search(/\r|\n|$/));
  const delimiter = [',', ';', '\t', '|'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best));
  const rows: string[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch === '\r' || ch === '\n' ? ' ' : ch; // a line break inside a cell stays in its row
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      row.push(cell.trim());
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && csv[i + 1] === '\n') i++;
      row.push(cell.trim());
      rows.push(row.join(' | ').trimEnd());
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell.trim()].join(' | ').trimEnd());
  return rows.join('\n');
}

/** TXT and Markdown as they are, HTML and CSV as readable text; flowed onto nominal pages. */
export async function* extractText(bytes: Uint8Array, type: DetectedType, maxPages: number): AsyncGenerator<TextPage> {
  const source = decodeText(bytes);
  if (source === null) throw new ExtractionError('The file is not valid UTF-8 or UTF-16 text.');
  const text = type.ext === 'html' ? htmlToText(source) : type.ext === 'csv' ? csvToText(source) : source;
  yield* flowPages(text, maxPages);
}
