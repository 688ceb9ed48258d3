/** Id prefixes from API.md: every id says what it names. */
export const ID_PREFIX = {
  client: 'cli_',
  accessRequest: 'req_',
  document: 'doc_',
  batch: 'bat_',
  template: 'tpl_',
  job: 'job_',
  audit: 'aud_',
  question: 'qst_',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

export const API_KEY_PREFIX = 'pa_live_';
/** Random url-safe characters after `pa_live_` (API.md requires at least 32). */
export const API_KEY_RANDOM_CHARS = 40;
/** `key_prefix` is the key's first 12 characters: enough to recognise it, useless to an attacker. */
export const KEY_PREFIX_LENGTH = 12;
