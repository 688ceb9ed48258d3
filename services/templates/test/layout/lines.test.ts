import { describe, expect, test } from '@jest/globals';
import { buildLines, type Token } from '../../src/layout/index.js';
import { words } from './helpers.js';

const texts = (tokens: Token[]) => buildLines(tokens).map((l) => l.text);

describe('buildLines', () => {
  test('joins the words of a line in x order, whatever order they come in', () => {
    const tokens = words('Payment is due within thirty days', 0.1, 0.3).reverse();
    const lines = buildLines(tokens);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.text).toBe('Payment is due within thirty days');
    expect(lines[0]!.tokens).toHaveLength(6);
    const b = lines[0]!.bbox;
    expect(b[0]).toBeCloseTo(0.1, 9);
    expect(b[1]).toBeCloseTo(0.3, 9);
    expect(b[0] + b[2]).toBeCloseTo(0.1 + 28 * 0.01 + 5 * 0.005, 9);
    expect(b[3]).toBeCloseTo(0.02, 9);
  });

  test('tolerates a slightly wavy baseline but separates successive lines', () => {
    const line1 = words('first line here', 0.1, 0.3);
    line1[1]!.bbox[1] += 0.004; // scanner skew: within half a token height
    const line2 = words('second line here', 0.1, 0.325);
    expect(texts([...line2, ...line1])).toEqual(['first line here', 'second line here']);
  });

  test('reads a two-column layout column by column, title first and footer last', () => {
    const tokens = [
      ...words('Annual Report 2024', 0.4, 0.05),
      ...words('Left one starts here', 0.05, 0.1),
      ...words('Right one starts here', 0.55, 0.1),
      ...words('left two goes on', 0.05, 0.13),
      ...words('right two goes on', 0.55, 0.13),
      ...words('left three ends', 0.05, 0.16),
      ...words('right three goes on', 0.55, 0.16),
      ...words('right four ends', 0.55, 0.19), // the right column runs longer
      ...words('Footer spanning the whole width of the page below both columns', 0.05, 0.25),
    ];
    expect(texts(tokens)).toEqual([
      'Annual Report 2024',
      'Left one starts here',
      'left two goes on',
      'left three ends',
      'Right one starts here',
      'right two goes on',
      'right three goes on',
      'right four ends',
      'Footer spanning the whole width of the page below both columns',
    ]);
  });

  test('whole-line tokens stay lines, and a wide gap on a row makes two segments', () => {
    const tokens: Token[] = [
      { text: 'ACME STORE', page: 1, bbox: [0.4, 0.05, 0.2, 0.02] },
      { text: 'TOTAL', page: 1, bbox: [0.05, 0.5, 0.05, 0.02] },
      { text: '$12.00', page: 1, bbox: [0.85, 0.5, 0.06, 0.02] },
    ];
    const lines = buildLines(tokens);
    expect(lines.map((l) => l.text)).toEqual(['ACME STORE', 'TOTAL', '$12.00']);
    expect(lines[2]!.bbox).toEqual([0.85, 0.5, 0.06, 0.02]);
  });

  test('orders pages, and never mixes tokens of different pages', () => {
    const tokens = [...words('page two text', 0.1, 0.1, 2), ...words('page one text', 0.1, 0.1, 1)];
    const lines = buildLines(tokens);
    expect(lines.map((l) => [l.page, l.text])).toEqual([
      [1, 'page one text'],
      [2, 'page two text'],
    ]);
  });

  test('no tokens, no lines', () => {
    expect(buildLines([])).toEqual([]);
  });
});
