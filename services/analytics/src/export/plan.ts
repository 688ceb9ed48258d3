import { COLUMNS, SCOPE_KINDS, type ExportFormat, type ExportKind, type ExportRow, type ExportScope } from './columns.js';

/** One kind's rows, read one at a time, in the order they are written. */
export interface ExportSection {
  kind: ExportKind;
  rows: AsyncIterable<ExportRow>;
  /** The columns written, in order; the kind's standard `COLUMNS` when left out. */
  columns?: readonly string[];
}

export interface ExportRequest {
  scope: ExportScope;
  format: ExportFormat;
  /** `exported_at` in json, and the day in the file name. */
  exportedAt: Date;
  /** The scope's kinds (`SCOPE_KINDS`), each once; a kind with no rows is still a section (an empty sheet). */
  sections: readonly ExportSection[];
}

export interface PlannedSection {
  kind: ExportKind;
  rows: AsyncIterable<ExportRow>;
  columns: readonly string[];
}

export interface ExportPlan {
  scope: ExportScope;
  exportedAt: Date;
  /** Items and csv rows name their kind: the export mixes kinds. */
  tagged: boolean;
  sections: PlannedSection[];
}

/**
 * Checks the sections against the scope before a byte is written, so that a wiring mistake fails
 * the request with an ordinary error rather than mid-download: a single-kind scope takes exactly
 * its own kind; `all` takes any of the kinds, each at most once.
 */
export function planExport(req: ExportRequest): ExportPlan {
  const allowed = SCOPE_KINDS[req.scope];
  if (!allowed) throw new Error(`export: unknown scope ${JSON.stringify(req.scope)}`);
  if (Number.isNaN(req.exportedAt.getTime())) throw new Error('export: exportedAt is not a valid date');
  const seen = new Set<ExportKind>();
  for (const s of req.sections) {
    if (!allowed.includes(s.kind)) throw new Error(`export: scope ${req.scope} cannot hold ${s.kind} rows`);
    if (seen.has(s.kind)) throw new Error(`export: ${s.kind} given twice`);
    seen.add(s.kind);
    if (s.columns && s.columns.length === 0) throw new Error(`export: ${s.kind} has no columns`);
    if (req.scope === 'all' && s.columns?.includes('kind')) throw new Error('export: `kind` is reserved for scope all');
  }
  if (req.scope !== 'all' && req.sections.length !== 1) throw new Error(`export: scope ${req.scope} takes one section`);
  return {
    scope: req.scope,
    exportedAt: req.exportedAt,
    tagged: req.scope === 'all',
    sections: req.sections.map((s) => ({ kind: s.kind, rows: s.rows, columns: s.columns ?? COLUMNS[s.kind] })),
  };
}
