/**
 * Only the head of a text is examined: field values are short, and capping the input keeps every
 * regular expression linear enough on pathological (huge) strings.
 */
export const MAX_INPUT_CHARS = 500;

export function clip(text: string): string {
  return text.length > MAX_INPUT_CHARS ? text.slice(0, MAX_INPUT_CHARS) : text;
}

/** Collapses every whitespace run (including newlines and NBSP) to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** A trimmed, whitespace-collapsed string; undefined when nothing is left. */
export function parseString(text: string): { value: string; normalized: string; confidence: number } | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  return { value, normalized: collapseWhitespace(value), confidence: 1 };
}
