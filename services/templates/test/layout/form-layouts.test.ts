import { describe, expect, test } from '@jest/globals';
import { buildLines, findKeyValues, type Box, type Token } from '../../src/layout/index.js';
import { words } from './helpers.js';

/**
 * Scanned business forms: tick boxes, tables whose headings are the keys of the cells under them,
 * values running over several lines, and the look-alikes that must not become pairs.
 */

const pairsOf = (tokens: Token[]) => findKeyValues(buildLines(tokens));
const brief = (tokens: Token[]) => pairsOf(tokens).map((p) => [p.key, p.value]);
const token = (text: string, bbox: Box): Token => ({ text, page: 1, bbox });
const expectBox = (actual: Box, expected: Box) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));

/** Word tokens one after the other, `gap` apart after the word at index `at` (a gap between cells). */
function row(texts: string[], x: number, y: number, wideGapAfter = -1, gap = 0.015): Token[] {
  let at = x;
  return texts.map((t, i) => {
    const tok = token(t, [at, y, t.length * 0.01, 0.02]);
    at += t.length * 0.01 + (i === wideGapAfter ? gap : 0.005);
    return tok;
  });
}

describe('tick boxes', () => {
  test('the ticked option is the key and the tick its value; empty boxes and the question are no pairs', () => {
    expect(brief(words('HOLES: YES ☑ NO ☐', 0.1, 0.3))).toEqual([['YES', '☑']]);
    expect(brief(words('☑ SHIP IMMEDIATELY', 0.1, 0.3))).toEqual([['SHIP IMMEDIATELY', '☑']]);
    expect(brief(words('MATERIAL: STEEL ☐', 0.1, 0.3))).toEqual([]);
  });

  test('a tick between two options marks the nearer one', () => {
    const tokens = [token('Yes', [0.5, 0.3, 0.036, 0.014]), token('☑', [0.589, 0.3, 0.017, 0.011]), token('No', [0.615, 0.3, 0.023, 0.014])];
    const [pair, ...rest] = pairsOf(tokens);
    expect(rest).toEqual([]);
    expect([pair!.key, pair!.value]).toEqual(['No', '☑']);
    expectBox(pair!.key_bbox, [0.615, 0.3, 0.023, 0.014]);
    expectBox(pair!.value_bbox, [0.589, 0.3, 0.017, 0.011]);
  });

  test('a tick after a label ticks the label', () => {
    expect(brief(words('Urgent: ☑', 0.1, 0.3))).toEqual([['Urgent', '☑']]);
  });

  test('a lone "x" a little right of an option ticks it; "4 x 6" is a size', () => {
    const tokens = [...words('SEP 15', 0.75, 0.2), token('x', [0.84, 0.2, 0.01, 0.02])];
    expect(pairsOf(tokens)).toEqual([
      { key: 'SEP 15', value: 'x', page: 1, key_bbox: [0.75, 0.2, 0.055, 0.02], value_bbox: [0.84, 0.2, 0.01, 0.02], layout: 'right' },
    ]);
    expect(brief(words('Size: 4 x 6', 0.1, 0.5))).toEqual([['Size', '4 x 6']]);
  });
});

describe('tables', () => {
  test('every cell is paired with its column heading; a heading over two lines is read whole', () => {
    const tokens = [
      ...words('NAME OF ACCOUNT', 0.1, 0.3),
      ...words('VOLUME', 0.35, 0.3),
      ...words('NO. OF', 0.5, 0.28),
      ...words('STORES', 0.5, 0.3),
      ...words('Texaco Seattle', 0.1, 0.33),
      ...words('105 / 5', 0.35, 0.33),
      ...words('225', 0.52, 0.33),
      ...words('Dari Mart', 0.1, 0.36),
      ...words('125 / 5', 0.35, 0.36),
      ...words('31', 0.52, 0.36),
      // A sentence across the columns ends the table.
      ...words('Direct accounts and chains headquartered within the region', 0.1, 0.4),
    ];
    const pairs = pairsOf(tokens);
    // In the reading order of their keys: the heading starting higher comes first.
    expect(pairs.map((p) => [p.key, p.value])).toEqual([
      ['NO. OF STORES', '225'],
      ['NO. OF STORES', '31'],
      ['NAME OF ACCOUNT', 'Texaco Seattle'],
      ['NAME OF ACCOUNT', 'Dari Mart'],
      ['VOLUME', '105 / 5'],
      ['VOLUME', '125 / 5'],
    ]);
    // The two-line heading's box covers both lines; each cell keeps its own box.
    const stores = pairs.find((p) => p.value === '31')!;
    expectBox(stores.key_bbox, [0.5, 0.28, 0.06, 0.04]);
    expectBox(stores.value_bbox, [0.52, 0.36, 0.02, 0.02]);
    expect(stores.layout).toBe('below');
  });

  test('cells read as one line are cut between the columns, and a wrapped cell is joined', () => {
    const tokens = [
      ...words('Company:', 0.3, 0.4),
      ...words('Phone No.:', 0.55, 0.4),
      // Close enough to be one line, but further apart than words are.
      ...row(['Davis,', 'Polk', '&', 'Wardwell', '(212)', '450-', '4000'], 0.3, 0.43, 3),
      ...words('Brown & Williamson', 0.3, 0.46),
      ...words('(502) 568- 7297', 0.55, 0.46),
      ...words('Tobacco Corp.', 0.3, 0.48),
    ];
    expect(brief(tokens)).toEqual([
      ['Company', 'Davis, Polk & Wardwell'],
      ['Company', 'Brown & Williamson Tobacco Corp.'],
      ['Phone No.', '(212) 450- 4000'],
      ['Phone No.', '(502) 568- 7297'],
    ]);
  });

  test('a total row ends the table: the subtotal is its own pair', () => {
    const tokens = [
      ...words('Description', 0.1, 0.3),
      ...words('Qty', 0.5, 0.3),
      ...words('Amount', 0.7, 0.3),
      ...words('Consulting', 0.1, 0.33),
      ...words('10', 0.5, 0.33),
      ...words('1500.00', 0.7, 0.33),
      ...words('Subtotal', 0.1, 0.36),
      ...words('1500.00', 0.7, 0.36),
    ];
    // Reading order goes down the first column before the next: the subtotal's key comes second.
    expect(brief(tokens)).toEqual([
      ['Description', 'Consulting'],
      ['Subtotal', '1500.00'],
      ['Qty', '10'],
      ['Amount', '1500.00'],
    ]);
  });

  test('a row of another kind ends the table: a label under a column of amounts', () => {
    const tokens = [
      ...words('Item', 0.1, 0.3),
      ...words('Price', 0.5, 0.3),
      ...words('Coffee', 0.1, 0.33),
      ...words('3.50', 0.5, 0.33),
      ...words('Bagel', 0.1, 0.36),
      ...words('2.25', 0.5, 0.36),
      ...words('Paid by card', 0.5, 0.39),
    ];
    expect(brief(tokens)).toEqual([
      ['Item', 'Coffee'],
      ['Item', 'Bagel'],
      ['Price', '3.50'],
      ['Price', '2.25'],
    ]);
  });

  test('aligned names without a column of numbers are not a table', () => {
    const tokens = [
      ...words('A. H. Tisch', 0.1, 0.5),
      ...words('G. Telford', 0.35, 0.5),
      ...words('R. H. Orcutt', 0.1, 0.52),
      ...words('F. J. Schultz', 0.35, 0.52),
    ];
    expect(pairsOf(tokens)).toEqual([]);
  });
});

