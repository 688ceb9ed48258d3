import { jsonValue, toJson } from './cells.js';
import { Chunker } from './chunks.js';
import type { ExportRow } from './columns.js';
import type { ExportPlan, PlannedSection } from './plan.js';

/** One item: `kind` first when the export mixes kinds, then the section's columns in order (and only those). */
function item(plan: ExportPlan, section: PlannedSection, row: ExportRow): Record<string, unknown> {
  const out: Record<string, unknown> = plan.tagged ? { kind: section.kind } : {};
  for (const c of section.columns) out[c] = jsonValue(row[c]);
  return out;
}

/**
 * `{"scope":…,"exported_at":…,"items":[…]}` (`exported_at` ISO 8601 UTC), written as the rows
 * arrive, one item per line for readers that page through it: never a whole array in memory.
 */
export async function* encodeJson(plan: ExportPlan): AsyncGenerator<Buffer> {
  const out = new Chunker();
  out.push(`{"scope":${toJson(plan.scope)},"exported_at":${toJson(plan.exportedAt.toISOString())},"items":[`);
  let first = true;
  for (const section of plan.sections) {
    for await (const row of section.rows) {
      const chunk = out.push((first ? '\n' : ',\n') + toJson(item(plan, section, row)));
      first = false;
      if (chunk) yield chunk;
    }
  }
  out.push(first ? ']}\n' : '\n]}\n');
  yield out.flush()!;
}

/** One item per line (`\n`-terminated); JSON escapes every newline inside a value. No rows, no bytes. */
export async function* encodeNdjson(plan: ExportPlan): AsyncGenerator<Buffer> {
  const out = new Chunker();
  for (const section of plan.sections) {
    for await (const row of section.rows) {
      const chunk = out.push(`${toJson(item(plan, section, row))}\n`);
      if (chunk) yield chunk;
    }
  }
  const rest = out.flush();
  if (rest) yield rest;
}
