import { describe, expect, test } from '@jest/globals';
import { parseValue } from '../../src/values/index.js';

describe('email values', () => {
  test.each([
    ['john@x.com', 'john@x.com'],
    ['John.Doe+inv@Example.CO.uk', 'John.Doe+inv@example.co.uk'], // domain lower-cased, local part kept
    ['Contact: billing@acme-corp.io.', 'billing@acme-corp.io'],
    ['<a_b@mail.example.org>', 'a_b@mail.example.org'],
  ])('%s → %s', (text, email) => {
    expect(parseValue('email', text)?.normalized).toBe(email);
  });

  test.each(['john@', '@x.com', 'john@x', 'john@x.c', 'john.@x.com', 'john@-x.com', 'plain text', ''])('rejects %p', (text) => {
    expect(parseValue('email', text)).toBeUndefined();
  });
});

describe('phone values', () => {
  test.each([
    ['+1 (555) 123-4567', '+15551234567'],
    ['(555) 123-4567', '5551234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['555.123.4567', '5551234567'],
    ['Tel: +60 3-1234 5678', '+60312345678'],
    ['555-1234', '5551234'],
  ])('%s → %s', (text, phone) => {
    expect(parseValue('phone', text)?.normalized).toBe(phone);
  });

  test('value is the number as found', () => {
    expect(parseValue('phone', 'Tel: +60 3-1234 5678, fax')?.value).toBe('+60 3-1234 5678');
    expect(parseValue('phone', '(555) 123-4567')).toEqual({ value: '(555) 123-4567', normalized: '5551234567', confidence: 0.9 });
  });

  test.each([
    '123-45', // 5 digits
    '+1 2345 6789 0123 4567', // 17 digits
    '2024-01-05', // a date
    '05.01.2024',
    'INV-1234567', // glued to a word
    'call me',
    '',
  ])('rejects %p', (text) => {
    expect(parseValue('phone', text)).toBeUndefined();
  });

  test('bare digit runs are less certain than formatted numbers', () => {
    expect(parseValue('phone', '5551234567')!.confidence).toBeLessThan(parseValue('phone', '555-123-4567')!.confidence);
  });
});

describe('id values', () => {
  test.each([
    ['INV-123', 'INV-123', 'INV-123'],
    ['PO# 4500012345', 'PO# 4500012345', '4500012345'],
    ['A1B2-C3', 'A1B2-C3', 'A1B2-C3'],
    ['Invoice number: INV/2024/0042.', 'INV/2024/0042', 'INV/2024/0042'],
    ['(REF.7781)', 'REF.7781', 'REF.7781'],
    ['#12345', '#12345', '12345'],
    ['No. 17', 'No. 17', '17'],
  ])('%s → value %s, normalized %s', (text, value, id) => {
    expect(parseValue('id', text)).toMatchObject({ value, normalized: id });
  });

  test.each(['INVOICE', 'abc-def', '', '---', '#'])('rejects %p (no digit)', (text) => {
    expect(parseValue('id', text)).toBeUndefined();
  });

  test('a plain decimal is a quantity, not an identifier', () => {
    expect(parseValue('id', '12.50')).toBeUndefined();
    expect(parseValue('id', 'Total 12.50 for PO-77')?.normalized).toBe('PO-77');
  });

  test('tokens of digits alone are less certain than mixed tokens', () => {
    expect(parseValue('id', '123456')!.confidence).toBeLessThan(parseValue('id', 'AB123456')!.confidence);
  });
});

describe('boolean values', () => {
  test.each([
    ['yes', true],
    ['Yes.', true],
    ['TRUE', true],
    ['x', true],
    ['X', true],
    ['✓', true],
    ['✔ paid', true],
    ['☑', true],
    ['checked', true],
    ['no', false],
    ['No', false],
    ['false', false],
    ['unchecked', false],
    ['☐', false],
    ['n', false],
  ])('%s → %s', (text, bool) => {
    expect(parseValue('boolean', text)?.normalized).toBe(bool);
  });

  test.each(['N/A', 'Nothing', 'maybe', 'yesterday', 'xylophone', '', '1', 'the answer is no'])('rejects %p', (text) => {
    expect(parseValue('boolean', text)).toBeUndefined();
  });
});

describe('address values', () => {
  test.each([
    ['123 Main St', '123 Main St'],
    ['12B Baker Street, London', '12B Baker Street, London'],
    ['1600 Pennsylvania Avenue NW', '1600 Pennsylvania Avenue NW'],
    ['5 rue de Rivoli', '5 rue de Rivoli'],
    ['Hauptstraße 5', 'Hauptstraße 5'],
    ['PO Box 1234', 'PO Box 1234'],
    ['Springfield, IL 62704', 'Springfield, IL 62704'],
    ['London SW1A 1AA', 'London SW1A 1AA'],
    ['75001 Paris', '75001 Paris'],
    ['  123   Main\tSt  ', '123 Main St'],
  ])('%p → %p', (text, normalized) => {
    expect(parseValue('address', text)?.normalized).toBe(normalized);
  });

  test('takes the address block out of a longer text', () => {
    const parsed = parseValue('address', 'Ship to:\nAcme Corp\n123 Main St\nSpringfield, IL 62704\nThank you');
    expect(parsed?.value).toBe('123 Main St\nSpringfield, IL 62704');
    expect(parsed?.normalized).toBe('123 Main St Springfield, IL 62704');
  });

  test.each(['Main Street', 'Total 5 items', 'hello world', '', '12345'])('rejects %p', (text) => {
    expect(parseValue('address', text)).toBeUndefined();
  });
});

describe('string values', () => {
  test('trims and collapses whitespace', () => {
    expect(parseValue('string', '  Acme \n  Corp\t Ltd ')).toEqual({ value: 'Acme \n  Corp\t Ltd', normalized: 'Acme Corp Ltd', confidence: 1 });
  });

  test.each(['', '   ', '\n\t'])('rejects blank %p', (text) => {
    expect(parseValue('string', text)).toBeUndefined();
  });
});
