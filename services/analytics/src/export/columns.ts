import type { ExportQuery } from '@perceptiq/contracts';

export type ExportScope = ExportQuery['scope'];
export type ExportFormat = ExportQuery['format'];

/** What an export row is about; scope `all` holds every kind, each other scope the one it names. */
export const EXPORT_KINDS = ['documents', 'extractions', 'questions', 'tags'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** One row as a data source hands it over: keys outside the kind's columns are never written. */
export type ExportRow = Readonly<Record<string, unknown>>;

/** The kinds each scope holds, in the order they are written (sections, sheets). */
export const SCOPE_KINDS: Record<ExportScope, readonly ExportKind[]> = {
  documents: ['documents'],
  extractions: ['extractions'],
  questions: ['questions'],
  tags: ['tags'],
  all: EXPORT_KINDS,
};

/**
 * The columns of each kind, in order: the csv header, the xlsx header row, and the keys (in this
 * order) of every json/ndjson item. A column the source leaves out is written as null (an empty
 * cell). Lists and objects (`tags`, `doc_ids`, a structured `value`) are JSON values in json/ndjson
 * and JSON text in csv/xlsx cells.
 *
 * - documents: one row per document. `tags` is the list of its tag names (the `tags` kind has the
 *   detail); `ready_at` is null until it is ready.
 * - extractions: one row per extracted field of a document's extraction by a template.
 * - questions: one row per question asked. `doc_ids` lists every document it was asked of;
 *   `doc_id` names the document when it was exactly one, else null (a workspace-wide question
 *   concerns no single document).
 * - tags: one row per tag of a document (a document without tags has no row here; its type and
 *   language are in `documents`). Flat rows filter and pivot in a spreadsheet, where one row
 *   per document would hide the tags in one cell.
 */
export const COLUMNS: Record<ExportKind, readonly string[]> = {
  documents: ['doc_id', 'filename', 'status', 'doc_type', 'pages', 'language', 'tags', 'archived', 'created_at'],
  extractions: ['doc_id', 'template_id', 'template_name', 'doc_type', 'field', 'value', 'normalized', 'confidence', 'page', 'extracted_at'],
  questions: ['question_id', 'doc_id', 'doc_ids', 'question', 'answer', 'found', 'mode', 'confidence', 'asked_at'],
  tags: ['doc_id', 'doc_type', 'language', 'tag', 'category', 'confidence', 'tagged_at'],
};
