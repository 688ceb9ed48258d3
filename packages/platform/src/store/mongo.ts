import { MongoClient, MongoServerError } from 'mongodb';
import type { Collection as DriverCollection, Filter as DriverFilter } from 'mongodb';
import { AppError } from '../errors.js';
import { requireOperators, requireStringId, requireUpsertId } from './rules.js';
import type { Collection, Document, Filter, FindOptions, Store } from './types.js';

/** The MongoDB engine: the official driver, behind the same contract as the embedded engine. */
export async function openMongoStore(opts: { uri: string; dbName: string }): Promise<Store> {
  const lease = await acquireMongoClient(opts.uri);
  const db = lease.client.db(opts.dbName);
  return {
    engine: 'mongodb',
    collection: <T extends Document = Document>(name: string) => wrap<T>(db.collection<Document>(name)),
    async ping() {
      await lease.client.db('admin').command({ ping: 1 });
    },
    close: lease.release,
  };
}

export interface MongoLease {
  client: MongoClient;
  /** Closes the client when its last user lets go. Idempotent. */
  release(): Promise<void>;
}

const clients = new Map<string, { connected: Promise<MongoClient>; users: number }>();

/** One connection pool per URI, shared by every store and blob store of the process. */
export async function acquireMongoClient(uri: string): Promise<MongoLease> {
  let entry = clients.get(uri);
  if (!entry) {
    // The driver's default stays: undefined is written as null (ignoring it would turn a filter
    // `{ client_id: undefined }` into `{}`), and the embedded engine does the same.
    const client = new MongoClient(uri);
    const created = {
      connected: client.connect().catch(async (e: unknown) => {
        if (clients.get(uri) === created) clients.delete(uri);
        await client.close();
        throw e;
      }),
      users: 0,
    };
    entry = created;
    clients.set(uri, entry);
  }
  const shared = entry;
  // Counted before the await, so a release in the meantime cannot close the client under us.
  shared.users++;
  let client: MongoClient;
  try {
    client = await shared.connected;
  } catch (e) {
    shared.users--;
    throw e;
  }
  let released = false;
  return {
    client,
    async release() {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      if (clients.get(uri) === shared) clients.delete(uri);
      await client.close();
    },
  };
}

function wrap<T extends Document>(coll: DriverCollection<Document>): Collection<T> {
  // The contract's filters are the driver's, typed loosely; the driver's generics add nothing here.
  const f = (filter: Filter): DriverFilter<Document> => filter as DriverFilter<Document>;
  return {
    name: coll.collectionName,
    insertOne: (doc) =>
      guard(coll, async () => {
        requireStringId(doc);
        await coll.insertOne(doc);
        return { insertedId: doc._id };
      }),
    insertMany: (docs) =>
      guard(coll, async () => {
        docs.forEach(requireStringId);
        // The driver refuses an empty batch; the contract accepts it.
        if (docs.length === 0) return { insertedCount: 0 };
        return { insertedCount: (await coll.insertMany(docs)).insertedCount };
      }),
    findOne: (filter, options = {}) => guard(coll, async () => (await coll.findOne(f(filter), findOptions(options))) as T | null),
    find: (filter, options = {}) => ({
      toArray: () => guard(coll, async () => (await coll.find(f(filter), findOptions(options)).toArray()) as T[]),
    }),
    countDocuments: (filter = {}) => guard(coll, () => coll.countDocuments(f(filter))),
    updateOne: (filter, update, options = {}) =>
      guard(coll, async () => {
        requireOperators(update);
        if (options.upsert) requireUpsertId(filter, update);
        const r = await coll.updateOne(f(filter), update, { upsert: options.upsert ?? false });
        return { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedId: (r.upsertedId as string | null) ?? null };
      }),
    updateMany: (filter, update) =>
      guard(coll, async () => {
        requireOperators(update);
        const r = await coll.updateMany(f(filter), update);
        return { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount, upsertedId: null };
      }),
    findOneAndUpdate: (filter, update, options = {}) =>
      guard(coll, async () => {
        requireOperators(update);
        if (options.upsert) requireUpsertId(filter, update);
        const doc = await coll.findOneAndUpdate(f(filter), update, {
          upsert: options.upsert ?? false,
          returnDocument: options.returnDocument ?? 'before',
          ...(options.sort ? { sort: options.sort } : {}),
          includeResultMetadata: false,
        });
        return doc as T | null;
      }),
    deleteOne: (filter) => guard(coll, async () => ({ deletedCount: (await coll.deleteOne(f(filter))).deletedCount })),
    deleteMany: (filter) => guard(coll, async () => ({ deletedCount: (await coll.deleteMany(f(filter))).deletedCount })),
    createIndex: (spec) =>
      guard(coll, async () => {
        await coll.createIndex(spec.keys, { ...(spec.unique ? { unique: true } : {}), ...(spec.name ? { name: spec.name } : {}) });
      }),
  };
}

function findOptions(options: FindOptions): FindOptions {
  const out: FindOptions = {};
  if (options.sort) out.sort = options.sort;
  if (options.skip) out.skip = options.skip;
  if (options.limit) out.limit = options.limit;
  if (options.projection) out.projection = options.projection;
  return out;
}

// Server errors that mean the request itself is wrong: BadValue, FailedToParse, TypeMismatch,
// ConflictingUpdateOperators, DollarPrefixedFieldName, EmptyFieldName, DottedFieldName,
// ImmutableField, IndexOptionsConflict, IndexKeySpecsConflict, and mixed inclusion/exclusion projections.
const INVALID_REQUEST_CODES = new Set([2, 9, 14, 40, 52, 56, 57, 66, 85, 86, 31253, 31254]);

async function guard<R>(coll: { collectionName: string }, fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof MongoServerError) || typeof e.code !== 'number') throw e;
    if (e.code === 11000) {
      const index = /index: (\S+)/.exec(e.message)?.[1] ?? 'unknown';
      throw new AppError('conflict', `Duplicate key in '${coll.collectionName}' on index '${index}'.`, { index });
    }
    if (INVALID_REQUEST_CODES.has(e.code)) throw new AppError('invalid_request', e.message);
    throw e;
  }
}
