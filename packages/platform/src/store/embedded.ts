import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { find as mingoFind, Query } from 'mingo';
import * as updateOperators from 'mingo/operators/update';
import { update as mingoUpdate } from 'mingo/updater';
import { AppError } from '../errors.js';
import { equalityTest, sortPlainly } from './fast-query.js';
import { filterEqualities, isOperatorObject, isPlainObject, requireOperators, requireStringId, requireUpsertId } from './rules.js';
import type {
  Collection,
  DeleteResult,
  Document,
  Filter,
  FindCursor,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexSpec,
  Sort,
  Store,
  Update,
  UpdateOptions,
  UpdateResult,
} from './types.js';

const LOCK_WAIT_MS = 5_000;

/**
 * The embedded engine: one SQLite file per service, one table per collection holding each document
 * as JSON text, with MongoDB's filter, update, sort and projection semantics from mingo.
 *
 * Values are JSON values plus Date: a Date is stored as `{"$date": "<ISO>"}` and read back as a
 * Date, as BSON dates are. Differences from MongoDB:
 * - every call is one transaction, insertMany and updateMany included (all or nothing);
 * - a unique index compares whole values: an array is one key, not one key per element;
 * - index keys are plain field paths: no array positions (`a.0`), no unusual characters.
 */
export function openEmbeddedStore(opts: { dir: string; name: string; lockWaitMs?: number }): Store {
  if (!FILE_NAME.test(opts.name)) throw new AppError('invalid_request', `Invalid store name '${opts.name}'.`);
  mkdirSync(opts.dir, { recursive: true });
  const file = join(opts.dir, `${opts.name}.sqlite`);
  // The wait covers a restart that overlaps the old process's last moments.
  const db = new Database(file, { timeout: opts.lockWaitMs ?? LOCK_WAIT_MS });
  // The file belongs to this process alone (rate counts and caches live in its memory): holding
  // the lock for the connection's life spares two fcntl calls on every read, most of a small
  // query's cost, and a second process opening the file is refused rather than sharing it.
  // Set before the first access, so the WAL index lives in this process's heap, not a -shm file.
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.pragma('journal_mode = WAL');
  } catch (err) {
    db.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new AppError('unavailable', `The store file ${file} is in use by another process: an embedded store belongs to one process.`);
    }
    throw err;
  }
  // NORMAL under WAL: a power loss may drop the last commits but never corrupts the file.
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS _indexes (coll TEXT NOT NULL, name TEXT NOT NULL, keys TEXT NOT NULL, ' +
      'is_unique INTEGER NOT NULL, multikey INTEGER NOT NULL, PRIMARY KEY (coll, name))',
  );
  // IMMEDIATE takes the write lock before the read of a read-modify-write.
  const transaction = db.transaction((fn: () => unknown) => fn());
  const atomically = <R>(fn: () => R): R => transaction.immediate(fn) as R;
  const selectOne = db.prepare('SELECT 1');
  const collections = new Map<string, EmbeddedCollection<Document>>();

  return {
    engine: 'embedded',
    collection<T extends Document = Document>(name: string): Collection<T> {
      let collection = collections.get(name);
      if (!collection) {
        collection = new EmbeddedCollection(db, atomically, name);
        collections.set(name, collection);
      }
      return collection as unknown as Collection<T>;
    },
    async ping() {
      selectOne.get();
    },
    async close() {
      db.close();
    },
  };
}

const FILE_NAME = /^\w[\w.-]*$/;
// Collection names become quoted table names: no quotes, and nothing clashing with `_indexes` or `sqlite_*`.
const COLLECTION_NAME = /^(?!sqlite_)[A-Za-z][\w.-]*$/i;
const INDEX_NAME = /^[\w.-]+$/;
// Index paths are written into SQL JSON paths, so only plain names; all-digit parts would be array positions.
const PATH_PART = /^(?!\d+$)[\w-]+$/;

