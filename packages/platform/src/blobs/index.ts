import { join } from 'node:path';
import { acquireMongoClient } from '../store/mongo.js';
import { openFsBlobStore } from './fs.js';
import { openGridFsBlobStore } from './gridfs.js';
import type { BlobStore } from './types.js';

export type * from './types.js';
export { openFsBlobStore } from './fs.js';
export { openGridFsBlobStore } from './gridfs.js';

/** A blob store with the connection it holds; `close` lets go of it at shutdown. */
export interface OpenedBlobStore extends BlobStore {
  close(): Promise<void>;
}

/** GridFS in the service's database when a MongoDB URI is configured, else files under `<dataDir>/blobs`. */
export async function openBlobStore(opts: { dataDir: string; mongodbUri?: string; service: string }): Promise<OpenedBlobStore> {
  if (opts.mongodbUri) {
    const lease = await acquireMongoClient(opts.mongodbUri);
    return { ...openGridFsBlobStore(lease.client.db(`perceptiq_${opts.service}`)), close: lease.release };
  }
  return { ...openFsBlobStore(join(opts.dataDir, 'blobs')), close: async () => {} };
}