describe('values over several lines', () => {
  test('a comment under its label runs over the lines aligned with it, up to the next label', () => {
    const comment = [
      words('Attached are the minimum legal prices', 0.1, 0.525),
      words('as of April 3, 2000. I will forward', 0.1, 0.54),
      words('the law when obtained.', 0.1, 0.555),
    ];
    const tokens = [...words('Comments:', 0.1, 0.5), ...comment.flat(), ...words('Signed:', 0.1, 0.57), ...words('Rick', 0.2, 0.57)];
    const pairs = pairsOf(tokens);
    expect(pairs.map((p) => [p.key, p.value, p.layout])).toEqual([
      ['Comments', 'Attached are the minimum legal prices as of April 3, 2000. I will forward the law when obtained.', 'below'],
      ['Signed', 'Rick', 'right'],
    ]);
    const widest = Math.max(...comment.map((line) => line.at(-1)!.bbox[0] + line.at(-1)!.bbox[2]));
    expectBox(pairs[0]!.value_bbox, [0.1, 0.525, widest - 0.1, 0.05]);
  });

  test('an inline value goes on under where it starts, not under its label', () => {
    const tokens = [
      ...words('Mail to: Dr. Phil P. Hunter', 0.15, 0.8),
      ...words('Tobacco Experiment Station', 0.24, 0.815),
      ...words('Greeneville, TN 37743', 0.24, 0.83),
      ...words('Please send payment by May', 0.15, 0.845),
    ];
    expect(brief(tokens)).toEqual([['Mail to', 'Dr. Phil P. Hunter Tobacco Experiment Station Greeneville, TN 37743']]);
  });

  test('a value under another label, a line further down, stays out', () => {
    const tokens = [...words('Ship To:', 0.1, 0.3), ...words('12 Main St', 0.1, 0.33), ...words('Reference 4471', 0.1, 0.37)];
    expect(brief(tokens)).toEqual([['Ship To', '12 Main St']]);
  });
});

describe('look-alikes that are not pairs', () => {
  test('a time split into words is not a label; "No. of" goes on as a heading', () => {
    expect(pairsOf(words("JAN 11 '99 16: 29 FR", 0.1, 0.05))).toEqual([]);
    expect(pairsOf(words('NO. OF STORES', 0.1, 0.05))).toEqual([]);
  });

  test('"# REPS" is a label of its own, not the value of the label beside it', () => {
    expect(pairsOf([...words('DIVISION NAME:', 0.1, 0.3), ...words('# REPS', 0.5, 0.3)])).toEqual([]);
  });

  test('text across the page is not the value of a title-like line; an amount there is', () => {
    expect(pairsOf([...words('MAVPROGO', 0.1, 0.92), ...words('Page 1 of 3 Pages', 0.76, 0.92)])).toEqual([]);
    expect(brief([...words('TOTAL', 0.1, 0.5), ...words('8650', 0.76, 0.5)])).toEqual([['TOTAL', '8650']]);
  });

  test('a number running down the margin is not the value of the label on its row', () => {
    const tokens = [...words('Special Requirements:', 0.1, 0.76), token('87093315', [0.88, 0.72, 0.025, 0.09])];
    expect(pairsOf(tokens)).toEqual([]);
  });
});
