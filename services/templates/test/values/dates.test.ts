import { describe, expect, test } from '@jest/globals';
import { parseValue } from '../../src/values/index.js';

describe('date values', () => {
  test.each([
    ['2024-01-05', '2024-01-05'],
    ['2024/01/05', '2024-01-05'],
    ['2024.1.5', '2024-01-05'],
    ['05/01/2024', '2024-05-01'], // ambiguous: MDY by default
    ['5/1/24', '2024-05-01'],
    ['25/12/2024', '2024-12-25'], // first number > 12 → DMY
    ['12/25/2024', '2024-12-25'], // second number > 12 → MDY
    ['05.01.2024', '2024-01-05'], // dotted: European DMY
    ['05-01-2024', '2024-05-01'],
    ['January 5, 2024', '2024-01-05'],
    ['Jan 5 2024', '2024-01-05'],
    ['Jan. 5th, 2024', '2024-01-05'],
    ['Sept 30 2023', '2023-09-30'],
    ['5 Jan 2024', '2024-01-05'],
    ['5th January 2024', '2024-01-05'],
    ['22nd February 2021', '2021-02-22'],
    ['12th day of May 2003', '2003-05-12'],
    ['12th day of May, 2003', '2003-05-12'],
    ['05-JAN-24', '2024-01-05'],
    ['1 dec 99', '1999-12-01'],
    ['29/02/2024', '2024-02-29'], // leap year
    ['29 February 2000', '2000-02-29'], // divisible by 400
  ])('%s → %s', (text, iso) => {
    expect(parseValue('date', text)?.normalized).toBe(iso);
  });

  test.each([
    ['1/1/00', '2000-01-01'],
    ['1/1/69', '2069-01-01'],
    ['1/1/70', '1970-01-01'],
    ['1/1/99', '1999-01-01'],
  ])('two-digit year %s → %s', (text, iso) => {
    expect(parseValue('date', text)?.normalized).toBe(iso);
  });

  test.each([
    '30/02/2024', // Feb 30
    '02/30/2024',
    '2024-13-01', // month 13
    '2024-02-30',
    '29/02/2023', // not a leap year
    '29 Feb 1900', // century, not a leap year
    '13/13/2024',
    '31 April 2024',
    'January 2024', // no day
    'hello',
    '',
    '12.50',
    '1.234.567',
  ])('rejects %p', (text) => {
    expect(parseValue('date', text)).toBeUndefined();
  });

  test('dateOrder decides ambiguous numeric dates', () => {
    expect(parseValue('date', '05/01/2024', { dateOrder: 'DMY' })?.normalized).toBe('2024-01-05');
    expect(parseValue('date', '05/01/2024', { dateOrder: 'MDY' })?.normalized).toBe('2024-05-01');
    expect(parseValue('date', '05.01.2024', { dateOrder: 'MDY' })?.normalized).toBe('2024-05-01');
  });

  test('an explicit dateOrder is obeyed, not flipped, when the reading is impossible', () => {
    expect(parseValue('date', '25/12/2024', { dateOrder: 'MDY' })).toBeUndefined();
    expect(parseValue('date', '12/25/2024', { dateOrder: 'DMY' })).toBeUndefined();
  });

  test('dateOrder does not affect ISO or month-name dates', () => {
    expect(parseValue('date', '2024-01-05', { dateOrder: 'DMY' })?.normalized).toBe('2024-01-05');
    expect(parseValue('date', 'Jan 5 2024', { dateOrder: 'DMY' })?.normalized).toBe('2024-01-05');
  });

  test('ambiguous dates get lower confidence than unambiguous ones', () => {
    const ambiguous = parseValue('date', '05/01/2024')!;
    const clear = parseValue('date', '25/01/2024')!;
    expect(ambiguous.confidence).toBeLessThan(clear.confidence);
    expect(parseValue('date', '2024-01-05')!.confidence).toBe(1);
    expect(parseValue('date', '05/01/2024', { dateOrder: 'DMY' })!.confidence).toBeGreaterThan(ambiguous.confidence);
  });

  test('finds the first date within text and reports it as found', () => {
    const parsed = parseValue('date', 'Invoice date: 5 Jan 2024, due 2024-02-04');
    expect(parsed).toEqual({ value: '5 Jan 2024', normalized: '2024-01-05', confidence: expect.any(Number) });
    expect(parsed!.confidence).toBeLessThan(1);
    expect(parseValue('date', 'Friday, January 5, 2024 at noon')?.normalized).toBe('2024-01-05');
    expect(parseValue('date', 'Created 2024-01-05T10:22:00Z')?.normalized).toBe('2024-01-05');
  });

  test('value is the trimmed text as found', () => {
    expect(parseValue('date', '  2024-01-05 \n')).toEqual({ value: '2024-01-05', normalized: '2024-01-05', confidence: 1 });
  });
});
