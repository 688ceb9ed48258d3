/**
 * The storage interface: the MongoDB driver's collection API, cut down to what the code uses.
 * Two engines implement it with the same filter and update semantics (the embedded engine via
 * mingo, the MongoDB engine via the driver), so domain code never knows which one it has.
 *
 * Differences from the driver, on purpose:
 * - `_id` is always a string the caller chooses (prefixed ids such as `cli_…`), never an ObjectId.
 * - A duplicate key on a unique index throws `AppError('conflict')` on both engines.
 */
export type Document = { _id: string } & Record<string, unknown>;

// Filters and updates follow MongoDB's query language; typed loosely on purpose, like the driver's.
export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;
export type Projection = Record<string, 0 | 1>;

export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Projection;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface FindOneAndUpdateOptions extends UpdateOptions {
  sort?: Sort;
  /** Like the driver: 'before' (default) returns the document as it was. */
  returnDocument?: 'before' | 'after';
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId: string | null;
}

export interface DeleteResult {
  deletedCount: number;
}

export interface IndexSpec {
  /** Field paths (dotted) and their direction. */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
}

export interface FindCursor<T> {
  toArray(): Promise<T[]>;
}

export interface Collection<T extends Document = Document> {
  readonly name: string;
  insertOne(doc: T): Promise<{ insertedId: string }>;
  insertMany(docs: T[]): Promise<{ insertedCount: number }>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): FindCursor<T>;
  countDocuments(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  deleteOne(filter: Filter): Promise<DeleteResult>;
  deleteMany(filter: Filter): Promise<DeleteResult>;
  createIndex(spec: IndexSpec): Promise<void>;
}

/** One service's database. */
export interface Store {
  readonly engine: 'embedded' | 'mongodb';
  collection<T extends Document = Document>(name: string): Collection<T>;
  /** Resolves when the engine answers; rejects when it is unreachable (drives `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
