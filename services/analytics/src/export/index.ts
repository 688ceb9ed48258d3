/**
 * Export writers: an export (its scope's sections of rows) encoded as json, ndjson, csv or xlsx,
 * as a stream of bytes produced while it is read. Rows are pulled from each section's async
 * iterable one at a time, only as fast as the reader takes the bytes, so memory stays the same
 * however many rows there are; nothing here knows where rows come from or where bytes go.
 *
 * For a download:
 *
 *   const body = exportStream({ scope, format, exportedAt, sections }); // sections that do not fit the scope throw here, before any byte
 *   res.setHeader('Content-Type', contentType(format));
 *   res.setHeader('Content-Disposition', `attachment; filename="${fileName(scope, format, exportedAt)}"`);
 *   await pipeline(body, res); // a failing row source rejects and destroys `res`
 *
 * A row source that throws mid-way errors the stream (and `pipeline` destroys the response, so the
 * client sees a cut download, never a complete-looking file). A reader that goes away destroys the
 * stream, which closes the row sources (their `return()` runs: a cursor is released).
 */
import { Readable } from 'node:stream';
import type { ExportFormat } from './columns.js';
import { encodeCsv } from './csv.js';
import { encodeJson, encodeNdjson } from './json.js';
import { planExport, type ExportPlan, type ExportRequest } from './plan.js';
import { encodeXlsx } from './xlsx.js';

export { COLUMNS, EXPORT_KINDS, SCOPE_KINDS, type ExportFormat, type ExportKind, type ExportRow, type ExportScope } from './columns.js';
export { XLSX_MAX_CELL_CHARS } from './cells.js';
export { contentType, fileName } from './download.js';
export type { ExportRequest, ExportSection } from './plan.js';

const ENCODERS: Record<ExportFormat, (plan: ExportPlan) => AsyncGenerator<Buffer>> = {
  json: encodeJson,
  ndjson: encodeNdjson,
  csv: encodeCsv,
  xlsx: (plan) => encodeXlsx(plan),
};

/** The export's bytes, produced as they are pulled. Throws at once (before any byte) if the sections do not fit the scope. */
export function encodeExport(req: ExportRequest): AsyncGenerator<Uint8Array> {
  const encode = ENCODERS[req.format];
  if (!encode) throw new Error(`export: unknown format ${JSON.stringify(req.format)}`);
  return encode(planExport(req));
}

/** `encodeExport` as a Node byte stream, for `pipeline(exportStream(req), res)`. */
export function exportStream(req: ExportRequest): Readable {
  return Readable.from(encodeExport(req), { objectMode: false });
}
