import type { Readable } from 'node:stream';
import { COLUMNS, SCOPE_KINDS, type ExportKind, type ExportRow, type ExportScope } from '../../src/export/index.js';
import type { ExportSection } from '../../src/export/index.js';

export const EXPORTED_AT = new Date('2026-12-05T10:11:12.345Z');

/**
 * A small data set with what breaks encoders: commas, quotes, CRLF and a lone LF or CR, unicode beyond the BMP,
 * null and missing values, nested values, numbers (negative, fractional, zero), booleans, Date
 * objects, text a spreadsheet would run as a formula, and a key outside the columns (`client_id`)
 * that must never be exported.
 */
export const DATA: Record<ExportKind, ExportRow[]> = {
  documents: [
    {
      doc_id: 'doc_1', filename: 'a, "quoted".txt', content_type: 'text/plain', size_bytes: 1234, status: 'ready', doc_type: 'invoice',
      pages: 2, language: 'en', tags: ['finance', 'q4'], archived: false, created_at: new Date('2026-12-01T08:00:00Z'),
      ready_at: '2026-12-01T08:00:05.000Z', client_id: 'cli_secret',
    },
    {
      doc_id: 'doc_2', filename: 'multi\nline\r\nname é 日本 🎉.pdf', content_type: 'application/pdf', size_bytes: 0, status: 'failed',
      doc_type: null, pages: 0, language: undefined, tags: [], archived: true, created_at: '2026-12-02T00:00:00.000Z', ready_at: null,
    },
    {
      doc_id: 'doc_3', filename: '=HYPERLINK("http://evil.example","click")', size_bytes: -5, status: '-5.50', doc_type: '@SUM(A1)',
      pages: 1.5, language: '+1', tags: [{ tag: 'nested', meta: { depth: 2, list: [1, null, 'x'] } }], archived: false,
      created_at: '2026-12-03T00:00:00.000Z', ready_at: '-', // (content_type missing altogether)
    },
  ],
  extractions: [
    { doc_id: 'doc_1', template_id: 'tpl_1', template_name: 'Invoice, EU', doc_type: 'invoice', field: 'total', value: '1,234.50', normalized: { amount: 1234.5, currency: 'EUR' }, confidence: 0.93, page: 1, extracted_at: new Date('2026-12-01T09:00:00Z') },
    { doc_id: 'doc_1', template_id: 'tpl_1', template_name: 'Invoice, EU', doc_type: 'invoice', field: 'notes', value: 'He said "hi",\nthen left', normalized: null, confidence: 0, page: null, extracted_at: '2026-12-01T09:00:00.000Z' },
    { doc_id: 'doc_3', template_id: 'tpl_2', template_name: 'Receipt', doc_type: 'receipt', field: 'amount', value: '-42.00', normalized: -42, confidence: 1, page: 3, extracted_at: '2026-12-03T09:00:00.000Z' },
  ],
  questions: [
    { question_id: 'q_1', doc_id: 'doc_1', doc_ids: ['doc_1'], question: 'What is the total?\nAnd the tax?', answer: '€1,234.50', found: true, mode: 'extractive', confidence: 0.8, asked_at: '2026-12-04T12:00:00.000Z' },
    { question_id: 'q_2', doc_id: null, doc_ids: ['doc_1', 'doc_2'], question: 'Tab\tseparated?', answer: '\tleading tab', found: false, mode: 'generative', confidence: 0.25, asked_at: new Date('2026-12-04T12:30:00Z') },
  ],
  tags: [
    { doc_id: 'doc_1', doc_type: 'invoice', language: 'en', tag: 'finance', category: 'topic', confidence: 0.7, tagged_at: '2026-12-01T08:00:06.000Z' },
    { doc_id: 'doc_1', doc_type: 'invoice', language: 'en', tag: 'q4', category: 'period', confidence: 0.5, tagged_at: '2026-12-01T08:00:06.000Z' },
    { doc_id: 'doc_2', doc_type: null, language: null, tag: 'unicode ✓\rünïcödé', category: 'topic', confidence: 1, tagged_at: '2026-12-02T00:00:01.000Z' },
  ],
};

/** The csv text of the fixture's formula-like values: the guard's expected output, written out by hand. */
export const CSV_GUARDED: Record<string, string> = {
  '=HYPERLINK("http://evil.example","click")': `'=HYPERLINK("http://evil.example","click")`,
  '@SUM(A1)': `'@SUM(A1)`,
  '-': `'-`,
  '\tleading tab': `'\tleading tab`,
  // '-5.50', '+1', '-42.00' are plain numbers: left as they are.
};

export async function* rowsOf(rows: readonly ExportRow[], opts: { failAt?: number; onClose?: () => void } = {}): AsyncGenerator<ExportRow> {
  try {
    for (const [i, row] of rows.entries()) {
      if (i === opts.failAt) throw new Error('row source failed');
      await Promise.resolve();
      yield row;
    }
    if (opts.failAt !== undefined && opts.failAt >= rows.length) throw new Error('row source failed');
  } finally {
    opts.onClose?.();
  }
}

export function sectionsFor(scope: ExportScope, data: Record<ExportKind, readonly ExportRow[]> = DATA): ExportSection[] {
  return SCOPE_KINDS[scope].map((kind) => ({ kind, rows: rowsOf(data[kind]) }));
}

export const EMPTY: Record<ExportKind, ExportRow[]> = { documents: [], extractions: [], questions: [], tags: [] };

export async function collect(source: AsyncIterable<Uint8Array> | Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** What a value becomes in a json item: Dates as ISO text, undefined as null (what JSON.parse gives back). */
export const asJson = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/** The fixture row as a json item: its kind's columns only, in order. */
export function expectedItem(kind: ExportKind, row: ExportRow, tagged: boolean): Record<string, unknown> {
  const item: Record<string, unknown> = tagged ? { kind } : {};
  for (const c of COLUMNS[kind]) item[c] = asJson(row[c]);
  return item;
}

/** The fixture value as a csv field: text as is (or guarded), numbers and booleans as JS prints them, lists/objects as JSON. */
export function expectedField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  const text = String(v);
  return CSV_GUARDED[text] ?? text;
}

/** The fixture value as exceljs reads the cell back: text cells (never guarded; CR read as LF), typed numbers and booleans, nothing for null. */
export function expectedXlsxCell(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n');
  return v;
}
