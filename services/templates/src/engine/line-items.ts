import type { ExtractedField } from './types.js';
import { rowsOf, type Line } from '../layout/index.js';
import { parseValue } from '../values/index.js';
import type { CompiledTemplate } from './compiled.js';
import type { ReadDocument } from './document.js';
import { mentions } from './fields.js';

/** A table: a row naming at least two of the template's columns, then the rows under it up to a total line. */
export function findLineItems(template: CompiledTemplate, doc: ReadDocument): Array<Record<string, ExtractedField>> | undefined {
  if (!template.columns.length || doc.textOnly) return undefined;
  // Cells left to right within each row.
  const rows = rowsOf(doc.lines).map((r) => r.sort((a, b) => doc.lines[a]!.bbox[0] - doc.lines[b]!.bbox[0]));
  for (let r = 0; r < rows.length; r++) {
    const header = headerOf(template, rows[r]!, doc);
    if (!header) continue;
    const items: Array<Record<string, ExtractedField>> = [];
    for (let k = r + 1; k < rows.length && items.length < 500; k++) {
      const row = rows[k]!;
      if (row.some((i) => mentions(doc.normed[i]!, ['total', 'subtotal', 'sub total', 'balance', 'tax', 'vat']))) break;
      const item = rowItem(header, row.map((i) => doc.lines[i]!));
      if (!item) {
        if (items.length) break;
        continue;
      }
      items.push(item);
    }
    if (items.length) return items;
  }
  return undefined;
}

interface Column {
  name: string;
  type: CompiledTemplate['columns'][number]['type'];
  center: number;
}

/** The columns a row names, by the x-centre of the header cell naming each (at least two). */
function headerOf(template: CompiledTemplate, row: number[], doc: ReadDocument): Column[] | undefined {
  const columns: Column[] = [];
  for (const i of row) {
    const cell = doc.normed[i]!;
    const column = template.columns.find((c) => !columns.some((k) => k.name === c.name) && c.labels.some((label) => cell === label || cell.startsWith(`${label} `)));
    if (column) columns.push({ name: column.name, type: column.type, center: doc.lines[i]!.bbox[0] + doc.lines[i]!.bbox[2] / 2 });
  }
  return columns.length >= 2 ? columns : undefined;
}

/** A row's cells under the nearest header column; a row needs a number or amount to be an item. */
function rowItem(header: Column[], cells: Line[]): Record<string, ExtractedField> | undefined {
  const item: Record<string, ExtractedField> = {};
  let numeric = false;
  for (const cell of cells) {
    const center = cell.bbox[0] + cell.bbox[2] / 2;
    const column = header.reduce((a, b) => (Math.abs(b.center - center) < Math.abs(a.center - center) ? b : a));
    const parsed = parseValue(column.type, cell.text);
    if (!parsed) continue;
    if (column.type !== 'string') numeric = true;
    const previous = item[column.name];
    const value = previous && column.type === 'string' ? `${previous.value} ${parsed.value}` : parsed.value;
    item[column.name] = { value, normalized: column.type === 'string' ? value : parsed.normalized, confidence: parsed.confidence, page: cell.page, bbox: [...cell.bbox], source_text: cell.text };
  }
  return numeric && Object.keys(item).length >= 2 ? item : undefined;
}
