import { describe, expect, test } from '@jest/globals';
import { parseValue } from '../../src/values/index.js';

describe('money values', () => {
  test.each([
    ['$1,234.56', 1234.56, 'USD'],
    ['1.234,56 €', 1234.56, 'EUR'],
    ['€1.234,56', 1234.56, 'EUR'],
    ['USD 10,000', 10000, 'USD'],
    ['USD10,000.00', 10000, 'USD'],
    ['RM 12.50', 12.5, 'MYR'],
    ['S$ 99.90', 99.9, 'SGD'],
    ['R$ 1.500,00', 1500, 'BRL'],
    ['US$5', 5, 'USD'],
    ['£7.20', 7.2, 'GBP'],
    ['¥1,000', 1000, 'JPY'],
    ['1 234,56 EUR', 1234.56, 'EUR'],
    ["CHF 1'234.50", 1234.5, 'CHF'],
    ['12,50 €', 12.5, 'EUR'],
    ['1.234.567 €', 1234567, 'EUR'],
    ['$1,234,567.89', 1234567.89, 'USD'],
    ['30 GBP', 30, 'GBP'],
  ])('%s → %d %s', (text, amount, currency) => {
    expect(parseValue('money', text)?.normalized).toEqual({ amount, currency });
  });

  test.each([
    ['(12.50)', -12.5, null],
    ['($12.50)', -12.5, 'USD'],
    ['-$5.00', -5, 'USD'],
    ['$-5.00', -5, 'USD'],
    ['−€3', -3, 'EUR'], // Unicode minus
    ['USD -10', -10, 'USD'],
  ])('negative %s → %d', (text, amount, currency) => {
    expect(parseValue('money', text)?.normalized).toEqual({ amount, currency });
  });

  test('amounts without a currency use defaultCurrency, else null, with lower confidence', () => {
    expect(parseValue('money', '12.50')).toEqual({ value: '12.50', normalized: { amount: 12.5, currency: null }, confidence: 0.6 });
    expect(parseValue('money', '12.50', { defaultCurrency: 'EUR' })?.normalized).toEqual({ amount: 12.5, currency: 'EUR' });
    expect(parseValue('money', '$12.50', { defaultCurrency: 'EUR' })?.normalized).toEqual({ amount: 12.5, currency: 'USD' });
    expect(parseValue('money', '$12.50')!.confidence).toBe(1);
  });

  test('value is the amount as found, parentheses only when they pair up', () => {
    expect(parseValue('money', 'Total: $1,234.56 due')?.value).toBe('$1,234.56');
    expect(parseValue('money', '(12.50)')?.value).toBe('(12.50)');
    expect(parseValue('money', '(total $12.50)')?.value).toBe('$12.50');
    expect(parseValue('money', '(12.50')).toEqual({ value: '12.50', normalized: { amount: 12.5, currency: null }, confidence: expect.any(Number) });
  });

  test('an amount with a currency wins over an earlier bare number', () => {
    expect(parseValue('money', 'Invoice 123 total $45.00')?.normalized).toEqual({ amount: 45, currency: 'USD' });
    expect(parseValue('money', 'Qty 3 at 4.50')?.normalized).toEqual({ amount: 3, currency: null });
  });

  test('a dash inside an identifier or range is not a minus sign', () => {
    expect(parseValue('money', 'INV-123')?.normalized).toEqual({ amount: 123, currency: null });
    expect(parseValue('money', '10-20 EUR')?.normalized).toEqual({ amount: 20, currency: 'EUR' });
  });

  test('currency words inside other words are not currencies', () => {
    expect(parseValue('money', 'EUROPE 12')?.normalized).toEqual({ amount: 12, currency: null });
    expect(parseValue('money', 'FIRM 12')?.normalized).toEqual({ amount: 12, currency: null });
  });

  test.each(['', 'no amount here', '$', '1,23,4', '₹ 2,50,000' /* lakh grouping is not supported */])('rejects %p', (text) => {
    expect(parseValue('money', text)).toBeUndefined();
  });
});

describe('number values', () => {
  test.each([
    ['42', 42],
    ['12.50', 12.5],
    ['12,50', 12.5],
    ['1,234', 1234],
    ['1.234', 1234],
    ['0.125', 0.125],
    ['1,2345', 1.2345],
    ['1234.567', 1234.567],
    ['1.234.567', 1234567],
    ['1,234,567.89', 1234567.89],
    ['1.234.567,89', 1234567.89],
    ['1 234,56', 1234.56],
    ['12 500', 12500],
    ['-7', -7],
    ['+3.5', 3.5],
    ['−2', -2],
    ['Qty: 17 pcs', 17],
  ])('%s → %d', (text, n) => {
    expect(parseValue('number', text)?.normalized).toBe(n);
  });

  test('a lone separator before three digits is read as grouping, with reduced confidence', () => {
    expect(parseValue('number', '1,234')!.confidence).toBeLessThan(parseValue('number', '1,234.00')!.confidence);
  });

  test('a dash glued to a word is not a sign', () => {
    expect(parseValue('number', 'INV-123')?.normalized).toBe(123);
  });

  test('skips malformed numerals to the next one', () => {
    expect(parseValue('number', '1,23,4 or 56')?.normalized).toBe(56);
  });

  test.each(['', 'abc', '—', '1,23,4', '1.234,567,89'])('rejects %p', (text) => {
    expect(parseValue('number', text)).toBeUndefined();
  });
});

describe('percent values', () => {
  test.each([
    ['12.5%', 12.5],
    ['12,5 %', 12.5],
    ['100%', 100],
    ['-3%', -3],
    ['7 percent', 7],
    ['VAT 20% included', 20],
    ['15％', 15],
  ])('%s → %d', (text, n) => {
    expect(parseValue('percent', text)?.normalized).toBe(n);
  });

  test.each(['12.5', '', '%', 'percent', '5 percentile'])('rejects %p', (text) => {
    expect(parseValue('percent', text)).toBeUndefined();
  });
});
