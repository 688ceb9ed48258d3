import { checkPageCount, ExtractionError, type BBox, type ExtractedLine, type ExtractedWord, type TextPage } from './types.js';

// DOCX and text files have no pages of their own. They are flowed onto nominal US Letter pages
// (612 × 792 pt, 1-inch margins) set in a 10 pt monospaced font: 78 columns × 54 rows. Page
// numbers then mean something stable to cite, and every word gets a plausible box on that
// nominal page. The boxes are approximate by nature: nothing is ever drawn there.
const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 72;
const CHAR_WIDTH = 6;
const LINE_HEIGHT = 12;
const COLUMNS = (PAGE_WIDTH - 2 * MARGIN) / CHAR_WIDTH;
const ROWS = (PAGE_HEIGHT - 2 * MARGIN) / LINE_HEIGHT;
/** A full page breaks at its last paragraph break when that lies in the page's last third. */
const MIN_ROWS_BEFORE_PARAGRAPH_BREAK = Math.round((ROWS * 2) / 3);
const TAB = '    ';

interface Row {
  text: string;
  /** What joins it to the previous row in the page text: a newline, or a space / nothing when wrapped. */
  join: '\n' | ' ' | '';
}

/** Greedy word wrap of one source line at COLUMNS; a word longer than a row is cut. */
function wrap(line: string): Row[] {
  let rest = line.replaceAll('\t', TAB).trimEnd();
  const rows: Row[] = [];
  let join: Row['join'] = '\n';
  while (rest.length > COLUMNS) {
    const space = rest.lastIndexOf(' ', COLUMNS);
    const cut = space > rest.search(/\S/) ? space : COLUMNS;
    rows.push({ text: rest.slice(0, cut).trimEnd(), join });
    join = cut === space ? ' ' : '';
    rest = rest.slice(cut).trimStart();
  }
  rows.push({ text: rest, join });
  return rows;
}

const isBlank = (row: Row) => row.text.trim() === '';

/**
 * Lays the text out in rows and pages; a form feed forces a new page. Counts every page but keeps
 * the rows of the first `keep` only, so an oversized file is measured without being held twice.
 */
function paginate(text: string, keep: number): { pages: Row[][]; count: number } {
  const pages: Row[][] = [];
  let count = 0;
  let current: Row[] = [];
  const finish = (rows: Row[]) => {
    while (rows.length && isBlank(rows[rows.length - 1]!)) rows.pop();
    if (!rows.length) return;
    count++;
    if (count <= keep) pages.push(rows);
  };
  for (const section of text.split('\f')) {
    for (const line of section.split(/\r\n?|\n/)) {
      for (const row of wrap(line)) {
        if (!current.length && isBlank(row)) continue;
        if (current.length === ROWS) {
          let lastBreak = current.length - 1;
          while (lastBreak >= 0 && !isBlank(current[lastBreak]!)) lastBreak--;
          const carried = lastBreak >= MIN_ROWS_BEFORE_PARAGRAPH_BREAK ? current.splice(lastBreak + 1) : [];
          finish(current);
          current = carried;
        }
        current.push(row);
      }
    }
    finish(current);
    current = [];
  }
  return { pages, count };
}

const box = (column: number, row: number, length: number): BBox => [
  (MARGIN + column * CHAR_WIDTH) / PAGE_WIDTH,
  (MARGIN + row * LINE_HEIGHT) / PAGE_HEIGHT,
  (length * CHAR_WIDTH) / PAGE_WIDTH,
  LINE_HEIGHT / PAGE_HEIGHT,
];

function toPage(rows: Row[], page: number): TextPage {
  const words: ExtractedWord[] = [];
  const lines: ExtractedLine[] = [];
  rows.forEach((row, r) => {
    const first = row.text.search(/\S/);
    if (first < 0) return;
    for (const m of row.text.matchAll(/\S+/g)) words.push({ text: m[0], bbox: box(m.index, r, m[0].length), confidence: 1 });
    lines.push({ text: row.text.trim(), bbox: box(first, r, row.text.length - first) });
  });
  // Wrapped rows rejoin as they were split, so the page text reads like the source.
  const text = rows.map((row, r) => (r === 0 ? '' : row.join) + row.text).join('');
  return { page, source: 'text-layer', text, words, lines, confidence: 1, width: PAGE_WIDTH, height: PAGE_HEIGHT };
}

/** Pages of flowed text; the page count is checked before the first page is produced. */
export function* flowPages(text: string, maxPages: number): Generator<TextPage> {
  const { pages, count } = paginate(text, maxPages);
  if (!count) throw new ExtractionError('The document contains no text.');
  checkPageCount(count, maxPages);
  for (const [i, rows] of pages.entries()) yield toPage(rows, i + 1);
}