interface IndexDef {
  name: string;
  keys: Record<string, 1 | -1>;
  unique: boolean;
  /** SQL expression per key, in key order. */
  exprs: string[];
  /** The dotted path of each key, in key order. */
  paths: string[];
  parts: string[][];
  /**
   * Some document has an array on one of the paths. SQLite indexes one value per row, while MongoDB
   * matches `{tags: 'x'}` against each element of an array: such an index cannot pre-select rows.
   */
  multikey: boolean;
  /**
   * Per key, once asked (see orderedKind): what every document holds there when its key text
   * orders as its value does, or false. Dropped to false by the first write of anything else.
   */
  kinds: Array<OrderedKind | false | undefined>;
}

/** How rows are read for a filter (see plan()). */
interface Plan {
  /** SQL selecting the candidate rows' `doc`. */
  rows: string;
  /** SQL counting them, where that is cheaper than reading them. */
  count?: string;
  params: unknown[];
  /** At most one row (a primary-key lookup). */
  single: boolean;
  /** The candidates are exactly the matches: no row needs testing. */
  exact: boolean;
  /** Unless the rows are read by primary key: the filter's equalities by path, and how many index keys they pin at most. */
  pinned?: { equal: Map<string, string>; keys: number };
}

interface Match<T> {
  text: string;
  doc: T;
}

interface WriteOutcome {
  matchedCount: number;
  modifiedCount: number;
  upsertedId: string | null;
  /** JSON of the (last) document before and after the write. */
  before: string | null;
  after: string | null;
}

class EmbeddedCollection<T extends Document> implements Collection<T> {
  private readonly table: string;
  private readonly statements = new Map<string, Statement>();
  private readonly indexes: IndexDef[];

  constructor(
    private readonly db: SqliteDatabase,
    private readonly transaction: <R>(fn: () => R) => R,
    readonly name: string,
  ) {
    if (!COLLECTION_NAME.test(name)) throw new AppError('invalid_request', `Invalid collection name '${name}'.`);
    this.table = `"${name}"`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const rows = db.prepare('SELECT name, keys, is_unique, multikey FROM _indexes WHERE coll = ?').all(name) as {
      name: string;
      keys: string;
      is_unique: number;
      multikey: number;
    }[];
    this.indexes = rows.map((r) => indexDef(r.name, JSON.parse(r.keys) as IndexDef['keys'], r.is_unique === 1, r.multikey === 1));
  }

  async insertOne(doc: T): Promise<{ insertedId: string }> {
    requireStringId(doc);
    const text = encode(doc);
    this.atomically(() => this.insertRow(doc, text));
    return { insertedId: doc._id };
  }

  async insertMany(docs: T[]): Promise<{ insertedCount: number }> {
    docs.forEach(requireStringId);
    const texts = docs.map(encode);
    this.atomically(() => docs.forEach((doc, i) => this.insertRow(doc, texts[i]!)));
    return { insertedCount: docs.length };
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    return this.select(filter, { ...options, limit: 1 })[0] ?? null;
  }

  find(filter: Filter, options: FindOptions = {}): FindCursor<T> {
    // Lazy like the driver's cursor: nothing runs before toArray().
    return { toArray: async () => this.select(filter, options) };
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    if (Object.keys(filter).length === 0) return this.stmt(`SELECT count(*) FROM ${this.table}`).get() as number;
    const plan = this.plan(filter);
    if (plan.exact && plan.count) return this.stmt(plan.count).get(...plan.params) as number;
    let n = 0;
    for (const _ of this.matching(filter, plan)) n++;
    return n;
  }

