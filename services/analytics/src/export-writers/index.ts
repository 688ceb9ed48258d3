import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportQuery } from '@perceptiq/contracts';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ExportKind, ExportRow } from '../export-sources.js';
import { cellOf, COLUMNS } from './columns.js';

export interface ExportSection {
  kind: ExportKind;
  rows: AsyncIterable<ExportRow>;
}

export interface ExportSpec {
  scope: ExportQuery['scope'];
  format: ExportQuery['format'];
  exportedAt: Date;
  sections: ExportSection[];
}

export const CONTENT_TYPES: Record<ExportQuery['format'], string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const exportFileName = (spec: Pick<ExportSpec, 'scope' | 'format' | 'exportedAt'>): string =>
  `perceptiq-export-${spec.scope}-${spec.exportedAt.toISOString().slice(0, 10)}.${spec.format}`;

/**
 * Writes an export to `out` row by row, waiting whenever `out` is full: memory holds one row (and
 * exceljs's current sheet part), however many rows there are. A row source that fails rejects the
 * promise mid-file; the caller then cuts the download short rather than end it as if complete.
 */
export async function writeExport(out: Writable, spec: ExportSpec): Promise<void> {
  switch (spec.format) {
    case 'json':
      return writeJson(out, spec);
    case 'ndjson':
      return writeLines(out, spec, (item) => `${JSON.stringify(item)}\n`);
    case 'csv':
      return writeCsv(out, spec);
    case 'xlsx':
      return writeXlsx(out, spec);
  }
}

/** Each row, with its `kind` first when the export holds every kind. */
async function* items(spec: ExportSpec): AsyncGenerator<ExportRow> {
  for (const section of spec.sections) {
    for await (const row of section.rows) yield spec.scope === 'all' ? { kind: section.kind, ...row } : row;
  }
}

async function put(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function writeJson(out: Writable, spec: ExportSpec): Promise<void> {
  await put(out, `{"scope":${JSON.stringify(spec.scope)},"exported_at":${JSON.stringify(spec.exportedAt.toISOString())},"items":[`);
  let first = true;
  for await (const item of items(spec)) {
    await put(out, (first ? '' : ',') + JSON.stringify(item));
    first = false;
  }
  await put(out, ']}\n');
}

async function writeLines(out: Writable, spec: ExportSpec, line: (item: ExportRow) => string): Promise<void> {
  for await (const item of items(spec)) await put(out, line(item));
}

/** One header row (for every kind: `kind` and the union of their columns); a BOM so Excel reads UTF-8. */
async function writeCsv(out: Writable, spec: ExportSpec): Promise<void> {
  const columns = spec.scope === 'all' ? ['kind', ...new Set(spec.sections.flatMap((s) => COLUMNS[s.kind]))] : [...COLUMNS[spec.sections[0]!.kind]];
  await put(out, '\uFEFF' + stringify([columns]));
  for await (const item of items(spec)) await put(out, stringify([columns.map((c) => cellOf(item[c]) ?? '')]));
}

/** One sheet per kind, named for it, with its columns as the header. */
async function writeXlsx(out: Writable, spec: ExportSpec): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  for (const section of spec.sections) {
    const sheet = book.addWorksheet(section.kind);
    const columns = COLUMNS[section.kind];
    sheet.addRow([...columns]).commit();
    for await (const row of section.rows) {
      sheet.addRow(columns.map((c) => cellOf(row[c]))).commit();
      // exceljs writes into `out` as rows are committed; wait when it is full.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    sheet.commit();
  }
  await book.commit();
}
