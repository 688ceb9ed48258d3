import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { COLUMNS, contentType, encodeExport, EXPORT_KINDS, exportStream, fileName, SCOPE_KINDS, type ExportFormat, type ExportScope } from '../../src/export/index.js';
import { collect, DATA, EMPTY, expectedField, expectedItem, expectedXlsxCell, EXPORTED_AT, sectionsFor } from './fixtures.js';

const SCOPES: ExportScope[] = ['documents', 'extractions', 'questions', 'tags', 'all'];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const write = (scope: ExportScope, format: ExportFormat, data = DATA): Promise<Buffer> =>
  collect(exportStream({ scope, format, exportedAt: EXPORTED_AT, sections: sectionsFor(scope, data) }));

const expectedItems = (scope: ExportScope, data = DATA) => SCOPE_KINDS[scope].flatMap((kind) => data[kind].map((row) => expectedItem(kind, row, scope === 'all')));

/** The csv header written for a scope, spelled out rather than derived from the code under test. */
const HEADERS: Record<ExportScope, string[]> = {
  documents: ['doc_id', 'filename', 'status', 'doc_type', 'pages', 'language', 'tags', 'archived', 'created_at'],
  extractions: ['doc_id', 'template_id', 'template_name', 'doc_type', 'field', 'value', 'normalized', 'confidence', 'page', 'extracted_at'],
  questions: ['question_id', 'doc_id', 'doc_ids', 'question', 'answer', 'found', 'mode', 'confidence', 'asked_at'],
  tags: ['doc_id', 'doc_type', 'language', 'tag', 'category', 'confidence', 'tagged_at'],
  all: [
    'kind', 'doc_id', 'filename', 'status', 'doc_type', 'pages', 'language', 'tags', 'archived', 'created_at',
    'template_id', 'template_name', 'field', 'value', 'normalized', 'confidence', 'page', 'extracted_at',
    'question_id', 'doc_ids', 'question', 'answer', 'found', 'mode', 'asked_at', 'tag', 'category', 'tagged_at',
  ],
};

