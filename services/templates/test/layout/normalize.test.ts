import { describe, expect, test } from '@jest/globals';
import { normalizeTokens, type InputToken } from '../../src/layout/index.js';

const expectBox = (actual: number[] | undefined, expected: number[]) => {
  expect(actual).toHaveLength(4);
  actual!.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-9));
};

describe('normalizeTokens: geometry conventions', () => {
  // One box, x 0.11..0.20, y 0.14..0.16, in every accepted convention.
  const box = [0.11, 0.14, 0.09, 0.02];
  const page = { width: 1000, height: 2000 };
  test.each<[string, InputToken, { width: number; height: number } | undefined]>([
    ['bbox fractions', { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 }, undefined],
    ['8-number polygon', { text: 'Invoice #', polygon: [0.11, 0.14, 0.2, 0.14, 0.2, 0.16, 0.11, 0.16] }, undefined],
    ['point polygon', { text: 'Invoice #', polygon: [{ x: 0.11, y: 0.14 }, { x: 0.2, y: 0.14 }, { x: 0.2, y: 0.16 }, { x: 0.11, y: 0.16 }] }, undefined],
    ['rotated polygon (axis-aligned box)', { text: 'Invoice #', polygon: [0.115, 0.14, 0.2, 0.145, 0.195, 0.16, 0.11, 0.155] }, undefined],
    ['Textract boundingBox', { text: 'Invoice #', boundingBox: { Left: 0.11, Top: 0.14, Width: 0.09, Height: 0.02 } }, undefined],
    ['pixel bbox with page size', { text: 'Invoice #', bbox: [110, 280, 90, 40] }, page],
    ['pixel polygon with page size', { text: 'Invoice #', polygon: [110, 280, 200, 280, 200, 320, 110, 320] }, page],
  ])('%s', (_name, token, size) => {
    const { tokens, warnings } = normalizeTokens([token], size);
    expect(warnings).toEqual([]);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.text).toBe('Invoice #');
    expect(tokens[0]!.page).toBe(1);
    expectBox(tokens[0]!.bbox, box);
  });

  test('fractions pass through bit for bit, page defaults to 1 and is kept otherwise', () => {
    const { tokens } = normalizeTokens([
      { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02] },
      { text: 'p2', bbox: [0.1, 0.1, 0.1, 0.1], page: 2 },
    ]);
    expect(tokens).toEqual([
      { text: 'INV-123', page: 1, bbox: [0.21, 0.14, 0.1, 0.02] },
      { text: 'p2', page: 2, bbox: [0.1, 0.1, 0.1, 0.1] },
    ]);
  });

  test('a pixel box without a page size is dropped with a warning', () => {
    const { tokens, warnings } = normalizeTokens([
      { text: 'ok', bbox: [0.1, 0.1, 0.1, 0.02] },
      { text: 'px', bbox: [110, 280, 90, 40] },
    ]);
    expect(tokens.map((t) => t.text)).toEqual(['ok']);
    expect(warnings).toEqual(['tokens[1]: pixel box without a page size']);
  });

  test('a pixel box beyond the given page is outside the page', () => {
    const { tokens, warnings } = normalizeTokens([{ text: 'x', bbox: [950, 10, 100, 20] }], { width: 1000, height: 1000 });
    expect(tokens).toEqual([]);
    expect(warnings).toEqual(['tokens[0]: box outside the page']);
  });

  test('an invalid page size is ignored with a warning', () => {
    const { tokens, warnings } = normalizeTokens([{ text: 'px', bbox: [110, 280, 90, 40] }], { width: 0, height: NaN });
    expect(tokens).toEqual([]);
    expect(warnings).toEqual(['page: size ignored, width and height must be positive numbers', 'tokens[0]: pixel box without a page size']);
  });
});

describe('normalizeTokens: garbage in, warnings out', () => {
  test('drops every unusable token, names its index, never throws', () => {
    const throwing = Object.defineProperty({}, 'text', { get: () => { throw new Error('boom'); } });
    const garbage: unknown[] = [
      { text: 'good', bbox: [0.1, 0.1, 0.2, 0.02] }, // 0 kept
      null, // 1
      42, // 2
      { text: '   ', bbox: [0.1, 0.1, 0.1, 0.1] }, // 3
      { text: 'outside', bbox: [0.95, 0.1, 0.1, 0.02] }, // 4
      { text: 'no box' }, // 5
      { text: 'nan', bbox: [NaN, 0.1, 0.1, 0.1] }, // 6
      { text: 'strings', bbox: ['0.1', '0.1', '0.1', '0.1'] }, // 7
      { text: 'nested', polygon: [[[0.1]], { x: 'a' }] }, // 8
      { text: 'odd polygon', polygon: [0.1, 0.2, 0.3] }, // 9
      { text: 'bad page', bbox: [0.1, 0.1, 0.1, 0.1], page: 'one' }, // 10
      { text: 'negative', bbox: [0.1, 0.1, -0.05, 0.02] }, // 11
      { text: 7, bbox: [0.1, 0.1, 0.1, 0.1] }, // 12
      throwing, // 13
      { text: 'bad textract', boundingBox: { Left: 0.1 } }, // 14
      { text: 'infinite', bbox: [0.1, 0.1, Infinity, 0.1] }, // 15
      ['an', 'array'], // 16
      { text: 'zero size', bbox: [0.1, 0.1, 0, 0.02] }, // 17
    ];
    const run = () => normalizeTokens(garbage as InputToken[]);
    expect(run).not.toThrow();
    const { tokens, warnings } = run();
    expect(tokens).toEqual([{ text: 'good', page: 1, bbox: [0.1, 0.1, 0.2, 0.02] }]);
    expect(warnings).toHaveLength(garbage.length - 1);
    for (let i = 1; i < garbage.length; i++) expect(warnings.some((w) => w.startsWith(`tokens[${i}]: `))).toBe(true);
    expect(warnings).toContain('tokens[3]: no text');
    expect(warnings).toContain('tokens[4]: box outside the page');
    expect(warnings).toContain('tokens[5]: no box');
  });

  test('a non-list input gives no tokens and a warning', () => {
    expect(normalizeTokens('nope' as unknown as InputToken[])).toEqual({ tokens: [], warnings: ['tokens: not a list'] });
  });

  test('whitespace inside a token collapses, so line text stays single-spaced', () => {
    const { tokens } = normalizeTokens([{ text: '  Total \n due ', bbox: [0.1, 0.1, 0.1, 0.02] }]);
    expect(tokens[0]!.text).toBe('Total due');
  });
});
