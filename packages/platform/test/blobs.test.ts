/**
 * One contract for every blob store that is reachable: files always, GridFS when MONGODB_URI is set.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openFsBlobStore } from '../src/blobs/fs.js';
import { openGridFsBlobStore } from '../src/blobs/gridfs.js';
import { openBlobStore } from '../src/blobs/index.js';
import type { BlobStore } from '../src/blobs/types.js';
import { AppError } from '../src/errors.js';
import { acquireMongoClient } from '../src/store/mongo.js';

interface Backend {
  store: BlobStore;
  /** Every stored object (files, or GridFS file documents), to see what a put really left behind. */
  stored(): Promise<string[]>;
  dispose(): Promise<void>;
}

async function fsBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'perceptiq-blobs-'));
  return {
    store: openFsBlobStore(dir),
    stored: async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function gridFsBackend(uri: string): Promise<Backend> {
  const lease = await acquireMongoClient(uri);
  const db = lease.client.db(`perceptiq_test_${randomBytes(6).toString('hex')}`);
  return {
    store: openGridFsBlobStore(db),
    stored: async () => (await db.collection('blobs.files').find().toArray()).map((f) => String(f.filename)),
    async dispose() {
      await db.dropDatabase();
      await lease.release();
    },
  };
}

const MONGODB_URI = process.env.MONGODB_URI;
// Only reachable backends get a suite: a missing MongoDB is a missing suite, never a silent pass.
const backends: Array<{ name: string; make: () => Promise<Backend> }> = [
  { name: 'fs', make: fsBackend },
  ...(MONGODB_URI ? [{ name: 'gridfs', make: () => gridFsBackend(MONGODB_URI) }] : []),
];

it('tests the file store always, and GridFS exactly when MONGODB_URI is set', () => {
  expect(backends.map((b) => b.name)).toEqual(MONGODB_URI ? ['fs', 'gridfs'] : ['fs']);
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(backends)('blob store: $name', ({ make }) => {
  let backend: Backend;
  let blobs: BlobStore;

  beforeAll(async () => {
    backend = await make();
    blobs = backend.store;
  });

  afterAll(async () => {
    await backend?.dispose();
  });

  it('stores a Buffer under its sha256 and gives it back', async () => {
    const bytes = Buffer.from('hello, blobs');
    const info = await blobs.put(bytes);
    expect(info).toEqual({ sha256: sha256(bytes), size: bytes.length });
    expect(await blobs.exists(info.sha256)).toBe(true);
    expect(await blobs.read(info.sha256)).toEqual(bytes);
    expect(await collect(await blobs.open(info.sha256))).toEqual(bytes);
  });

  it('hashes a multi-chunk stream while storing it', async () => {
    const parts = [randomBytes(300_000), randomBytes(700_001), randomBytes(5)];
    const whole = Buffer.concat(parts);
    const info = await blobs.put(Readable.from(parts));
    expect(info).toEqual({ sha256: sha256(whole), size: whole.length });
    expect((await blobs.read(info.sha256)).equals(whole)).toBe(true);
  });

  it('stores the same bytes once, whether they come as a Buffer or a stream', async () => {
    const bytes = randomBytes(4096);
    const before = (await backend.stored()).length;
    const results = await Promise.all([
      blobs.put(bytes),
      blobs.put(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)])),
      blobs.put(Readable.from([bytes])),
    ]);
    await blobs.put(bytes);
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256(bytes)]));
    const stored = await backend.stored();
    expect(stored.length).toBe(before + 1);
    // Nothing temporary is left behind.
    expect(stored.every((name) => /^[0-9a-f]{64}$/.test(name))).toBe(true);
  });

  it('stores an empty blob', async () => {
    const info = await blobs.put(Buffer.alloc(0));
    expect(info.size).toBe(0);
    expect((await blobs.read(info.sha256)).length).toBe(0);
  });

  it('leaves nothing behind when the source stream fails', async () => {
    const before = await backend.stored();
    const failing = new Readable({
      read() {
        this.push(randomBytes(1000));
        this.destroy(new Error('source broke'));
      },
    });
    await expect(blobs.put(failing)).rejects.toThrow('source broke');
    expect(await backend.stored()).toEqual(before);
  });

  it('deletes, and answers not_found for unknown hashes', async () => {
    const bytes = randomBytes(100);
    const { sha256: hash } = await blobs.put(bytes);
    await blobs.delete(hash);
    expect(await blobs.exists(hash)).toBe(false);
    expect((await rejection(blobs.read(hash))).code).toBe('not_found');
    expect((await rejection(blobs.open(hash))).code).toBe('not_found');
    expect((await rejection(blobs.localFile(hash))).code).toBe('not_found');
    // Deleting what is not there is fine.
    await blobs.delete(hash);
    await blobs.delete(sha256(randomBytes(8)));
  });

  it.each(['../../../../etc/passwd', '', 'ABCDEF'.padEnd(64, '0'), `${'a'.repeat(63)}/`, `${'0'.repeat(64)}/../x`])(
    'refuses the malformed hash %j as invalid_request',
    async (bad) => {
      for (const call of [blobs.open(bad), blobs.read(bad), blobs.exists(bad), blobs.localFile(bad), blobs.delete(bad)]) {
        expect((await rejection(call)).code).toBe('invalid_request');
      }
    },
  );
});

describe('file blob store', () => {
  it('validates hashes before touching the filesystem', async () => {
    const dir = join(tmpdir(), `perceptiq-never-${randomBytes(6).toString('hex')}`);
    const blobs = openFsBlobStore(dir);
    for (const call of [blobs.open('../x'), blobs.read('..'), blobs.exists('/etc/passwd'), blobs.localFile('../../x'), blobs.delete('..')]) {
      expect((await rejection(call)).code).toBe('invalid_request');
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('lays files out as <aa>/<bb>/<sha256> under <dataDir>/blobs (openBlobStore without MongoDB)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'perceptiq-data-'));
    const blobs = await openBlobStore({ dataDir, service: 'ingest' });
    const { sha256: hash } = await blobs.put(Buffer.from('layout'));
    const file = join(dataDir, 'blobs', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(existsSync(file)).toBe(true);
    // Another local process may read the stored file itself (ingest's sandbox does).
    expect(await blobs.localFile(hash)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('layout');
    await blobs.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
