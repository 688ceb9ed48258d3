/**
 * Values as they are written: json/ndjson keep JSON values; csv and xlsx cells hold scalars, so
 * lists and objects become JSON text there. The same rules for every format, so a value reads the
 * same in each: dates as ISO 8601 UTC text, bigints as decimal text, NaN/±Infinity and invalid
 * dates as null (as JSON.stringify writes them), undefined as null.
 */
export type Cell = string | number | boolean | null;

/** JSON.stringify that does not throw on a bigint (written as its decimal text). */
export const toJson = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A value inside a json/ndjson item: as given, with undefined (a column the row lacks) as null. */
export const jsonValue = (value: unknown): unknown => (value === undefined ? null : typeof value === 'bigint' ? value.toString() : value);

export function cellOf(value: unknown): Cell {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return (toJson(value) as string | undefined) ?? null;
}

/** Text a spreadsheet would read as a number: left alone by the formula guard. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A csv field. Text starting with `=`, `+`, `-`, `@`, a tab or a CR, which a spreadsheet opening
 * the file could run as a formula (CSV injection), gets a leading `'` — except text that is
 * just a number ("-5", "+3.5", "-1e3"), which a spreadsheet reads as that number, never as a
 * formula. Numbers (typed values) are never touched. The `'` is in the data: a program reading
 * the csv sees it (json/ndjson are the exact formats).
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') return String(cell);
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** Excel refuses a cell holding more text than this (UTF-16 code units). */
export const XLSX_MAX_CELL_CHARS = 32_767;

/**
 * An xlsx cell. Text cells are stored as text (inline strings), which Excel never evaluates, so
 * no formula guard is needed or added. Text longer than Excel's limit is cut to fit with a marker
 * saying how long it was (`…[truncated, 40000 chars]`); the full value is in json/ndjson/csv.
 */
export function xlsxCell(cell: Cell, max = XLSX_MAX_CELL_CHARS): Cell {
  if (typeof cell !== 'string' || cell.length <= max) return cell;
  const marker = `…[truncated, ${cell.length} chars]`;
  let end = max - marker.length;
  // Never leave half a surrogate pair behind.
  const code = cell.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return cell.slice(0, end) + marker;
}
