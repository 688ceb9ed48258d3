import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { GridFSBucket, MongoServerError } from 'mongodb';
import type { Db, ObjectId } from 'mongodb';
import { notFound } from '../errors.js';
import { hashInto, requireSha256 } from './fs.js';
import type { BlobStore } from './types.js';

const BUCKET = 'blobs';

/**
 * Content-addressed blobs in GridFS: the filename is the sha256. Bytes are uploaded under a temporary
 * name while they are hashed, then renamed; a unique index on the filename keeps one copy per hash
 * even when two uploads of the same bytes race.
 */
export function openGridFsBlobStore(db: Db): BlobStore {
  const bucket = new GridFSBucket(db, { bucketName: BUCKET });
  const files = db.collection(`${BUCKET}.files`);
  let indexed: Promise<unknown> | undefined;
  const ensureIndex = (): Promise<unknown> => {
    indexed ??= files.createIndex({ filename: 1 }, { unique: true, name: 'filename_unique' }).catch((e: unknown) => {
      indexed = undefined;
      throw e;
    });
    return indexed;
  };

  const fileId = async (sha256: string): Promise<ObjectId | undefined> => {
    requireSha256(sha256);
    const [file] = await bucket.find({ filename: sha256 }).limit(1).toArray();
    return file?._id;
  };

  const exists = async (sha256: string): Promise<boolean> => (await fileId(sha256)) !== undefined;

  const open = async (sha256: string): Promise<Readable> => {
    const id = await fileId(sha256);
    if (id === undefined) throw notFound('Blob');
    return bucket.openDownloadStream(id);
  };

  return {
    async put(data) {
      await ensureIndex();
      if (Buffer.isBuffer(data)) {
        const sha256 = createHash('sha256').update(data).digest('hex');
        if (await exists(sha256)) return { sha256, size: data.length };
      }
      const upload = bucket.openUploadStream(`tmp-${randomUUID()}`);
      let info;
      try {
        info = await hashInto(Buffer.isBuffer(data) ? Readable.from([data]) : data, upload);
      } catch (e) {
        // Best effort: drop the chunks of the partial upload; the original error is what matters.
        await upload.abort().catch(() => undefined);
        throw e;
      }
      try {
        await bucket.rename(upload.id, info.sha256);
      } catch (e) {
        await bucket.delete(upload.id);
        // The same bytes are already stored (or were just stored by a concurrent put).
        if (!(e instanceof MongoServerError && e.code === 11000)) throw e;
      }
      return info;
    },

    open,

    async read(sha256) {
      const chunks: Buffer[] = [];
      for await (const chunk of await open(sha256)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },

    exists,

    // GridFS keeps no local files: readers in other processes are sent the bytes.
    async localFile(sha256) {
      if (!(await exists(sha256))) throw notFound('Blob');
      return undefined;
    },

    async delete(sha256) {
      requireSha256(sha256);
      for (const file of await bucket.find({ filename: sha256 }).toArray()) await bucket.delete(file._id);
    },
  };
}