describe('export writers: every scope in every format reads back as the data', () => {
  describe.each(SCOPES)('scope %s', (scope) => {
    it('json: {scope, exported_at, items} with every item, its columns only', async () => {
      const parsed = JSON.parse((await write(scope, 'json')).toString('utf8'));
      expect(parsed).toEqual({ scope, exported_at: '2026-12-05T10:11:12.345Z', items: expectedItems(scope) });
      // Key order is the column order (kind first for all): what a reader of the raw text sees.
      expect(Object.keys(parsed.items[0])).toEqual(scope === 'all' ? ['kind', ...COLUMNS.documents] : [...COLUMNS[SCOPE_KINDS[scope][0]!]]);
      expect(JSON.stringify(parsed)).not.toContain('cli_secret');
    });

    it('ndjson: one item per line, each line JSON', async () => {
      const text = (await write(scope, 'ndjson')).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      expect(lines.map((l) => JSON.parse(l))).toEqual(expectedItems(scope));
      expect(text).not.toContain('cli_secret');
    });

    it('csv: BOM, one header row, CRLF, every field back through csv-parse', async () => {
      const bytes = await write(scope, 'csv');
      expect(bytes.subarray(0, 3)).toEqual(BOM);
      const text = bytes.toString('utf8');
      expect(text.slice(1, text.indexOf('\r\n'))).toBe(HEADERS[scope].join(','));
      expect(text.endsWith('\r\n')).toBe(true);
      const [header, ...records] = parseCsv(bytes, { bom: true, relax_quotes: false }) as string[][];
      expect(header).toEqual(HEADERS[scope]);
      const expected = SCOPE_KINDS[scope].flatMap((kind) =>
        DATA[kind].map((row) => HEADERS[scope].map((c) => (c === 'kind' && scope === 'all' ? kind : COLUMNS[kind].includes(c) ? expectedField(row[c]) : ''))),
      );
      expect(records).toEqual(expected);
      // RFC 4180: a field with a line break (a lone CR or LF too) is quoted, whatever a lenient parser accepts.
      for (const field of expected.flat().filter((f) => /[\r\n]/.test(f))) expect(text).toContain(`"${field.replace(/"/g, '""')}"`);
      expect(text).not.toContain('cli_secret');
    });

    it('xlsx: one sheet per kind, header row, typed cells', async () => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await write(scope, 'xlsx')) as never);
      expect(book.worksheets.map((w) => w.name)).toEqual([...SCOPE_KINDS[scope]]);
      for (const kind of SCOPE_KINDS[scope]) {
        const sheet = book.getWorksheet(kind)!;
        expect(sheet.rowCount).toBe(1 + DATA[kind].length);
        expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...COLUMNS[kind]]);
        DATA[kind].forEach((row, i) => {
          const got = COLUMNS[kind].map((_, j) => sheet.getCell(i + 2, j + 1).value);
          expect(got).toEqual(COLUMNS[kind].map((c) => expectedXlsxCell(row[c])));
        });
      }
    });
  });

  it('xlsx keeps formula-like text as text, unguarded', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await write('documents', 'xlsx')) as never);
    const cell = book.getWorksheet('documents')!.getCell(4, 2);
    expect(cell.value).toBe('=HYPERLINK("http://evil.example","click")');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it('an export with no rows is still a valid file of its format', async () => {
    expect(JSON.parse((await write('all', 'json', EMPTY)).toString())).toEqual({ scope: 'all', exported_at: EXPORTED_AT.toISOString(), items: [] });
    expect(JSON.parse((await write('tags', 'json', EMPTY)).toString()).items).toEqual([]);
    expect((await write('all', 'ndjson', EMPTY)).length).toBe(0);
    expect((await write('tags', 'csv', EMPTY)).toString('utf8')).toBe(`\uFEFF${HEADERS.tags.join(',')}\r\n`);
    expect(parseCsv(await write('all', 'csv', EMPTY), { bom: true })).toEqual([HEADERS.all]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await write('all', 'xlsx', EMPTY)) as never);
    expect(book.worksheets.map((w) => [w.name, w.rowCount])).toEqual(EXPORT_KINDS.map((k) => [k, 1]));
    expect((book.getWorksheet('questions')!.getRow(1).values as unknown[]).slice(1)).toEqual([...COLUMNS.questions]);
  });

  it('refuses sections that do not fit the scope before writing anything', () => {
    const rows = sectionsFor('documents')[0]!.rows;
    expect(() => encodeExport({ scope: 'documents', format: 'csv', exportedAt: EXPORTED_AT, sections: [{ kind: 'tags', rows }] })).toThrow('scope documents cannot hold tags');
    expect(() => encodeExport({ scope: 'documents', format: 'csv', exportedAt: EXPORTED_AT, sections: [] })).toThrow('takes one section');
    expect(() => encodeExport({ scope: 'all', format: 'json', exportedAt: EXPORTED_AT, sections: [{ kind: 'tags', rows }, { kind: 'tags', rows }] })).toThrow('tags given twice');
    expect(() => encodeExport({ scope: 'all', format: 'pdf' as ExportFormat, exportedAt: EXPORTED_AT, sections: [] })).toThrow('unknown format');
  });

  it('takes a section its own columns', async () => {
    const rows = (async function* () { yield { doc_id: 'd', filename: 'f', status: 'ready' }; })();
    const text = (await collect(exportStream({ scope: 'documents', format: 'csv', exportedAt: EXPORTED_AT, sections: [{ kind: 'documents', rows, columns: ['doc_id', 'status'] }] }))).toString();
    expect(text).toBe('\uFEFFdoc_id,status\r\nd,ready\r\n');
  });

  it('names the download', () => {
    expect(fileName('documents', 'csv', EXPORTED_AT)).toBe('perceptiq-export-documents-2026-12-05.csv');
    expect(fileName('all', 'xlsx', new Date('2026-12-31T23:59:59Z'))).toBe('perceptiq-export-all-2026-12-31.xlsx');
    expect(contentType('csv')).toBe('text/csv; charset=utf-8');
    expect(contentType('ndjson')).toBe('application/x-ndjson; charset=utf-8');
    expect(contentType('json')).toBe('application/json; charset=utf-8');
    expect(contentType('xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });
});
