import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Parse with a zod schema or throw `invalid_request` naming the first bad field (dotted path)
 * and listing every issue, as API.md asks.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: fieldPath(where, i.path), message: i.message }));
  const first = issues[0]!;
  throw new AppError('invalid_request', `Invalid ${first.field || 'request'}: ${first.message}`, {
    field: first.field,
    issues,
  });
}

function fieldPath(where: string | undefined, path: PropertyKey[]): string {
  const parts = path.map(String);
  return [where, ...parts].filter((p) => p !== undefined && p !== '').join('.');
}
