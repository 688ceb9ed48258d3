import type { Readable } from 'node:stream';

/** A stored blob, named by the sha256 of its bytes (content-addressed: the same bytes are stored once). */
export interface BlobInfo {
  sha256: string;
  size: number;
}

export interface BlobStore {
  /** Store bytes; resolves with their hash and size. Streams are hashed while they are written. */
  put(data: Buffer | Readable): Promise<BlobInfo>;
  /** A stream of the bytes; rejects with `AppError('not_found')` for an unknown hash. */
  open(sha256: string): Promise<Readable>;
  read(sha256: string): Promise<Buffer>;
  exists(sha256: string): Promise<boolean>;
  /**
   * The file holding the bytes, for a reader in another process on this machine (no copy of the
   * bytes through a pipe); undefined from a store that keeps no local files. Read-only: the file
   * is the stored blob. Rejects with `AppError('not_found')` for an unknown hash.
   */
  localFile(sha256: string): Promise<string | undefined>;
  delete(sha256: string): Promise<void>;
}
