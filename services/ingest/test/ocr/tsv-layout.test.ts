import { parseTsv } from '../../src/ocr/tsv-layout.js';

const row = (...cells: (string | number)[]) => cells.join('\t');
const TSV = [
  row('level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text'),
  row(1, 1, 0, 0, 0, 0, 0, 0, 1000, 800, -1, ''),
  row(2, 1, 1, 0, 0, 0, 100, 100, 800, 120, -1, ''),
  row(3, 1, 1, 1, 0, 0, 100, 100, 800, 120, -1, ''),
  row(4, 1, 1, 1, 1, 0, 100, 100, 800, 50, -1, ''),
  row(5, 1, 1, 1, 1, 1, 100, 100, 300, 50, 90, 'Renewal'),
  row(5, 1, 1, 1, 1, 2, 420, 100, 100, 50, 60, 'is'),
  row(4, 1, 1, 1, 2, 0, 100, 170, 500, 50, -1, ''),
  row(5, 1, 1, 1, 2, 1, 100, 170, 500, 50, 80, 'automatic.'),
  row(3, 1, 1, 2, 0, 0, 100, 300, 400, 50, -1, ''),
  row(4, 1, 1, 2, 1, 0, 100, 300, 400, 50, -1, ''),
  row(5, 1, 1, 2, 1, 1, 100, 300, 400, 50, 70, 'Termination'),
  '',
].join('\n');

test('groups words into lines and lines into paragraphs, in reading order', () => {
  const paragraphs = parseTsv(TSV);
  expect(paragraphs.map((p) => p.map((l) => l.words.map((w) => w.text).join(' ')))).toEqual([['Renewal is', 'automatic.'], ['Termination']]);
});

test('keeps pixel boxes as corners', () => {
  const [first] = parseTsv(TSV);
  expect(first![0]!.bbox).toEqual({ x0: 100, y0: 100, x1: 900, y1: 150 });
  expect(first![0]!.words[1]).toEqual({ text: 'is', bbox: { x0: 420, y0: 100, x1: 520, y1: 150 }, confidence: 60 });
});

test("a line's confidence is its words' mean, weighted by length", () => {
  const [first] = parseTsv(TSV);
  // 'Renewal' (7 characters) at 90, 'is' (2) at 60.
  expect(first![0]!.confidence).toBeCloseTo((7 * 90 + 2 * 60) / 9, 6);
});

test('an empty reading and malformed rows give no paragraphs', () => {
  expect(parseTsv('')).toEqual([]);
  expect(parseTsv('4\t1\t1\n5\t1')).toEqual([]);
});
