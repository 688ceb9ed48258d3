import { createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** HMAC-SHA256 as url-safe base64: the keyed hash used for API keys, admin tokens and contexts. */
export function keyedHash(secret: string | KeyObject, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

/** Compare two strings in time that depends only on their length, never on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Still spend a comparison so a length mismatch is not measurably faster.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** `n` random url-safe characters (base64url alphabet). */
export function randomUrlSafe(n: number): string {
  return randomBytes(Math.ceil((n * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, n);
}