  async updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return counts(this.write(filter, update, { multi: false, upsert: options.upsert ?? false }));
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return counts(this.write(filter, update, { multi: true, upsert: false }));
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    const outcome = this.write(filter, update, { multi: false, upsert: options.upsert ?? false, sort: options.sort });
    const text = options.returnDocument === 'after' ? outcome.after : outcome.before;
    return text === null ? null : decode<T>(text);
  }

  async deleteOne(filter: Filter): Promise<DeleteResult> {
    return this.atomically(() => {
      const [target] = this.firstMatch(filter);
      if (!target) return { deletedCount: 0 };
      this.stmt(`DELETE FROM ${this.table} WHERE _id = ?`).run(target.doc._id);
      return { deletedCount: 1 };
    });
  }

  async deleteMany(filter: Filter): Promise<DeleteResult> {
    return this.atomically(() => {
      if (Object.keys(filter).length === 0) return { deletedCount: this.stmt(`DELETE FROM ${this.table}`).run().changes };
      const ids = Array.from(this.matching(filter), (m) => m.doc._id);
      const del = this.stmt(`DELETE FROM ${this.table} WHERE _id = ?`);
      for (const id of ids) del.run(id);
      return { deletedCount: ids.length };
    });
  }

  async createIndex(spec: IndexSpec): Promise<void> {
    const entries = Object.entries(spec.keys);
    if (entries.length === 0) throw new AppError('invalid_request', 'An index needs at least one key.');
    const name = spec.name ?? entries.map(([path, dir]) => `${path}_${dir}`).join('_');
    if (!INDEX_NAME.test(name)) throw new AppError('invalid_request', `Invalid index name '${name}'.`);
    const unique = spec.unique ?? false;
    const sameKeys = (keys: IndexDef['keys']): boolean => JSON.stringify(Object.entries(keys)) === JSON.stringify(entries);
    // As MongoDB: re-creating the same index is a no-op; reusing its name or its keys otherwise is refused.
    const existing = this.indexes.find((i) => i.name === name || sameKeys(i.keys));
    if (existing) {
      if (existing.name === name && sameKeys(existing.keys) && existing.unique === unique) return;
      throw new AppError('invalid_request', `Index '${name}' conflicts with the existing index '${existing.name}' on ${this.name}.`);
    }
    const def = indexDef(name, spec.keys, unique, false);
    this.atomically(() => {
      this.db.exec(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX "${this.name}:${name}" ON ${this.table} (${def.exprs.join(', ')})`);
      const prefixes = def.parts.flatMap((parts) => parts.map((_, i) => jsonPath(parts.slice(0, i + 1))));
      const arrays = prefixes.map((p) => `json_type(doc, '${p}') = 'array'`).join(' OR ');
      def.multikey = this.db.prepare(`SELECT 1 FROM ${this.table} WHERE ${arrays} LIMIT 1`).get() !== undefined;
      this.stmt('INSERT INTO _indexes (coll, name, keys, is_unique, multikey) VALUES (?, ?, ?, ?, ?)').run(
        this.name,
        name,
        JSON.stringify(spec.keys),
        unique ? 1 : 0,
        def.multikey ? 1 : 0,
      );
    });
    this.indexes.push(def);
  }

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Every query here reads one column.
      if (statement.reader) statement.pluck();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** One transaction; SQLite constraint failures become the contract's conflict error. */
  private atomically<R>(fn: () => R): R {
    try {
      return this.transaction(fn);
    } catch (e) {
      throw this.conflictOf(e) ?? e;
    }
  }

  private conflictOf(e: unknown): AppError | undefined {
    // Duck-typed, not `instanceof`: the native addon keeps the error class of the first copy of
    // better-sqlite3 loaded in the process, from another realm under Jest (one per test file).
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    let index: string | undefined;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') index = '_id_';
    else if (code === 'SQLITE_CONSTRAINT_UNIQUE') index = /index '[^:']*:([^']+)'/.exec(String(message))?.[1] ?? 'unknown';
    return index === undefined ? undefined : new AppError('conflict', `Duplicate key in '${this.name}' on index '${index}'.`, { index });
  }

  private insertRow(doc: T, text: string): void {
    this.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`).run(doc._id, text);
    this.noteKeys(doc);
  }

  /**
   * Marks indexes that meet an array from now on, and keys that meet a value of another kind than
   * they held (see orderedKind). Set in memory before the transaction commits: after a rollback a
   * flag only costs a scan, never a wrong answer.
   */
  private noteKeys(doc: T): void {
    for (const index of this.indexes) {
      index.paths.forEach((path, k) => {
        const kind = index.kinds[k];
        if (kind && orderedKindOf(valueAt(doc, path)) !== kind) index.kinds[k] = false;
      });
      if (index.multikey || !index.parts.some((parts) => hitsArray(doc, parts))) continue;
      index.multikey = true;
      this.stmt('UPDATE _indexes SET multikey = 1 WHERE coll = ? AND name = ?').run(this.name, index.name);
    }
  }

  /**
   * What every document holds at key `k` of the index, when that is one OrderedKind: found by a
   * scan the first time it is asked, then kept by noteKeys (as multikey, for this process' writes).
   */
  private orderedKind(index: IndexDef, k: number): OrderedKind | false {
    const path = jsonPath(index.parts[k]!);
    const none = (condition: string) => this.stmt(`SELECT 1 FROM ${this.table} WHERE NOT coalesce(${condition}, 0) LIMIT 1`).get() === undefined;
    return (index.kinds[k] ??=
      (none(`doc -> '${path}' GLOB '${DATE_KEY_GLOB}'`) && 'date') ||
      (none(`json_type(doc, '${path}') = 'text' AND NOT doc ->> '${path}' GLOB '*[^#-~]*' AND instr(doc ->> '${path}', char(92)) = 0`) && 'text'));
  }

  /**
   * The first `count` matches in sort order, plus those tying with the last of them on the first
   * sort key, read in the order of an index rather than by reading every match; the caller sorts
   * them with the whole sort. Undefined unless an index gives that order exactly: the filter pins
   * its leading keys by equality, its next key is the first sort key, and every document holds
   * there a value of one OrderedKind, whose key text orders as the value does (mixed types would
   * not: MongoDB orders by type first; nor would arrays). The index must also pin as many keys as
   * the plan's would: otherwise the rows it reads in order could be mostly ones the filter
   * rejects; and a plan reading by primary key is left as it is. A range on the sort key (`$gt`,
   * `$gte`, `$lt`, `$lte`: the next page after an id) starts the read where the range does.
   */
  private firstInOrder(filter: Filter, sort: Sort, count: number, plan: Plan): T[] | undefined {
    if (!plan.pinned) return undefined;
    const { equal, keys: most } = plan.pinned;
    const [path, direction] = Object.entries(sort)[0]!;
    for (const index of this.indexes) {
      if (index.multikey) continue;
      const used = pinnedKeys(index, equal);
      if (used < most || index.paths[used] !== path) continue;
      const kind = this.orderedKind(index, used);
      if (!kind) continue;
      const { where, params } = pinnedCondition(index, used, equal);
      for (const [op, operand] of rangeOf(filter[path], kind)) {
        where.push(`${index.exprs[used]} ${RANGE_SQL[op]} ?`);
        params.push(keyJson(operand));
      }
      const sql = `SELECT doc FROM ${this.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${index.exprs[used]} ${direction === -1 ? 'DESC' : 'ASC'}`;
      const docs: T[] = [];
      let last: string | number | undefined;
      for (const { doc } of this.matching(filter, { rows: sql, params, single: false, exact: false })) {
        const value = valueAt(doc, path);
        // Kinds are kept by every write of this process, the file's only writer; a row that
        // disagrees means they are wrong, so read every match rather than trust the order.
        if (orderedKindOf(value) !== kind) return undefined;
        const key = value instanceof Date ? value.getTime() : (value as string);
        if (last !== undefined && key !== last) break;
        docs.push(doc);
        if (docs.length >= count) last = key;
      }
      return docs;
    }
    return undefined;
  }

  /**
   * The SQL that pre-selects candidate rows: a primary-key lookup for `_id` equality or `$in`, an
   * expression index for equalities on an index's leading keys, else a scan. mingo filters exactly
   * afterwards unless the plan is exact: the filter is the `_id` equality alone, or equalities
   * that all pin keys of an index no array reaches (its key text is then equal exactly when
   * MongoDB's equality holds). `count` is the same selection counted, for an exact plan.
   */
  private plan(filter: Filter): Plan {
    const id = equalityOperand(filter._id);
    if (typeof id === 'string') {
      const where = `FROM ${this.table} WHERE _id = ?`;
      return { rows: `SELECT doc ${where}`, count: `SELECT count(*) ${where}`, params: [id], single: true, exact: Object.keys(filter).length === 1 };
    }
    const ids = isOperatorObject(filter._id) && Object.keys(filter._id).length === 1 ? filter._id.$in : undefined;
    if (Array.isArray(ids) && ids.every((v) => typeof v === 'string')) {
      return { rows: `SELECT doc FROM ${this.table} WHERE _id IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(ids)], single: false, exact: false };
    }
    const equal = indexableEqualities(filter);
    let best: IndexDef | undefined;
    let used = 0;
    for (const index of this.indexes) {
      if (index.multikey) continue;
      const n = pinnedKeys(index, equal);
      if (n > used || (n === used && n > 0 && index.unique && !best!.unique)) [best, used] = [index, n];
    }
    const pinned = { equal, keys: used };
    if (!best) return { rows: `SELECT doc FROM ${this.table}`, params: [], single: false, exact: false, pinned };
    const condition = pinnedCondition(best, used, equal);
    const where = `FROM ${this.table} WHERE ${condition.where.join(' AND ')}`;
    return { rows: `SELECT doc ${where}`, count: `SELECT count(*) ${where}`, params: condition.params, single: false, exact: used === Object.keys(filter).length, pinned };
  }

  /** Matching documents, each freshly parsed (free to mutate) with the JSON it was read from. */
  private *matching(filter: Filter, plan = this.plan(filter)): Generator<Match<T>> {
    // Compiled before the rows are opened: a bad filter must not leave a statement running. Plain
    // equalities are decided without mingo, which is compiled only for a document they cannot decide.
    const quick = plan.exact ? undefined : equalityTest(filter);
    let full = plan.exact || quick ? undefined : compileFilter(filter);
    const test = plan.exact ? null : (doc: Record<string, unknown>) => quick?.(doc) ?? (full ??= compileFilter(filter))(doc);
    const statement = this.stmt(plan.rows);
    const rows = plan.single ? [statement.get(...plan.params)] : statement.iterate(...plan.params);
    for (const text of rows as Iterable<string | undefined>) {
      if (text === undefined) continue;
      const doc = decode<T>(text);
      if (!test || test(doc)) yield { text, doc };
    }
  }

  /** The first match (in sort order when given), as a list of zero or one. */
  private firstMatch(filter: Filter, sort?: Sort): Match<T>[] {
    if (sort && Object.keys(sort).length > 0) {
      const matches = Array.from(this.matching(filter));
      const first = shape(
        matches.map((m) => m.doc),
        { sort, limit: 1 },
      )[0];
      return matches.filter((m) => m.doc === first);
    }
    for (const match of this.matching(filter)) return [match];
    return [];
  }

  private select(filter: Filter, options: FindOptions): T[] {
    const { sort, skip = 0, limit = 0, projection } = options;
    if (sort && Object.keys(sort).length > 0) {
      const plan = this.plan(filter);
      const docs = (limit > 0 ? this.firstInOrder(filter, sort, skip + limit, plan) : undefined) ?? Array.from(this.matching(filter, plan), (m) => m.doc);
      return shape(docs, { sort, skip, limit, projection });
    }
    // Without a sort the scan can stop as soon as the page is full.
    const docs: T[] = [];
    let skipped = 0;
    for (const { doc } of this.matching(filter)) {
      if (skipped < skip) {
        skipped++;
        continue;
      }
      docs.push(doc);
      if (limit > 0 && docs.length === limit) break;
    }
    return projection ? shape(docs, { projection }) : docs;
  }

  /** updateOne / updateMany / findOneAndUpdate, with MongoDB's upsert written out (mingo has none). */
  private write(filter: Filter, update: Update, opts: { multi: boolean; upsert: boolean; sort?: Sort }): WriteOutcome {
    requireOperators(update);
    if (opts.upsert) requireUpsertId(filter, update);
    const { $setOnInsert, ...ops } = update;
    const insertOps = $setOnInsert ? withSetOnInsert(ops, $setOnInsert as Record<string, unknown>) : ops;
    return this.atomically((): WriteOutcome => {
      const targets = opts.multi ? Array.from(this.matching(filter)) : this.firstMatch(filter, opts.sort);
      if (targets.length === 0) {
        if (!opts.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: null, before: null, after: null };
        const doc = upsertDoc(filter, insertOps) as T;
        const text = encode(doc);
        this.insertRow(doc, text);
        return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id, before: null, after: text };
      }
      const outcome: WriteOutcome = { matchedCount: targets.length, modifiedCount: 0, upsertedId: null, before: null, after: null };
      const { ops: rest, id: setId } = takeSetId(ops);
      // An update made of $setOnInsert alone changes nothing that exists.
      const changes = Object.keys(rest).length > 0;
      for (const { text, doc } of targets) {
        if (setId !== undefined && setId !== doc._id) throw immutableId();
        if (changes) applyUpdate(doc, rest, filter);
        const next = encode(doc);
        if (next !== text) {
          this.stmt(`UPDATE ${this.table} SET doc = ? WHERE _id = ?`).run(next, doc._id);
          this.noteKeys(doc);
          outcome.modifiedCount++;
        }
        outcome.before = text;
        outcome.after = next;
      }
      return outcome;
    });
  }
}

/** On insert, `$setOnInsert` is one more `$set`. */
function withSetOnInsert(ops: Update, setOnInsert: Record<string, unknown>): Update {
  const set = { ...(ops.$set as Record<string, unknown> | undefined) };
  for (const [path, value] of Object.entries(setOnInsert)) {
    if (path in set) throw new AppError('invalid_request', `Updating the path '${path}' twice would create a conflict.`);
    set[path] = value;
  }
  return { ...ops, $set: set };
}

/** MongoDB's upsert document: the filter's equalities, then the update (with $setOnInsert) applied. */
function upsertDoc(filter: Filter, insertOps: Update): Document {
  const doc: Record<string, unknown> = {};
  for (const [path, value] of filterEqualities(filter)) setPath(doc, path, structuredClone(value));
  const { ops: rest, id } = takeSetId(insertOps);
  if (id !== undefined) {
    if (doc._id !== undefined && doc._id !== id) throw immutableId();
    doc._id = id;
  }
  if (Object.keys(rest).length > 0) applyUpdate(doc, rest, undefined);
  if (typeof doc._id !== 'string' || doc._id === '') {
    throw new AppError('invalid_request', 'An upsert needs a string _id (ids are chosen by the caller).');
  }
  return doc as Document;
}

/**
 * Splits `$set._id` off an update: mingo refuses any update path on `_id`, while MongoDB accepts
 * setting it to its current value, and an upsert may choose the new document's id that way.
 */
function takeSetId(ops: Update): { ops: Update; id: unknown } {
  const set = ops.$set as Record<string, unknown> | undefined;
  if (!set || !('_id' in set)) return { ops, id: undefined };
  const { _id: id, ...others } = set;
  const { $set: _, ...rest } = ops;
  return { ops: Object.keys(others).length > 0 ? { ...rest, $set: others } : rest, id };
}

const immutableId = (): AppError => new AppError('invalid_request', "An update must not change the immutable field '_id'.");

function counts(outcome: WriteOutcome): UpdateResult {
  return { matchedCount: outcome.matchedCount, modifiedCount: outcome.modifiedCount, upsertedId: outcome.upsertedId };
}

function indexDef(name: string, keys: IndexDef['keys'], unique: boolean, multikey: boolean): IndexDef {
  const paths = Object.keys(keys);
  const parts = paths.map((path) => {
    const split = path.split('.');
    if (!split.every((p) => PATH_PART.test(p))) {
      throw new AppError('invalid_request', `The embedded store cannot index the path '${path}' (plain field names only).`);
    }
    return split;
  });
  // Missing and null are the same key, as in MongoDB (two documents without the field collide in a
  // unique index). `->` gives JSON text, so 1, true and "1" stay distinct keys.
  const exprs = parts.map((p) => `coalesce(doc -> '${jsonPath(p)}', 'null')`);
  return { name, keys, unique, exprs, paths, parts, multikey, kinds: [] };
}

/**
 * Values whose index key text (`doc -> path`) orders as MongoDB orders them, as long as every
 * document holds the same kind: dates of years 0-9999 (`{"$date":"YYYY-MM-DDTHH:mm:ss.sssZ"}`, of
 * fixed width), and strings of printable ASCII from `#` up, backslash aside (ids, ISO times: the
 * closing quote then sorts below every character, and nothing is escaped).
 */
type OrderedKind = 'date' | 'text';
const DATE_KEY_GLOB = '{"$date":"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z"}';
const ORDERED_TEXT = /^[#-[\]-~]*$/;

function orderedKindOf(value: unknown): OrderedKind | undefined {
  if (typeof value === 'string') return ORDERED_TEXT.test(value) ? 'text' : undefined;
  if (!(value instanceof Date)) return undefined;
  const year = value.getUTCFullYear();
  return year >= 0 && year <= 9999 ? 'date' : undefined;
}

const RANGE_SQL = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

/**
 * A filter condition's bounds when it is only `$gt`/`$gte`/`$lt`/`$lte` on values of `kind`
 * (whose key texts then compare as the values do); none otherwise: the rows are tested anyway.
 */
function rangeOf(cond: unknown, kind: OrderedKind): Array<[keyof typeof RANGE_SQL, unknown]> {
  if (!isOperatorObject(cond)) return [];
  const bounds = Object.entries(cond);
  return bounds.every(([op, operand]) => op in RANGE_SQL && orderedKindOf(operand) === kind) ? (bounds as Array<[keyof typeof RANGE_SQL, unknown]>) : [];
}

/** How many of the index's leading keys the equalities pin. */
function pinnedKeys(index: IndexDef, equal: Map<string, string>): number {
  let n = 0;
  while (n < index.paths.length && equal.has(index.paths[n]!)) n++;
  return n;
}

/** The SQL conditions (and their parameters) by which `equal` pins the index's first `used` keys. */
function pinnedCondition(index: IndexDef, used: number, equal: Map<string, string>): { where: string[]; params: unknown[] } {
  return { where: index.exprs.slice(0, used).map((e) => `${e} = ?`), params: index.paths.slice(0, used).map((p) => equal.get(p)) };
}

/** Index key texts (keyJson) of the filter's equalities, by path. */
function indexableEqualities(filter: Filter): Map<string, string> {
  const equal = new Map<string, string>();
  for (const [path, cond] of Object.entries(filter)) {
    const json = keyJson(equalityOperand(cond));
    if (json !== undefined) equal.set(path, json);
  }
  return equal;
}

function jsonPath(parts: string[]): string {
  return '$' + parts.map((p) => `."${p}"`).join('');
}

function hitsArray(doc: unknown, parts: string[]): boolean {
  let value = doc;
  for (const part of parts) {
    if (!isPlainObject(value)) return false;
    value = value[part];
    if (Array.isArray(value)) return true;
  }
  return false;
}

const NOT_EQUALITY = Symbol('not an equality');

/** The value a filter condition compares with for equality (`x` or `{ $eq: x }`). */
function equalityOperand(cond: unknown): unknown {
  if (cond instanceof RegExp) return NOT_EQUALITY;
  if (!isOperatorObject(cond)) return cond;
  return Object.keys(cond).length === 1 && '$eq' in cond ? cond.$eq : NOT_EQUALITY;
}

/**
 * The index key text (what `doc -> path` yields) of a value that equality can find through an
 * index, or undefined. Arrays and objects match in ways a single key cannot express.
 */
function keyJson(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  if (value instanceof Date) return JSON.stringify({ $date: value.toISOString() });
  return undefined;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    const next = target[part] ?? (target[part] = {});
    if (!isPlainObject(next)) throw new AppError('invalid_request', `The filter pins '${path}' below a non-object value.`);
    target = next;
  }
  target[parts.at(-1)!] = value;
}

/**
 * A Date is stored as `{"$date": iso}` (the replacer sees the raw value, before Date#toJSON), and
 * undefined as null, as the MongoDB driver writes it.
 */
function encode(doc: object): string {
  return JSON.stringify(doc, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    return value === undefined ? null : value;
  });
}

function decode<T>(text: string): T {
  // Documents without dates skip the walk. A walk after parsing, not a JSON.parse reviver: the
  // reviver is called back for every key, 2.6 times slower on a document record.
  return (text.includes('"$date"') ? reviveDates(JSON.parse(text)) : JSON.parse(text)) as T;
}

/** `{"$date": iso}` (and nothing else in the object) becomes a Date, at any depth, in place. */
function reviveDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveDates(value[i]);
    return value;
  }
  const object = value as Record<string, unknown>;
  let keys = 0;
  for (const key in object) {
    keys++;
    object[key] = reviveDates(object[key]);
  }
  return keys === 1 && typeof object.$date === 'string' ? new Date(object.$date) : object;
}

/** mingo reports bad filters, updates and projections by throwing: they are the caller's mistake. */
function mingoCall<R>(fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    throw new AppError('invalid_request', e instanceof Error ? e.message : String(e));
  }
}

