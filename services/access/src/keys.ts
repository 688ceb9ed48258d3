import { API_KEY_PREFIX, API_KEY_RANDOM_CHARS, KEY_PREFIX_LENGTH } from '@perceptiq/contracts';
import { keyedHash, randomUrlSafe } from '@perceptiq/platform';

/** A freshly issued key: the key itself leaves the service once, in the enable/rotate response. */
export interface IssuedKey {
  key: string;
  /** The first characters, safe to show in lists and logs. */
  prefix: string;
  /** The keyed hash: the only form that is stored, and what the edge sends to authorize a call. */
  hash: string;
}

export function issueKey(keySecret: string): IssuedKey {
  const key = API_KEY_PREFIX + randomUrlSafe(API_KEY_RANDOM_CHARS);
  return { key, prefix: key.slice(0, KEY_PREFIX_LENGTH), hash: keyedHash(keySecret, key) };
}
