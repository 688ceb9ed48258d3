// Preloaded (node --import) before a published JavaScript sample: wraps the global fetch the
// sample calls to record each answer's status, method, URL and body in $PUBLISHED_PAGE_RECORD/requests.tsv.
import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const recordDir = process.env.PUBLISHED_PAGE_RECORD;
const realFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const bodyPath = join(recordDir, `body.${randomUUID()}`);
  writeFileSync(bodyPath, Buffer.from(await response.clone().arrayBuffer()));
  appendFileSync(join(recordDir, 'requests.tsv'), `${response.status}\t${method}\t${response.url}\t${bodyPath}\n`);
  return response;
};
