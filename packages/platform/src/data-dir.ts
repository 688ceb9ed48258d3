import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** Group and other permission bits: none of them belong on stored documents, keys or secrets. */
const SHARED_BITS = 0o077;

/**
 * Make the data dir private before anything is written to it: the process umask becomes 077, so
 * every database, blob and secret file is created 0600 (directories 0700) by whichever library
 * writes it, and the dir itself is 0700 — tightened when an older version left it open.
 */
export function secureDataDir(dir: string): void {
  process.umask(SHARED_BITS);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (mode & SHARED_BITS) chmodSync(dir, mode & ~SHARED_BITS);
}
