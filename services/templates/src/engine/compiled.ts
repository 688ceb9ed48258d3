import type { FieldSpec, TemplateSpec } from './types.js';
import { norm } from './document.js';

/** A label ready to match: its `norm` form and a regex finding it at the start of a line's raw text. */
export interface CompiledLabel {
  normed: string;
  /** Matches the label at the start of a line, then any separator; group 1 is what follows. */
  atStart: RegExp;
}

export interface CompiledField {
  spec: FieldSpec;
  labels: CompiledLabel[];
  patterns: RegExp[];
  weight: number;
}

export interface CompiledTemplate {
  spec: TemplateSpec;
  /** Anchors in `norm` form, space-padded, for whole-word search in a padded text. */
  anchors: string[];
  fields: CompiledField[];
  columns: Array<{ name: string; type: FieldSpec['type']; labels: string[] }>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileLabel(label: string): CompiledLabel | undefined {
  const normed = norm(label);
  if (!normed) return undefined;
  const words = normed.split(' ').map(escape);
  // Between the label's words any punctuation or space; after it a separator, or the end.
  const source = `^\\s*${words.join('[^\\p{L}\\p{N}#]*')}(?![\\p{L}\\p{N}])[\\s:#.\\-=|)]*(.*)$`;
  return { normed, atStart: new RegExp(source, 'iu') };
}

/** Compiled once per template object: extraction runs for every request, templates rarely change. */
const cache = new WeakMap<TemplateSpec, CompiledTemplate>();

export function compile(spec: TemplateSpec): CompiledTemplate {
  let compiled = cache.get(spec);
  if (!compiled) {
    compiled = {
      spec,
      anchors: spec.anchors.map((a) => norm(a)).filter(Boolean).map((a) => ` ${a} `),
      fields: spec.fields.map((f) => ({
        spec: f,
        // Longest first: "invoice date" must be tried before "invoice" and "date".
        labels: f.labels.map(compileLabel).filter((l): l is CompiledLabel => l !== undefined).sort((a, b) => b.normed.length - a.normed.length),
        patterns: (f.patterns ?? []).flatMap((p) => {
          try {
            return [new RegExp(p, 'i')];
          } catch {
            return [];
          }
        }),
        weight: f.required ? 2 : 1,
      })),
      columns: spec.line_items?.columns ?? [],
    };
    cache.set(spec, compiled);
  }
  return compiled;
}
