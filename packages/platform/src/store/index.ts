import { openEmbeddedStore } from './embedded.js';
import { openMongoStore } from './mongo.js';
import type { Store } from './types.js';

export type * from './types.js';

/** The one place an engine is chosen: MongoDB when a URI is configured, else the embedded engine. */
export async function openStore(opts: { dataDir: string; mongodbUri?: string; service: string }): Promise<Store> {
  if (opts.mongodbUri) return openMongoStore({ uri: opts.mongodbUri, dbName: `perceptiq_${opts.service}` });
  return openEmbeddedStore({ dir: opts.dataDir, name: opts.service });
}
