import { AppError } from '@perceptiq/platform';

export const MAX_JSON_DEPTH = 64;
export const MAX_STRING_BYTES = 1024 * 1024;

/**
 * API.md's limits on a parsed JSON body: nesting up to 64 levels, strings up to 1 MB.
 * Iterative, so a hostile body cannot exhaust the stack.
 */
export function checkJsonLimits(value: unknown): void {
  const stack: Array<[unknown, number, string]> = [[value, 1, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > MAX_STRING_BYTES / 4 && Buffer.byteLength(v) > MAX_STRING_BYTES) {
        throw new AppError('invalid_request', `A string in the body is longer than ${MAX_STRING_BYTES} bytes.`, { field: path });
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new AppError('invalid_request', `The body is nested more than ${MAX_JSON_DEPTH} levels deep.`, { field: path });
    }
    for (const [k, child] of Object.entries(v)) stack.push([child, depth + 1, path ? `${path}.${k}` : k]);
  }
}
