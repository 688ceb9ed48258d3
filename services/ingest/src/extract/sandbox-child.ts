import { readFile } from 'node:fs/promises';
import { extractDocument } from './document.js';
import type { FromSandbox, SandboxInput, ToSandbox } from './sandbox.js';
import { ExtractionError } from './types.js';

/**
 * The sandbox process started by sandbox.ts for one document: reads it with extractDocument and
 * sends its pages one at a time, each once the parent asks for the next. Any failure becomes the
 * document's reason: parsing bytes already in memory has nothing transient worth retrying.
 */
const send = (message: FromSandbox) => process.send!(message);
let asked: (() => void) | undefined;

/** The input's bytes; undefined once `unreadable` has been sent. */
async function bytesOf(input: SandboxInput): Promise<Uint8Array | undefined> {
  if ('bytes' in input) return input.bytes;
  try {
    return await readFile(input.file);
  } catch (e) {
    // Only the code: the message names a path of the server's, which is nobody's business downstream.
    send({ kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
    return undefined;
  }
}

async function read({ input, type, limits }: Extract<ToSandbox, { kind: 'start' }>): Promise<void> {
  const bytes = await bytesOf(input);
  if (!bytes) return;
  try {
    for await (const page of extractDocument(bytes, type, { ...limits, onPageCount: (pages) => send({ kind: 'pageCount', pages }) })) {
      const next = new Promise<void>((resolve) => (asked = resolve));
      send({ kind: 'page', page });
      await next;
    }
    send({ kind: 'done' });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    send({ kind: 'error', message: e instanceof ExtractionError ? reason : `The file could not be read: ${reason.replace(/\.$/, '')}.` });
  }
}

process.on('message', (message: ToSandbox) => {
  if (message.kind === 'start') void read(message);
  else asked?.();
});
// The parent is gone: nobody will take the pages.
process.on('disconnect', () => process.exit(1));
