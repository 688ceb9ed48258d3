import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, notFound } from '../errors.js';
import type { BlobInfo, BlobStore } from './types.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** Checked before any path is built from a hash: nothing else may reach the filesystem. */
export function requireSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new AppError('invalid_request', 'A blob is named by the lowercase hex sha256 of its bytes.');
}

/**
 * Hashes and counts bytes while they flow through to `sink`; resolves once the sink has them all.
 * Shared by the file and GridFS stores.
 */
export async function hashInto(source: Readable, sink: NodeJS.WritableStream): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer | string>) {
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        hash.update(bytes);
        size += bytes.length;
        yield bytes;
      }
    },
    sink,
  );
  return { sha256: hash.digest('hex'), size };
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Content-addressed files: `<dir>/<aa>/<bb>/<sha256>`. Bytes go to a temporary file in `dir` (same
 * filesystem) and are renamed into place, so a blob is either absent or complete.
 */
export function openFsBlobStore(dir: string): BlobStore {
  const pathOf = (sha256: string): string => {
    requireSha256(sha256);
    return join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  const exists = async (sha256: string): Promise<boolean> => {
    const path = pathOf(sha256);
    try {
      await stat(path);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  };

  /** Moves a complete temporary file into place, unless the same bytes are there already. */
  const settle = async (temp: string, sha256: string): Promise<void> => {
    if (await exists(sha256)) {
      await rm(temp, { force: true });
      return;
    }
    const path = pathOf(sha256);
    await mkdir(join(path, '..'), { recursive: true });
    // Two writers of the same bytes may both get here: the second rename replaces identical content.
    await rename(temp, path);
  };

  return {
    async put(data) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.tmp-${randomUUID()}`);
      try {
        if (Buffer.isBuffer(data)) {
          const info = { sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
          if (await exists(info.sha256)) return info;
          await writeFile(temp, data);
          await settle(temp, info.sha256);
          return info;
        }
        const info = await hashInto(data, createWriteStream(temp));
        await settle(temp, info.sha256);
        return info;
      } catch (e) {
        await rm(temp, { force: true });
        throw e;
      }
    },

    async open(sha256) {
      const path = pathOf(sha256);
      try {
        // Opening first makes a missing blob a rejection rather than a stream error later.
        return (await open(path)).createReadStream();
      } catch (e) {
        if (isMissing(e)) throw notFound('Blob');
        throw e;
      }
    },

    async read(sha256) {
      const path = pathOf(sha256);
      try {
        return await readFile(path);
      } catch (e) {
        if (isMissing(e)) throw notFound('Blob');
        throw e;
      }
    },

    exists,

    async localFile(sha256) {
      if (!(await exists(sha256))) throw notFound('Blob');
      return pathOf(sha256);
    },

    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
