import type { ExportKind } from '../export-sources.js';

/** The columns of each kind's rows, in order: csv and xlsx need them before the first row. */
export const COLUMNS: Record<ExportKind, readonly string[]> = {
  documents: ['doc_id', 'filename', 'status', 'doc_type', 'pages', 'language', 'tags', 'archived', 'created_at'],
  extractions: ['doc_id', 'template_id', 'template_name', 'doc_type', 'field', 'value', 'normalized', 'confidence', 'page', 'extracted_at'],
  questions: ['question_id', 'doc_ids', 'question', 'answer', 'found', 'mode', 'confidence', 'asked_at'],
  tags: ['doc_id', 'doc_type', 'language', 'tag', 'category', 'confidence', 'tagged_at'],
};

/** Excel refuses longer cell text. */
export const MAX_CELL_CHARS = 32_767;
const TRUNCATED = '…[truncated]';
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/**
 * A value as one spreadsheet cell: lists and objects as JSON text, nothing as empty, text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) behind a quote — except a
 * plain number written as text ("-5.00"), which stays readable.
 */
export function cellOf(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return text.length > MAX_CELL_CHARS ? text.slice(0, MAX_CELL_CHARS - TRUNCATED.length) + TRUNCATED : text;
}