function compileFilter(filter: Filter): (doc: Record<string, unknown>) => boolean {
  const query = mingoCall(() => new Query(filter));
  return (doc) => mingoCall(() => query.test(doc));
}

function shape<T>(docs: T[], options: FindOptions): T[] {
  if (docs.length === 0) return docs;
  if (options.sort && !options.projection) {
    const sorted = sortPlainly(docs, options.sort);
    if (sorted) return sorted.slice(options.skip ?? 0, options.limit ? (options.skip ?? 0) + options.limit : undefined);
  }
  return mingoCall(() => {
    let cursor = mingoFind<Record<string, unknown>>(docs, {}, options.projection);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all() as T[];
  });
}

type Mutator = (doc: Record<string, unknown>) => string[];
const OPERATORS = updateOperators as unknown as Record<string, ((fields: unknown) => Mutator) | undefined>;
const NUMERIC_OPERATORS = new Set(['$inc', '$mul']);
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);

/**
 * Applies update operators in place. The operators are called directly: mingo's `update` rebuilds
 * its whole operator context on every call (~30-160 µs, against ~5 µs), so the checks it would make
 * across operators (one path, one operator) are made here. mingo also silently skips `$inc` on a
 * string or `$push` on a non-array where MongoDB fails the write, so those are checked too.
 */
