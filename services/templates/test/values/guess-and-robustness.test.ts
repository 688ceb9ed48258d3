import { describe, expect, test } from '@jest/globals';
import { FIELD_TYPES, guessTypes, parseValue, type FieldType } from '../../src/values/index.js';

describe('guessTypes', () => {
  test.each<[string, FieldType]>([
    ['05/01/2024', 'date'],
    ['2024-01-05', 'date'],
    ['January 5, 2024', 'date'],
    ['$12.50', 'money'],
    ['1.234,56 €', 'money'],
    ['INV-123', 'id'],
    ['john@x.com', 'email'],
    ['+1 (555) 123-4567', 'phone'],
    ['12.5%', 'percent'],
    ['yes', 'boolean'],
    ['123 Main St', 'address'],
    ['12.50', 'number'],
    ['Acme Corp', 'string'],
  ])('%p → %s first', (text, type) => {
    expect(guessTypes(text)[0]).toBe(type);
  });

  test('lists every whole-text reading, string last', () => {
    expect(guessTypes('12.50')).toEqual(['number', 'money', 'string']);
    expect(guessTypes('05/01/2024')).toEqual(['date', 'id', 'string']);
    expect(guessTypes('Acme Corp')).toEqual(['string']);
  });

  test('a type found only inside the text is not proposed', () => {
    const types = guessTypes('Invoice dated 2024-01-05');
    expect(types).not.toContain('date');
    expect(types).toEqual(['string']);
    expect(guessTypes('$12.50')).not.toContain('number');
  });

  test('blank text has no types', () => {
    expect(guessTypes('')).toEqual([]);
    expect(guessTypes('   ')).toEqual([]);
  });
});

describe('robustness', () => {
  const nasty: string[] = [
    '9'.repeat(100_000),
    '1,'.repeat(50_000) + '1',
    '1 '.repeat(50_000),
    '$'.repeat(10_000) + '5',
    '('.repeat(10_000),
    '-'.repeat(10_000) + '1',
    'a@'.repeat(10_000) + 'b.com',
    'x'.repeat(200_000),
    '😀🎉 请付款 ¥１２３ 😀',
    '\u0000\uffff\ud800',
    '12th day of '.repeat(1000),
    '1/'.repeat(5000),
    'Street '.repeat(5000) + '1',
  ];

  test.each(FIELD_TYPES)('%s never throws and stays fast on hostile input', (type) => {
    const start = Date.now();
    for (const text of nasty) {
      expect(() => parseValue(type, text)).not.toThrow();
      expect(() => parseValue(type, text, { dateOrder: 'DMY', defaultCurrency: 'EUR' })).not.toThrow();
    }
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('non-string input yields undefined rather than an exception', () => {
    expect(parseValue('string', undefined as unknown as string)).toBeUndefined();
    expect(parseValue('number', 42 as unknown as string)).toBeUndefined();
    expect(guessTypes(null as unknown as string)).toEqual([]);
  });

  test('only the first 500 characters are examined', () => {
    expect(parseValue('date', 'x'.repeat(600) + ' 2024-01-05')).toBeUndefined();
    expect(parseValue('date', 'x'.repeat(400) + ' 2024-01-05')?.normalized).toBe('2024-01-05');
  });

  test('CJK and emoji around a value are fine', () => {
    expect(parseValue('money', '合計 ¥1,200 😀')?.normalized).toEqual({ amount: 1200, currency: 'JPY' });
    expect(parseValue('date', '日付: 2024-01-05')?.normalized).toBe('2024-01-05');
    expect(parseValue('string', ' 請求書 😀 ')?.normalized).toBe('請求書 😀');
  });

  test('every confidence is within 0..1 and partial matches score lower than whole ones', () => {
    for (const type of FIELD_TYPES) {
      for (const text of ['2024-01-05', '$12.50', 'INV-123', 'yes', 'x@y.io', '123 Main St', '12%', 'Ref: INV-123 dated 2024-01-05']) {
        const parsed = parseValue(type, text);
        if (!parsed) continue;
        expect(parsed.confidence).toBeGreaterThan(0);
        expect(parsed.confidence).toBeLessThanOrEqual(1);
      }
    }
    expect(parseValue('id', 'Ref: INV-123')!.confidence).toBeLessThan(parseValue('id', 'INV-123')!.confidence);
  });
});
