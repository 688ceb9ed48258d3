import type { ExportFormat, ExportScope } from './columns.js';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const contentType = (format: ExportFormat): string => CONTENT_TYPES[format];

/** `perceptiq-export-documents-2026-12-05.csv`: the scope, the UTC day of `exportedAt`, the format. Plain ASCII, safe in a quoted `filename=`. */
export const fileName = (scope: ExportScope, format: ExportFormat, exportedAt: Date): string =>
  `perceptiq-export-${scope}-${exportedAt.toISOString().slice(0, 10)}.${format}`;