function applyUpdate(doc: Record<string, unknown>, ops: Update, filter: Filter | undefined): void {
  const entries = Object.entries(ops).map(([op, fields]) => [op, undefinedAsNull(fields as Record<string, unknown>)] as const);
  const paths: string[] = [];
  let positional = false;
  for (const [op, fields] of entries) {
    if (!OPERATORS[op]) throw new AppError('invalid_request', `Unknown update operator '${op}'.`);
    const numeric = NUMERIC_OPERATORS.has(op);
    for (const [path, arg] of Object.entries(fields)) {
      for (const target of op === '$rename' && typeof arg === 'string' ? [path, arg] : [path]) {
        if (paths.some((p) => p === target || p.startsWith(`${target}.`) || target.startsWith(`${p}.`))) {
          throw new AppError('invalid_request', `Updating the path '${target}' twice would create a conflict.`);
        }
        paths.push(target);
      }
      if (path.includes('$')) {
        positional = true;
        continue;
      }
      if (numeric && typeof arg !== 'number') throw new AppError('invalid_request', `${op} needs a number for '${path}'.`);
      if (!numeric && !ARRAY_OPERATORS.has(op)) continue;
      const current = valueAt(doc, path);
      if (current !== undefined && (numeric ? typeof current !== 'number' : !Array.isArray(current))) {
        const expected = numeric ? 'a number' : 'an array';
        throw new AppError('invalid_request', `Cannot apply ${op} to '${path}': the value there is not ${expected}.`);
      }
    }
  }
  // `a.$` paths need the filter to find their element: only mingo's full update resolves them.
  if (positional) mingoCall(() => mingoUpdate(doc, Object.fromEntries(entries), undefined, filter));
  else for (const [op, fields] of entries) mingoCall(() => OPERATORS[op]!(fields)(doc));
}

/** The driver sends `{ $set: { a: undefined } }` as `a: null`; mingo would skip the field. */
function undefinedAsNull(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.values(fields).includes(undefined)) return fields;
  return Object.fromEntries(Object.entries(fields).map(([path, value]) => [path, value === undefined ? null : value]));
}

function valueAt(doc: unknown, path: string): unknown {
  let value = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isPlainObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}
