import type { Filter, Sort } from './types.js';

/**
 * The shapes of filter and sort the services use on every request — equalities on plain values,
 * sorts on strings, numbers and dates — decided here without mingo. Each mingo query copies its
 * whole operator table first (tens of microseconds, the largest cost of listing an empty
 * workspace). Anything else, and any document where a path meets an array or a missing value
 * (where MongoDB's rules differ from plain comparison), is left to mingo: these functions answer
 * `undefined` then, never a guess.
 */

type Scalar = string | number | boolean;
const UNDECIDED = undefined;
/** A path that crosses an array: MongoDB matches and sorts by its elements. */
const THROUGH_ARRAY = Symbol('through an array');

/** A test for a filter made only of `path: scalar` equalities, or undefined when it has anything else. */
export function equalityTest(filter: Filter): ((doc: Record<string, unknown>) => boolean | undefined) | undefined {
  const conditions: Array<[string[], Scalar]> = [];
  for (const [path, value] of Object.entries(filter)) {
    if (path.startsWith('$') || !isScalar(value)) return undefined;
    conditions.push([path.split('.'), value]);
  }
  return (doc) => {
    for (const [parts, expected] of conditions) {
      const actual = valueAt(doc, parts);
      // Arrays match by element: MongoDB's business. Missing, null, objects and dates never equal a scalar.
      if (actual === THROUGH_ARRAY || Array.isArray(actual)) return UNDECIDED;
      if (actual !== expected) return false;
    }
    return true;
  };
}

/**
 * The documents in sort order, or undefined when some sort key is missing, an array, an object, or
 * of another type than the same key in other documents (MongoDB then orders by type first).
 */
export function sortPlainly<T>(docs: T[], sort: Sort): T[] | undefined {
  const keys = Object.entries(sort).map(([path, direction]) => ({ parts: path.split('.'), direction: direction === -1 ? -1 : 1 }));
  const rows: Array<{ doc: T; values: Array<string | number> }> = [];
  const kinds: Array<string | undefined> = keys.map(() => undefined);
  for (const doc of docs) {
    const values: Array<string | number> = [];
    for (let k = 0; k < keys.length; k++) {
      const raw = valueAt(doc as Record<string, unknown>, keys[k]!.parts);
      const value = raw instanceof Date ? raw.getTime() : raw;
      const kind = raw instanceof Date ? 'date' : typeof value;
      if ((kind !== 'string' && kind !== 'number' && kind !== 'date') || (kind === 'number' && Number.isNaN(value))) return undefined;
      if (kinds[k] !== undefined && kinds[k] !== kind) return undefined;
      kinds[k] = kind;
      values.push(value as string | number);
    }
    rows.push({ doc, values });
  }
  rows.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const x = a.values[k]!;
      const y = b.values[k]!;
      // Binary order for strings, as MongoDB's default (simple) collation compares them.
      if (x !== y) return (x < y ? -1 : 1) * keys[k]!.direction;
    }
    return 0;
  });
  return rows.map((r) => r.doc);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The value at a dotted path: undefined when missing, THROUGH_ARRAY when the path crosses an array. */
function valueAt(doc: Record<string, unknown>, parts: string[]): unknown {
  let value: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(value)) return THROUGH_ARRAY;
    if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
