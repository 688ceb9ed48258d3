import { PassThrough } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ExportKind, ExportRow } from '../src/export-sources.js';
import { cellOf } from '../src/export-writers/columns.js';
import { exportFileName, writeExport, type ExportSpec } from '../src/export-writers/index.js';

async function* rowsOf(rows: ExportRow[], failAt?: number): AsyncGenerator<ExportRow> {
  for (const [i, r] of rows.entries()) {
    if (i === failAt) throw new Error('source failed');
    yield r;
  }
}
const DOCS: ExportRow[] = [
  { doc_id: 'doc_1', filename: 'a, "quoted".txt', status: 'ready', doc_type: 'invoice', pages: 2, language: 'en', tags: ['finance'], archived: false, created_at: '2026-12-01T00:00:00Z' },
  { doc_id: 'doc_2', filename: 'multi\nline é.pdf', status: 'failed', doc_type: null, pages: 0, language: null, tags: [], archived: true, created_at: '2026-12-02T00:00:00Z' },
];
const TAGS: ExportRow[] = [{ doc_id: 'doc_1', doc_type: 'invoice', language: 'en', tag: 'finance', category: 'topic', confidence: 0.7, tagged_at: '2026-12-01T00:00:01Z' }];
const at = new Date('2026-12-05T10:00:00Z');

async function write(format: ExportSpec['format'], scope: ExportSpec['scope'], sections: Array<[ExportKind, ExportRow[]]>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeExport(out, { format, scope, exportedAt: at, sections: sections.map(([kind, rows]) => ({ kind, rows: rowsOf(rows) })) });
  out.end();
  return Buffer.concat(chunks);
}

describe('export writers', () => {
  it('json and ndjson give the rows back exactly, with kind for all', async () => {
    const json = JSON.parse((await write('json', 'all', [['documents', DOCS], ['tags', TAGS]])).toString());
    expect(json).toEqual({ scope: 'all', exported_at: at.toISOString(), items: [...DOCS.map((d) => ({ kind: 'documents', ...d })), { kind: 'tags', ...TAGS[0] }] });
    const lines = (await write('ndjson', 'documents', [['documents', DOCS]])).toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(DOCS);
    expect(JSON.parse((await write('json', 'questions', [['questions', []]])).toString()).items).toEqual([]);
  });

  it('csv has one header row (kind first for all), quotes what needs it, and reads back', async () => {
    const text = (await write('csv', 'all', [['documents', DOCS], ['tags', TAGS]])).toString();
    expect(text.startsWith('\uFEFFkind,doc_id,')).toBe(true);
    const rows = parseCsv(text.slice(1), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ kind: 'documents', doc_id: 'doc_1', filename: 'a, "quoted".txt', tags: '["finance"]', pages: '2' });
    expect(rows[1]!.filename).toBe('multi\nline é.pdf');
    expect(rows[2]).toMatchObject({ kind: 'tags', tag: 'finance', confidence: '0.7' });
    expect((await write('csv', 'tags', [['tags', []]])).toString()).toBe('\uFEFFdoc_id,doc_type,language,tag,category,confidence,tagged_at\n');
  });

  it('xlsx has one sheet per kind with its header, and reads back', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await write('xlsx', 'all', [['documents', DOCS], ['tags', TAGS]])) as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(['documents', 'tags']);
    const docs = book.getWorksheet('documents')!;
    expect((docs.getRow(1).values as unknown[]).slice(1, 3)).toEqual(['doc_id', 'filename']);
    expect((docs.getRow(2).values as unknown[]).slice(1, 6)).toEqual(['doc_1', 'a, "quoted".txt', 'ready', 'invoice', 2]);
    expect(docs.rowCount).toBe(3);
  });

  it('guards cells against formulas, keeps numbers, truncates what Excel cannot hold', () => {
    expect(cellOf('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(cellOf('-5.00')).toBe('-5.00');
    expect(cellOf(-5)).toBe(-5);
    expect((cellOf('x'.repeat(40_000)) as string).length).toBe(32_767);
    expect(cellOf(undefined)).toBeNull();
  });

  it('ends in an error when a row source fails, rather than as a complete file', async () => {
    const out = new PassThrough();
    out.resume();
    await expect(writeExport(out, { format: 'csv', scope: 'documents', exportedAt: at, sections: [{ kind: 'documents', rows: rowsOf(DOCS, 1) }] })).rejects.toThrow('source failed');
  });

  it('names the file for its scope, format and day', () => {
    expect(exportFileName({ scope: 'all', format: 'xlsx', exportedAt: at })).toBe('perceptiq-export-all-2026-12-05.xlsx');
  });
});
