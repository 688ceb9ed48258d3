import { describe, expect, test } from '@jest/globals';
import { buildLines, findKeyValues, normalizeTokens, type Line, type Token } from '../../src/layout/index.js';
import { words } from './helpers.js';

const pairsOf = (tokens: Token[]) => findKeyValues(buildLines(tokens));
const brief = (tokens: Token[]) => pairsOf(tokens).map((p) => [p.key, p.value, p.layout]);

describe('findKeyValues', () => {
  test('the published example: "Invoice #" then "INV-123" on its right', () => {
    const { tokens, warnings } = normalizeTokens([
      { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
      { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
    ]);
    expect(warnings).toEqual([]);
    // Close enough to be read as one line: the pair must survive that.
    expect(buildLines(tokens).map((l) => l.text)).toEqual(['Invoice # INV-123']);
    expect(pairsOf(tokens)).toEqual([
      { key: 'Invoice #', value: 'INV-123', page: 1, key_bbox: [0.11, 0.14, 0.09, 0.02], value_bbox: [0.21, 0.14, 0.1, 0.02], layout: 'right' },
    ]);
  });

  test('the published example also pairs when the tokens come as separate lines', () => {
    const lines: Line[] = [
      { page: 1, text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], tokens: [] },
      { page: 1, text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], tokens: [] },
    ];
    expect(findKeyValues(lines)).toEqual([
      { key: 'Invoice #', value: 'INV-123', page: 1, key_bbox: [0.11, 0.14, 0.09, 0.02], value_bbox: [0.21, 0.14, 0.1, 0.02], layout: 'right' },
    ]);
  });

  test('inline "Date: 05/01/2024" as word tokens', () => {
    const pairs = pairsOf(words('Date: 05/01/2024', 0.1, 0.2));
    expect(pairs).toHaveLength(1);
    const p = pairs[0]!;
    expect([p.key, p.value, p.layout, p.page]).toEqual(['Date', '05/01/2024', 'inline', 1]);
    expect(p.key_bbox).toEqual([0.1, 0.2, 0.05, 0.02]);
    expect(p.value_bbox).toEqual([0.155, 0.2, 0.1, 0.02]);
  });

  test('inline pair inside one whole-line token gets proportional boxes', () => {
    const line: Token = { text: 'Invoice #: INV-123', page: 3, bbox: [0.1, 0.2, 0.18, 0.02] };
    const [p, ...rest] = pairsOf([line]);
    expect(rest).toEqual([]);
    expect([p!.key, p!.value, p!.layout, p!.page]).toEqual(['Invoice #', 'INV-123', 'inline', 3]);
    // 18 characters over 0.18: "Invoice #:" is 10 of them, "INV-123" starts at 11.
    p!.key_bbox.forEach((v, i) => expect(v).toBeCloseTo([0.1, 0.2, 0.1, 0.02][i]!, 9));
    p!.value_bbox.forEach((v, i) => expect(v).toBeCloseTo([0.21, 0.2, 0.07, 0.02][i]!, 9));
  });

  test('times and URLs are not split as labels', () => {
    expect(pairsOf(words('Meet at 10:30 sharp', 0.1, 0.2))).toEqual([]);
    expect(pairsOf(words('See https://example.com/terms', 0.1, 0.3))).toEqual([]);
  });

  test('a label with its value below', () => {
    const tokens = [...words('Ship To:', 0.1, 0.3), ...words('123 Main St, Springfield', 0.1, 0.33)];
    const pairs = pairsOf(tokens);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ key: 'Ship To', value: '123 Main St, Springfield', layout: 'below' });
    expect(pairs[0]!.value_bbox[1]).toBeCloseTo(0.33, 9);
  });

  test('a form row of labels, each with its value below', () => {
    const tokens = [
      ...words('Invoice Date:', 0.1, 0.3),
      ...words('Due Date:', 0.5, 0.3),
      ...words('2024-01-05', 0.1, 0.33),
      ...words('2024-02-05', 0.5, 0.33),
    ];
    expect(brief(tokens)).toEqual([
      ['Invoice Date', '2024-01-05', 'below'],
      ['Due Date', '2024-02-05', 'below'],
    ]);
  });

  test('a title-like label naming a field, value below', () => {
    const tokens = [...words('Invoice Date', 0.6, 0.1), ...words('2024-01-05', 0.6, 0.13)];
    expect(brief(tokens)).toEqual([['Invoice Date', '2024-01-05', 'below']]);
  });

  test('a receipt: company on top, items with prices, TOTAL with the amount at the far right', () => {
    const tokens = [
      ...words('ACME STORE', 0.35, 0.03),
      ...words('123 Main St', 0.35, 0.06),
      ...words('Coffee', 0.05, 0.15),
      ...words('3.50', 0.85, 0.15),
      ...words('Bagel', 0.05, 0.18),
      ...words('2.25', 0.85, 0.18),
      ...words('TOTAL', 0.05, 0.25),
      ...words('$5.75', 0.85, 0.25),
    ];
    const pairs = pairsOf(tokens);
    const total = pairs.find((p) => p.key === 'TOTAL');
    expect(total).toEqual({ key: 'TOTAL', value: '$5.75', page: 1, key_bbox: [0.05, 0.25, 0.05, 0.02], value_bbox: [0.85, 0.25, 0.05, 0.02], layout: 'right' });
    // The header is not a label of the address under it.
    expect(pairs.some((p) => p.key.includes('ACME') || p.value.includes('Main'))).toBe(false);
    expect(pairs.map((p) => p.key)).toEqual(['Coffee', 'Bagel', 'TOTAL']);
  });

  test('each key and each value is used once', () => {
    // "Name:" could take "Jane Doe" on its right; the label below must not take it again.
    const tokens = [...words('Name:', 0.1, 0.3), ...words('Jane Doe', 0.3, 0.3), ...words('Phone:', 0.1, 0.33)];
    expect(brief(tokens)).toEqual([['Name', 'Jane Doe', 'right']]);
  });

  test('no pair is invented from prose, headings or table headers', () => {
    const tokens = [
      ...words('Terms and Conditions', 0.1, 0.1),
      ...words('Payment is due within 30 days of the invoice date.', 0.1, 0.13),
      ...words('Late payments accrue interest at 2 percent per month.', 0.1, 0.16),
      ...words('Description', 0.1, 0.3),
      ...words('Qty', 0.5, 0.3),
      ...words('Unit price', 0.7, 0.3),
      ...words('Thank you for your business', 0.3, 0.5),
      ...words('Note:', 0.1, 0.8), // a label with nothing near it
    ];
    expect(pairsOf(tokens)).toEqual([]);
  });

  test('a label and a value on different pages never pair', () => {
    const tokens = [...words('Total:', 0.1, 0.9, 1), ...words('$9.00', 0.1, 0.92, 2)];
    expect(pairsOf(tokens)).toEqual([]);
  });

  test('pairs come in reading order, across pages', () => {
    const tokens = [
      ...words('Total: $9.00', 0.1, 0.5, 2),
      ...words('Date: 2024-01-05', 0.1, 0.5, 1),
      ...words('PO No. 4471', 0.1, 0.2, 1),
    ];
    expect(pairsOf(tokens).map((p) => [p.page, p.key, p.value])).toEqual([
      [1, 'PO No.', '4471'],
      [1, 'Date', '2024-01-05'],
      [2, 'Total', '$9.00'],
    ]);
  });
});
