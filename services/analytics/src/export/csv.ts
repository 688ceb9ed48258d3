import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { cellOf, csvField } from './cells.js';
import type { ExportPlan } from './plan.js';

/**
 * The header: the columns, with `kind` first and then every section's columns (first appearance
 * order; `doc_id` is shared) when the export mixes kinds. A row leaves another kind's columns empty.
 */
export function csvHeader(plan: ExportPlan): string[] {
  if (!plan.tagged) return [...(plan.sections[0]?.columns ?? [])];
  return ['kind', ...new Set(plan.sections.flatMap((s) => s.columns))];
}

async function* records(plan: ExportPlan, header: readonly string[]): AsyncGenerator<string[]> {
  for (const section of plan.sections) {
    const own = new Set(section.columns);
    for await (const row of section.rows) {
      yield header.map((c, i) => (plan.tagged && i === 0 ? section.kind : own.has(c) ? csvField(cellOf(row[c])) : ''));
    }
  }
}

/**
 * RFC 4180 csv: one header row, CRLF line ends, a field quoted when it holds a comma, a quote
 * (doubled) or a line break (CR or LF alone too). UTF-8 with a byte-order mark: Excel reads a csv
 * without one in the machine's legacy code page and garbles every non-ASCII character; programs
 * should strip it (csv-parse `bom: true`, Python `utf-8-sig`). Empty values and nulls are both
 * empty fields. An export with no rows is the header alone.
 *
 * Rows go through csv-stringify's stream, pulled as this generator is read: at most a few rows
 * and one buffer of text are in flight. A row source that throws ends the generator with its error;
 * a reader that stops early closes the row sources.
 */
export async function* encodeCsv(plan: ExportPlan): AsyncGenerator<Buffer> {
  const header = csvHeader(plan);
  const csv = stringify({ header: true, columns: header, bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  // Errors reach the reader through `csv` (pipeline destroys it with the error); nothing to do here.
  pipeline(Readable.from(records(plan, header)), csv, () => {});
  for await (const chunk of csv) yield chunk as Buffer;
}
