import { randomBytes } from 'node:crypto';
import { ID_PREFIX, type IdKind } from '@perceptiq/contracts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new id such as `cli_abc123def456`: prefix + random lowercase alphanumerics (rejection-sampled, unbiased). */
export function newId(kind: IdKind, length = 16): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return ID_PREFIX[kind] + out;
}
