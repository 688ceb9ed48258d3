/**
 * One contract for every store engine that is reachable: the embedded engine always, MongoDB when
 * MONGODB_URI is set. Whatever passes here behaves the same on both, so domain code never needs
 * to know which one it has.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../src/errors.js';
import { openEmbeddedStore } from '../src/store/embedded.js';
import { acquireMongoClient, openMongoStore } from '../src/store/mongo.js';
import type { Collection, Document, Store } from '../src/store/types.js';

interface Engine {
  name: Store['engine'];
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

async function embeddedEngine(): Promise<Engine> {
  const dir = await mkdtemp(join(tmpdir(), 'perceptiq-store-'));
  return {
    name: 'embedded',
    open: async () => openEmbeddedStore({ dir, name: 'contract' }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function mongoEngine(uri: string): Promise<Engine> {
  const dbName = `perceptiq_test_${randomBytes(6).toString('hex')}`;
  return {
    name: 'mongodb',
    open: () => openMongoStore({ uri, dbName }),
    async dispose() {
      const lease = await acquireMongoClient(uri);
      await lease.client.db(dbName).dropDatabase();
      await lease.release();
    },
  };
}

const MONGODB_URI = process.env.MONGODB_URI;
// Only engines that are reachable get a suite: a missing MongoDB is visible as a missing suite, never a silent pass.
const engines: Array<{ name: Store['engine']; make: () => Promise<Engine> }> = [
  { name: 'embedded', make: embeddedEngine },
  ...(MONGODB_URI ? [{ name: 'mongodb' as const, make: () => mongoEngine(MONGODB_URI) }] : []),
];

it('runs the contract on the embedded engine always, and on MongoDB exactly when MONGODB_URI is set', () => {
  expect(engines.map((e) => e.name)).toEqual(MONGODB_URI ? ['embedded', 'mongodb'] : ['embedded']);
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

type Item = Document & {
  n?: number | null;
  kind?: unknown;
  tags?: string[];
  a?: { b?: number; c?: string };
  items?: Array<{ sku: string; qty: number }>;
};

const ITEMS: Item[] = [
  { _id: 'i1', n: 1, kind: 'x', tags: ['red', 'blue'], a: { b: 1, c: 'one' }, items: [{ sku: 's1', qty: 2 }] },
  { _id: 'i2', n: 2, kind: 'y', tags: ['red'], a: { b: 2, c: 'two' }, items: [{ sku: 's2', qty: 5 }] },
  { _id: 'i3', n: 3, kind: 'x', tags: [], a: { b: 3 } },
  { _id: 'i4', n: 4, kind: 'z' },
  { _id: 'i5', n: null, kind: 'y', tags: ['green', 'red'] },
];

describe.each(engines)('store contract: $name', ({ make }) => {
  let engine: Engine;
  let store: Store;
  let counter = 0;
  /** Each test gets its own collection, so tests stay independent. */
  const fresh = <T extends Document = Item>(): Collection<T> => store.collection<T>(`c${++counter}`);
  const seeded = async (): Promise<Collection<Item>> => {
    const c = fresh();
    await c.insertMany(ITEMS);
    return c;
  };

  beforeAll(async () => {
    engine = await make();
    store = await engine.open();
  });

  afterAll(async () => {
    await store?.close();
    await engine?.dispose();
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('insert and find', () => {
    it('round-trips documents with nested values, arrays, nulls and dates', async () => {
      const c = fresh<Document>();
      const at = new Date('2024-05-06T07:08:09.010Z');
      const doc = { _id: 'd1', s: 'é "quoted"\n', n: 1.5, b: false, z: null, nested: { deep: [1, { x: 'y' }] }, at, dates: [at] };
      await expect(c.insertOne(doc)).resolves.toEqual({ insertedId: 'd1' });
      const read = await c.findOne({ _id: 'd1' });
      expect(read).toEqual(doc);
      expect(read?.at).toBeInstanceOf(Date);
      expect(await c.findOne({ _id: 'missing' })).toBeNull();
      expect(c.name).toMatch(/^c\d+$/);
    });

    it('writes undefined as null, as the driver does', async () => {
      const c = fresh<Document>();
      await c.insertOne({ _id: 'u', a: undefined, list: [undefined] });
      await c.updateOne({ _id: 'u' }, { $set: { b: undefined } });
      expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', a: null, list: [null], b: null });
      expect(ids(await c.find({ missing: undefined }).toArray())).toEqual(['u']);
    });

    it('inserts many and counts', async () => {
      const c = await seeded();
      expect(await c.countDocuments()).toBe(5);
      expect(await c.countDocuments({ kind: 'x' })).toBe(2);
      await expect(c.insertMany([])).resolves.toEqual({ insertedCount: 0 });
    });

    it('requires a string _id chosen by the caller', async () => {
      const c = fresh<Document>();
      expect((await rejection(c.insertOne({ x: 1 } as unknown as Document))).code).toBe('invalid_request');
      expect((await rejection(c.insertOne({ _id: 7 } as unknown as Document))).code).toBe('invalid_request');
    });

    it('refuses a duplicate _id with a conflict naming the _id index', async () => {
      const c = fresh<Document>();
      await c.insertOne({ _id: 'dup', v: 1 });
      const e = await rejection(c.insertOne({ _id: 'dup', v: 2 }));
      expect(e.code).toBe('conflict');
      expect(e.details).toEqual({ index: '_id_' });
      expect(await c.findOne({ _id: 'dup' })).toEqual({ _id: 'dup', v: 1 });
      expect((await rejection(c.insertMany([{ _id: 'dup', v: 3 }]))).code).toBe('conflict');
    });

    it.each([
      ['$in', { n: { $in: [1, 3, 9] } }, ['i1', 'i3']],
      ['$nin', { kind: { $nin: ['x', 'y'] } }, ['i4']],
      ['$gt/$lt', { n: { $gt: 1, $lt: 4 } }, ['i2', 'i3']],
      ['$gte/$lte', { n: { $gte: 3, $lte: 4 } }, ['i3', 'i4']],
      ['$exists true', { tags: { $exists: true } }, ['i1', 'i2', 'i3', 'i5']],
      ['$exists false', { a: { $exists: false } }, ['i4', 'i5']],
      ['$ne', { kind: { $ne: 'x' } }, ['i2', 'i4', 'i5']],
      ['$ne on a missing field', { 'a.c': { $ne: 'one' } }, ['i2', 'i3', 'i4', 'i5']],
      ['$or', { $or: [{ kind: 'z' }, { n: 1 }] }, ['i1', 'i4']],
      ['$and', { $and: [{ kind: 'x' }, { n: { $gt: 1 } }] }, ['i3']],
      ['null matches null and missing', { n: null }, ['i5']],
      ['null matches missing fields', { 'a.c': null }, ['i3', 'i4', 'i5']],
      ['dotted path', { 'a.b': 2 }, ['i2']],
      ['dotted path range', { 'a.b': { $gte: 2 } }, ['i2', 'i3']],
      ['array element equality', { tags: 'red' }, ['i1', 'i2', 'i5']],
      ['whole array equality', { tags: ['red'] }, ['i2']],
      ['empty array', { tags: [] }, ['i3']],
      ['$all', { tags: { $all: ['red', 'blue'] } }, ['i1']],
      ['$size', { tags: { $size: 2 } }, ['i1', 'i5']],
      ['dotted path into an array of objects', { 'items.sku': 's2' }, ['i2']],
      ['$elemMatch', { items: { $elemMatch: { sku: 's1', qty: { $gte: 2 } } } }, ['i1']],
      ['$regex', { 'a.c': { $regex: '^t' } }, ['i2']],
      ['_id $in', { _id: { $in: ['i4', 'i2', 'nope'] } }, ['i2', 'i4']],
      ['_id with another condition', { _id: 'i1', kind: 'y' }, []],
      ['empty filter', {}, ['i1', 'i2', 'i3', 'i4', 'i5']],
    ])('filters with %s', async (_, filter, expected) => {
      const c = await seeded();
      expect(ids(await c.find(filter, { sort: { _id: 1 } }).toArray())).toEqual(expected);
    });

    it('sorts, skips, limits and projects', async () => {
      const c = await seeded();
      expect(ids(await c.find({ n: { $gte: 1 } }, { sort: { n: -1 } }).toArray())).toEqual(['i4', 'i3', 'i2', 'i1']);
      expect(ids(await c.find({}, { sort: { kind: 1, n: -1 } }).toArray())).toEqual(['i3', 'i1', 'i2', 'i5', 'i4']);
      expect(ids(await c.find({}, { sort: { _id: 1 }, skip: 1, limit: 2 }).toArray())).toEqual(['i2', 'i3']);
      expect(ids(await c.find({}, { sort: { _id: -1 }, limit: 2 }).toArray())).toEqual(['i5', 'i4']);
      expect(await c.find({ kind: 'x' }, { sort: { n: 1 }, projection: { n: 1 } }).toArray()).toEqual([
        { _id: 'i1', n: 1 },
        { _id: 'i3', n: 3 },
      ]);
      expect(await c.find({ _id: 'i1' }, { projection: { 'a.c': 1, _id: 0 } }).toArray()).toEqual([{ a: { c: 'one' } }]);
      expect(await c.findOne({ _id: 'i2' }, { projection: { tags: 0, items: 0, a: 0 } })).toEqual({ _id: 'i2', n: 2, kind: 'y' });
      expect(await c.findOne({ kind: 'y' }, { sort: { n: 1 } })).toMatchObject({ _id: 'i5' });
      expect(await c.findOne({ kind: 'y' }, { sort: { n: -1 } })).toMatchObject({ _id: 'i2' });
    });

    it('runs a find only when toArray is called', async () => {
      const c = fresh<Document>();
      const cursor = c.find({ v: 1 });
      await c.insertOne({ _id: 'late', v: 1 });
      expect(ids(await cursor.toArray())).toEqual(['late']);
    });

    it('compares dates', async () => {
      const c = fresh<Document>();
      await c.insertMany([
        { _id: 'old', at: new Date('2020-01-01T00:00:00Z') },
        { _id: 'new', at: new Date('2024-01-01T00:00:00Z') },
      ]);
      expect(ids(await c.find({ at: { $lt: new Date('2022-01-01T00:00:00Z') } }).toArray())).toEqual(['old']);
      expect(ids(await c.find({ at: new Date('2024-01-01T00:00:00Z') }).toArray())).toEqual(['new']);
      expect(ids(await c.find({}, { sort: { at: -1 } }).toArray())).toEqual(['new', 'old']);
    });

    it('refuses an unknown query operator as invalid_request', async () => {
      const c = await seeded();
      expect((await rejection(c.find({ n: { $bogus: 1 } }).toArray())).code).toBe('invalid_request');
    });
  });

  describe('updates', () => {
    const base = (): Document => ({ _id: 'u', n: 5, s: 'x', list: [1, 2, 3, 4], set: ['a'], nested: { keep: true, drop: 1 } });
    const applied = async (update: Record<string, unknown>): Promise<Document | null> => {
      const c = fresh<Document>();
      await c.insertOne(base());
      expect(await c.updateOne({ _id: 'u' }, update)).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
      return c.findOne({ _id: 'u' });
    };

    it.each([
      ['$set', { $set: { s: 'y', 'nested.added': { z: 1 }, 'fresh.path': 2 } }, { s: 'y', nested: { keep: true, drop: 1, added: { z: 1 } }, fresh: { path: 2 } }],
      ['$unset', { $unset: { s: '', 'nested.drop': '', absent: '' } }, { s: undefined, nested: { keep: true } }],
      ['$inc', { $inc: { n: -2, counter: 3, 'nested.drop': 0.5 } }, { n: 3, counter: 3, nested: { keep: true, drop: 1.5 } }],
      ['$push', { $push: { list: 5, fresh: 'a' } }, { list: [1, 2, 3, 4, 5], fresh: ['a'] }],
      ['$push $each', { $push: { list: { $each: [5, 6] } } }, { list: [1, 2, 3, 4, 5, 6] }],
      ['$pull by value', { $pull: { list: 2 } }, { list: [1, 3, 4] }],
      ['$pull by condition', { $pull: { list: { $gte: 3 } } }, { list: [1, 2] }],
      ['$addToSet', { $addToSet: { set: 'b' } }, { set: ['a', 'b'] }],
      ['$addToSet $each', { $addToSet: { set: { $each: ['a', 'c', 'c'] } } }, { set: ['a', 'c'] }],
      ['$min', { $min: { n: 2, low: 7 } }, { n: 2, low: 7 }],
      ['$max', { $max: { n: 9 } }, { n: 9 }],
      ['$set with a date', { $set: { at: new Date('2024-02-03T04:05:06.000Z') } }, { at: new Date('2024-02-03T04:05:06.000Z') }],
    ])('applies %s', async (_, update, changes) => {
      const expected: Record<string, unknown> = { ...base(), ...changes };
      for (const [k, v] of Object.entries(expected)) if (v === undefined) delete expected[k];
      expect(await applied(update)).toEqual(expected);
    });

    it('counts a write that changes nothing as matched, not modified', async () => {
      const c = fresh<Document>();
      await c.insertOne(base());
      const unchanged = { matchedCount: 1, modifiedCount: 0, upsertedId: null };
      expect(await c.updateOne({ _id: 'u' }, { $set: { s: 'x' } })).toEqual(unchanged);
      expect(await c.updateOne({ _id: 'u' }, { $addToSet: { set: 'a' } })).toEqual(unchanged);
      expect(await c.updateOne({ _id: 'u' }, { $max: { n: 1 } })).toEqual(unchanged);
      expect(await c.updateOne({ _id: 'u' }, { $setOnInsert: { s: 'other' } })).toEqual(unchanged);
      expect(await c.updateOne({ _id: 'nope' }, { $set: { s: 'y' } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
      expect(await c.findOne({ _id: 'u' })).toEqual(base());
    });

    it('updates one document of several, or all of them', async () => {
      const c = await seeded();
      expect(await c.updateOne({ kind: 'x' }, { $set: { hit: true } })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
      expect(await c.countDocuments({ hit: true })).toBe(1);
      expect(await c.updateMany({ kind: { $in: ['x', 'y'] } }, { $set: { hit: true } })).toEqual({
        matchedCount: 4,
        modifiedCount: 3,
        upsertedId: null,
      });
      expect(ids(await c.find({ hit: true }, { sort: { _id: 1 } }).toArray())).toEqual(['i1', 'i2', 'i3', 'i5']);
      expect(await c.updateMany({ kind: 'none' }, { $set: { hit: true } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
    });

    it('updates the array element matched by the filter with the positional $', async () => {
      const c = await seeded();
      await c.updateOne({ _id: 'i1', 'items.sku': 's1' }, { $inc: { 'items.$.qty': 10 } });
      expect((await c.findOne({ _id: 'i1' }))?.items).toEqual([{ sku: 's1', qty: 12 }]);
    });

    it.each([
      ['no update operators', { s: 'replaced' }],
      ['an empty update', {}],
      ['$inc on a string', { $inc: { s: 1 } }],
      ['$inc by a non-number', { $inc: { n: 'one' } }],
      ['$push on a non-array', { $push: { n: 1 } }],
      ['a change of _id', { $set: { _id: 'other' } }],
      ['two operators on one path', { $set: { n: 1 }, $inc: { n: 1 } }],
      ['a path and its parent', { $set: { nested: {} }, $unset: { 'nested.keep': '' } }],
      ['an unknown operator', { $bogus: { n: 1 } }],
      ['$setOnInsert on a path that $set updates', { $set: { n: 1 }, $setOnInsert: { n: 2 } }],
    ])('refuses %s as invalid_request and leaves the document alone', async (_, update) => {
      const c = fresh<Document>();
      await c.insertOne(base());
      expect((await rejection(c.updateOne({ _id: 'u' }, update))).code).toBe('invalid_request');
      expect(await c.findOne({ _id: 'u' })).toEqual(base());
    });
  });

  describe('upserts', () => {
    it('inserts from the filter equalities, $setOnInsert and the update when nothing matches', async () => {
      const c = fresh<Document>();
      const result = await c.updateOne(
        { _id: 'k1', 'meta.owner': 'cli_1', state: { $eq: 'new' }, score: { $gt: 0 } },
        { $set: { name: 'first' }, $setOnInsert: { created: 1 }, $inc: { hits: 1 } },
        { upsert: true },
      );
      expect(result).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'k1' });
      expect(await c.findOne({ _id: 'k1' })).toEqual({ _id: 'k1', meta: { owner: 'cli_1' }, state: 'new', name: 'first', created: 1, hits: 1 });
    });

    it('updates without $setOnInsert when a document matches', async () => {
      const c = fresh<Document>();
      await c.insertOne({ _id: 'k1', hits: 1, created: 1 });
      const result = await c.updateOne({ _id: 'k1' }, { $setOnInsert: { created: 2 }, $inc: { hits: 1 } }, { upsert: true });
      expect(result).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
      expect(await c.findOne({ _id: 'k1' })).toEqual({ _id: 'k1', hits: 2, created: 1 });
    });

    it('takes the _id from $setOnInsert when the filter has none', async () => {
      const c = fresh<Document>();
      const result = await c.updateOne({ email: 'a@example.com' }, { $setOnInsert: { _id: 'usr_1' }, $set: { seen: true } }, { upsert: true });
      expect(result.upsertedId).toBe('usr_1');
      expect(await c.findOne({ email: 'a@example.com' })).toEqual({ _id: 'usr_1', email: 'a@example.com', seen: true });
    });

    it('refuses an upsert without a caller-chosen _id', async () => {
      const c = fresh<Document>();
      expect((await rejection(c.updateOne({ email: 'a@example.com' }, { $set: { seen: true } }, { upsert: true }))).code).toBe(
        'invalid_request',
      );
      expect((await rejection(c.findOneAndUpdate({ _id: { $in: ['a'] } }, { $set: { seen: true } }, { upsert: true }))).code).toBe(
        'invalid_request',
      );
      expect(await c.countDocuments()).toBe(0);
    });

    it('keeps concurrent $inc upserts atomic', async () => {
      const c = fresh<Document>();
      const calls = Array.from({ length: 200 }, () =>
        c.findOneAndUpdate({ _id: 'rate:cli_1' }, { $inc: { count: 1 } }, { upsert: true, returnDocument: 'after' }),
      );
      const counts = (await Promise.all(calls)).map((d) => d?.count as number);
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await c.findOne({ _id: 'rate:cli_1' })).toEqual({ _id: 'rate:cli_1', count: 200 });
      await Promise.all(Array.from({ length: 50 }, () => c.updateOne({ _id: 'other' }, { $inc: { count: 2 } }, { upsert: true })));
      expect(await c.findOne({ _id: 'other' })).toEqual({ _id: 'other', count: 100 });
    });
  });

  describe('findOneAndUpdate', () => {
    it('returns the document before (by default) or after the update, null when nothing matches', async () => {
      const c = fresh<Document>();
      await c.insertOne({ _id: 'f', v: 1 });
      expect(await c.findOneAndUpdate({ _id: 'f' }, { $inc: { v: 1 } })).toEqual({ _id: 'f', v: 1 });
      expect(await c.findOneAndUpdate({ _id: 'f' }, { $inc: { v: 1 } }, { returnDocument: 'before' })).toEqual({ _id: 'f', v: 2 });
      expect(await c.findOneAndUpdate({ _id: 'f' }, { $inc: { v: 1 } }, { returnDocument: 'after' })).toEqual({ _id: 'f', v: 4 });
      expect(await c.findOneAndUpdate({ _id: 'none' }, { $inc: { v: 1 } }, { returnDocument: 'after' })).toBeNull();
      expect(await c.countDocuments()).toBe(1);
    });

    it('upserts: null before, the new document after', async () => {
      const c = fresh<Document>();
      expect(await c.findOneAndUpdate({ _id: 'a' }, { $set: { v: 1 } }, { upsert: true })).toBeNull();
      expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', v: 1 });
      expect(await c.findOneAndUpdate({ _id: 'b', kind: 'k' }, { $setOnInsert: { v: 0 } }, { upsert: true, returnDocument: 'after' })).toEqual({
        _id: 'b',
        kind: 'k',
        v: 0,
      });
    });

    it('updates the first document in sort order', async () => {
      const c = await seeded();
      const claimed = await c.findOneAndUpdate({ kind: { $in: ['x', 'y'] } }, { $set: { claimed: true } }, { sort: { n: -1 }, returnDocument: 'after' });
      expect(claimed).toMatchObject({ _id: 'i3', claimed: true });
      const next = await c.findOneAndUpdate({ claimed: { $ne: true } }, { $set: { claimed: true } }, { sort: { n: -1 } });
      expect(next).toMatchObject({ _id: 'i4' });
      expect(next).not.toHaveProperty('claimed');
    });
  });

  describe('deletes', () => {
    it('deletes one or many', async () => {
      const c = await seeded();
      expect(await c.deleteOne({ kind: 'y' })).toEqual({ deletedCount: 1 });
      expect(await c.countDocuments({ kind: 'y' })).toBe(1);
      expect(await c.deleteOne({ kind: 'none' })).toEqual({ deletedCount: 0 });
      expect(await c.deleteMany({ n: { $lte: 3 } })).toEqual({ deletedCount: 2 });
      expect(ids(await c.find({}, { sort: { _id: 1 } }).toArray())).toEqual(['i4', 'i5']);
      expect(await c.deleteMany({})).toEqual({ deletedCount: 2 });
      expect(await c.countDocuments()).toBe(0);
    });
  });

  describe('indexes', () => {
    it('enforces unique indexes on insert, update and upsert, naming the index', async () => {
      const c = fresh<Document>();
      await c.createIndex({ keys: { email: 1 }, unique: true, name: 'email_unique' });
      await c.insertOne({ _id: 'u1', email: 'a@x' });
      await c.insertOne({ _id: 'u2', email: 'b@x' });
      const onInsert = await rejection(c.insertOne({ _id: 'u3', email: 'a@x' }));
      expect(onInsert.code).toBe('conflict');
      expect(onInsert.details).toEqual({ index: 'email_unique' });
      expect((await rejection(c.updateOne({ _id: 'u2' }, { $set: { email: 'a@x' } }))).code).toBe('conflict');
      expect((await rejection(c.updateOne({ _id: 'u4' }, { $set: { email: 'b@x' } }, { upsert: true }))).code).toBe('conflict');
      expect((await rejection(c.findOneAndUpdate({ _id: 'u2' }, { $set: { email: 'a@x' } }))).code).toBe('conflict');
      expect(ids(await c.find({}, { sort: { _id: 1 } }).toArray())).toEqual(['u1', 'u2']);
      expect((await c.findOne({ _id: 'u2' }))?.email).toBe('b@x');
      // Values of other types are other keys.
      await c.insertOne({ _id: 'u5', email: 1 });
      await c.insertOne({ _id: 'u6', email: '1' });
      await c.insertOne({ _id: 'u7', email: true });
    });

    it('treats a missing field as null in a unique index, as MongoDB does', async () => {
      const c = fresh<Document>();
      await c.createIndex({ keys: { code: 1 }, unique: true });
      await c.insertOne({ _id: 'a' });
      const e = await rejection(c.insertOne({ _id: 'b', code: null }));
      expect(e.code).toBe('conflict');
      expect(e.details).toEqual({ index: 'code_1' });
    });

    it('enforces compound unique indexes on the combination', async () => {
      const c = fresh<Document>();
      await c.createIndex({ keys: { client_id: 1, 'ref.key': 1 }, unique: true });
      await c.insertMany([
        { _id: '1', client_id: 'c1', ref: { key: 'k' } },
        { _id: '2', client_id: 'c2', ref: { key: 'k' } },
        { _id: '3', client_id: 'c1', ref: { key: 'j' } },
      ]);
      const e = await rejection(c.insertOne({ _id: '4', client_id: 'c1', ref: { key: 'k' } }));
      expect(e.details).toEqual({ index: 'client_id_1_ref.key_1' });
      expect(ids(await c.find({ client_id: 'c1', 'ref.key': 'k' }).toArray())).toEqual(['1']);
      expect(ids(await c.find({ client_id: 'c1' }, { sort: { _id: 1 } }).toArray())).toEqual(['1', '3']);
    });

    it('refuses a unique index over existing duplicates', async () => {
      const c = fresh<Document>();
      await c.insertMany([
        { _id: 'a', v: 1 },
        { _id: 'b', v: 1 },
      ]);
      expect((await rejection(c.createIndex({ keys: { v: 1 }, unique: true }))).code).toBe('conflict');
      await c.insertOne({ _id: 'c', v: 1 });
    });

    it('re-creates an identical index as a no-op and refuses a different one under the same name', async () => {
      const c = fresh<Document>();
      await c.createIndex({ keys: { v: 1 }, name: 'by_v' });
      await c.createIndex({ keys: { v: 1 }, name: 'by_v' });
      expect((await rejection(c.createIndex({ keys: { w: 1 }, name: 'by_v' }))).code).toBe('invalid_request');
    });

    it.each([
      ['dates', (ms: number): unknown => new Date(ms)],
      ['ISO strings', (ms: number): unknown => new Date(ms).toISOString()],
    ])('pages through documents in the order of %s the same with an index as without one, ties and other types included', async (_, value) => {
      const at = (i: number) => value(Date.UTC(2026, 0, 1) + (i % 13) * 1000); // 13 instants: many ties
      const docs: Document[] = Array.from({ length: 60 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, client_id: i % 4 === 0 ? 'c2' : 'c1', created_at: at(i * 7), archived: i % 5 === 0 }));
      const plain = fresh<Document>();
      const indexed = fresh<Document>();
      await indexed.createIndex({ keys: { client_id: 1, created_at: -1 } });
      await indexed.createIndex({ keys: { created_at: 1 } });
      await indexed.createIndex({ keys: { client_id: 1, _id: 1 } });
      await plain.insertMany(docs);
      await indexed.insertMany(docs);
      const cursor = { created_at: at(5), _id: 'd30' };
      const queries: Array<[Record<string, unknown>, { sort: Record<string, 1 | -1>; skip?: number; limit?: number }]> = [
        [{ client_id: 'c1' }, { sort: { created_at: -1, _id: -1 }, limit: 5 }],
        [{ client_id: 'c1', archived: false }, { sort: { created_at: -1, _id: -1 }, skip: 3, limit: 7 }],
        [{ client_id: 'c1' }, { sort: { created_at: 1, _id: 1 }, limit: 4 }],
        [{ client_id: 'c2' }, { sort: { created_at: -1, _id: 1 }, limit: 2 }],
        [{}, { sort: { created_at: -1, _id: 1 }, limit: 3 }],
        [{ archived: true }, { sort: { created_at: 1, _id: -1 }, limit: 6 }],
        [{ client_id: 'c1', $or: [{ created_at: { $lt: cursor.created_at } }, { created_at: cursor.created_at, _id: { $lt: cursor._id } }] }, { sort: { created_at: -1, _id: -1 }, limit: 5 }],
        [{ client_id: 'nobody' }, { sort: { created_at: -1 }, limit: 5 }],
        [{ client_id: 'c1', created_at: { $lt: at(5) } }, { sort: { created_at: -1, _id: -1 }, limit: 5 }],
        [{ client_id: 'c1', created_at: { $lte: cursor.created_at }, $or: [{ created_at: { $lt: cursor.created_at } }, { created_at: cursor.created_at, _id: { $lt: cursor._id } }] }, { sort: { created_at: -1, _id: -1 }, limit: 5 }],
        [{ client_id: 'c1', created_at: { $gte: at(3), $lte: at(9) } }, { sort: { created_at: 1, _id: 1 }, limit: 4 }],
        [{ client_id: 'c1', _id: { $gt: 'd10' } }, { sort: { _id: 1 }, limit: 5 }],
        [{ client_id: 'c1', _id: { $gt: 'd05', $lte: 'd40' } }, { sort: { _id: -1 }, limit: 4 }],
        [{ client_id: 'c1', _id: { $gt: 'd5' } }, { sort: { _id: 1 }, limit: 3 }],
      ];
      const same = async () => {
        for (const [filter, options] of queries) {
          const expected = ids(await plain.find(filter, options).toArray());
          expect([filter, options, ids(await indexed.find(filter, options).toArray())]).toEqual([filter, options, expected]);
        }
        expect((await indexed.findOne({ client_id: 'c1' }, { sort: { created_at: -1, _id: 1 } }))?._id).toBe((await plain.findOne({ client_id: 'c1' }, { sort: { created_at: -1, _id: 1 } }))?._id);
      };
      await same();
      // Other types on the sorted key (MongoDB orders them by type first): still the same answers.
      for (const c of [plain, indexed]) {
        await c.insertOne({ _id: 'text', client_id: 'c1', created_at: '2030-01-01 12:00', archived: false });
        await c.insertOne({ _id: 'none', client_id: 'c1', archived: false });
        await c.updateOne({ _id: 'd01' }, { $set: { created_at: 5 } });
      }
      await same();
      // An index created over such documents already.
      await indexed.createIndex({ keys: { archived: 1, created_at: 1 } });
      await same();
    });

    it('finds the same documents through an index as without one, arrays and types included', async () => {
      const docs: Document[] = [
        { _id: 'a', kind: 1, tags: 'x', a: { b: 1 } },
        { _id: 'b', kind: true, tags: ['x', 'y'], a: [{ b: 1 }, { b: 2 }] },
        { _id: 'c', kind: '1', tags: ['y'], a: { b: 2 } },
        { _id: 'd', kind: null, a: null },
        { _id: 'e', tags: [], at: new Date('2024-01-01T00:00:00Z') },
        { _id: 'f', kind: 1.5, tags: [['x']], at: new Date('2025-01-01T00:00:00Z') },
      ];
      const filters = [
        { kind: 1 },
        { kind: true },
        { kind: '1' },
        { kind: 1.5 },
        { kind: null },
        { kind: { $eq: 1 } },
        { tags: 'x' },
        { tags: ['x'] },
        { 'a.b': 1 },
        { 'a.b': null },
        { at: new Date('2024-01-01T00:00:00Z') },
        { kind: 1, tags: 'x' },
        { kind: 1, a: null },
      ];
      const plain = fresh<Document>();
      const indexed = fresh<Document>();
      await indexed.createIndex({ keys: { kind: 1 } });
      await indexed.createIndex({ keys: { tags: 1 } });
      await indexed.createIndex({ keys: { 'a.b': 1, kind: 1 } });
      await indexed.createIndex({ keys: { at: 1 } });
      // Half the documents before the indexes exist, half after (arrays then show up on indexed paths).
      await plain.insertMany(docs);
      await indexed.insertMany(docs.slice(0, 3));
      for (const doc of docs.slice(3)) await indexed.insertOne(doc);
      for (const filter of filters) {
        const expected = ids(await plain.find(filter, { sort: { _id: 1 } }).toArray());
        expect([filter, ids(await indexed.find(filter, { sort: { _id: 1 } }).toArray())]).toEqual([filter, expected]);
        expect([filter, await indexed.countDocuments(filter)]).toEqual([filter, expected.length]);
      }
      expect(ids(await indexed.find({ kind: 1 }).toArray())).toEqual(['a']);
      expect(ids(await indexed.find({ tags: 'x' }, { sort: { _id: 1 } }).toArray())).toEqual(['a', 'b']);
      expect(ids(await indexed.find({ kind: null }, { sort: { _id: 1 } }).toArray())).toEqual(['d', 'e']);
    });
  });
});

describe('embedded engine', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perceptiq-embedded-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps documents and indexes across close and reopen', async () => {
    const first = openEmbeddedStore({ dir, name: 'durable' });
    const users = first.collection('users');
    await users.createIndex({ keys: { email: 1 }, unique: true });
    await users.createIndex({ keys: { tags: 1 } });
    await users.insertOne({ _id: 'u1', email: 'a@x', tags: ['t1', 't2'] });
    await users.updateOne({ _id: 'u1' }, { $inc: { logins: 1 } });
    await first.close();
    await expect(first.ping()).rejects.toThrow();

    const second = openEmbeddedStore({ dir, name: 'durable' });
    const again = second.collection('users');
    expect(await again.findOne({ _id: 'u1' })).toEqual({ _id: 'u1', email: 'a@x', tags: ['t1', 't2'], logins: 1 });
    expect((await rejection(again.insertOne({ _id: 'u2', email: 'a@x' }))).code).toBe('conflict');
    // The index on `tags` remembers it has seen arrays, so element matches still find the document.
    expect(ids(await again.find({ tags: 't2' }).toArray())).toEqual(['u1']);
    await second.close();
  });

  it('belongs to one opener at a time: a second is refused, with the file named, until the first closes', async () => {
    const first = openEmbeddedStore({ dir, name: 'owned' });
    await first.collection('c').insertOne({ _id: 'kept' });
    let refused: unknown;
    try {
      openEmbeddedStore({ dir, name: 'owned', lockWaitMs: 50 });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/owned\.sqlite is in use by another process/);
    // The refused opener changed nothing: the owner still reads and writes.
    await first.collection('c').insertOne({ _id: 'after' });
    expect(await first.collection('c').countDocuments()).toBe(2);
    await first.close();

    const second = openEmbeddedStore({ dir, name: 'owned', lockWaitMs: 50 });
    expect(ids(await second.collection('c').find({}).toArray()).sort()).toEqual(['after', 'kept']);
    await second.close();
  });

  it('makes every call all or nothing, insertMany included (MongoDB keeps the documents before a failure)', async () => {
    const store = openEmbeddedStore({ dir, name: 'atomic' });
    const c = store.collection('c');
    await c.insertOne({ _id: 'b' });
    expect((await rejection(c.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]))).code).toBe('conflict');
    expect(await c.countDocuments()).toBe(1);
    await store.close();
  });

  it('refuses names that cannot be tables or index paths', async () => {
    const store = openEmbeddedStore({ dir, name: 'names' });
    expect(() => store.collection('bad"name')).toThrow(AppError);
    expect(() => store.collection('sqlite_master')).toThrow(AppError);
    expect((await rejection(store.collection('ok').createIndex({ keys: { 'list.0': 1 } }))).code).toBe('invalid_request');
    expect(() => openEmbeddedStore({ dir, name: '../escape' })).toThrow(AppError);
    await store.close();
  });
});

function ids(docs: Document[]): string[] {
  return docs.map((d) => d._id);
}
