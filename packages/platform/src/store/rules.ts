import { AppError } from '../errors.js';
import type { Document, Filter, Update } from './types.js';

/**
 * Rules of the storage contract that the MongoDB driver does not enforce by itself. Both engines
 * check them up front, so a call that one engine refuses is refused by the other too.
 */

export function requireStringId(doc: Document): void {
  if (typeof doc._id !== 'string' || doc._id === '') {
    throw new AppError('invalid_request', 'A document needs a non-empty string _id (ids are chosen by the caller).');
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `{ $gt: 1 }` is a condition; `{ a: 1 }` (no `$` key) is a value to compare with. */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

/** Replacement documents are not part of the contract: every update is a set of operators. */
export function requireOperators(update: Update): void {
  const ops = Object.keys(update);
  if (ops.length === 0 || ops.some((op) => !op.startsWith('$') || !isPlainObject(update[op]))) {
    throw new AppError('invalid_request', 'An update needs update operators such as $set, each with an object argument.');
  }
}

/**
 * The fields a filter pins by equality (top level and inside `$and`): what MongoDB copies from the
 * filter into the document an upsert inserts. Regular expressions and other conditions pin nothing.
 */
export function filterEqualities(filter: Filter): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (f: Filter): void => {
    for (const [path, cond] of Object.entries(f)) {
      if (path === '$and' && Array.isArray(cond)) {
        for (const clause of cond) if (isPlainObject(clause)) visit(clause);
      } else if (path.startsWith('$') || cond instanceof RegExp) {
        continue;
      } else if (!isOperatorObject(cond)) {
        out.set(path, cond);
      } else if ('$eq' in cond) {
        out.set(path, cond.$eq);
      }
    }
  };
  visit(filter);
  return out;
}

/**
 * An upsert may insert, and ids are caller-chosen strings (MongoDB would invent an ObjectId), so the
 * `_id` must come from the filter's equalities, `$setOnInsert` or `$set`.
 */
export function requireUpsertId(filter: Filter, update: Update): void {
  const candidates = [
    filterEqualities(filter).get('_id'),
    (update.$setOnInsert as Record<string, unknown> | undefined)?._id,
    (update.$set as Record<string, unknown> | undefined)?._id,
  ];
  if (!candidates.some((id) => typeof id === 'string' && id !== '')) {
    throw new AppError('invalid_request', 'An upsert needs a string _id in its filter (or in $setOnInsert): ids are chosen by the caller.');
  }
}
