import { cellOf, csvField, xlsxCell } from '../../src/export/cells.js';

describe('export cells', () => {
  it('guards csv text a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+A1', '-A1', '@SUM(A1)', '\t=1', '\r=1', '-', '+', '-1+2', '=-5', '-5e', '--5']) {
      expect(csvField(text)).toBe(`'${text}`);
    }
  });

  it('leaves plain numbers, typed or as text, and everything else alone', () => {
    for (const text of ['-5', '-5.50', '+3', '-.5', '-1e3', '+2E-4', '0', 'a=b', ' =1', "'=1", '']) expect(csvField(text)).toBe(text);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
  });

  it('turns values into cells the same way for csv and xlsx', () => {
    expect(cellOf(undefined)).toBeNull();
    expect(cellOf(NaN)).toBeNull();
    expect(cellOf(Infinity)).toBeNull();
    expect(cellOf(new Date('invalid'))).toBeNull();
    expect(cellOf(new Date('2026-12-05T00:00:00Z'))).toBe('2026-12-05T00:00:00.000Z');
    expect(cellOf(12n)).toBe('12');
    expect(cellOf({ a: [1, { b: 2n }], at: new Date('2026-01-01T00:00:00Z') })).toBe('{"a":[1,{"b":"2"}],"at":"2026-01-01T00:00:00.000Z"}');
    expect(cellOf([])).toBe('[]');
    expect(cellOf(0)).toBe(0);
    expect(cellOf(false)).toBe(false);
  });

  it('cuts xlsx text to the limit with a marker, and only when over it', () => {
    expect(xlsxCell('x'.repeat(32_767))).toBe('x'.repeat(32_767));
    const cut = xlsxCell('x'.repeat(32_768)) as string;
    expect(cut).toHaveLength(32_767);
    expect(cut.endsWith('…[truncated, 32768 chars]')).toBe(true);
    expect(xlsxCell('abcdefghijklmnopqrstuvwxyz0123456789', 30)).toBe('abcdefgh…[truncated, 36 chars]');
    expect(xlsxCell(5)).toBe(5);
  });
});
