import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetDocumentPages, RecognizeImage, type RequestContract } from '@perceptiq/contracts';
import { AppError, openStore, type Bus, type Store } from '@perceptiq/platform';
import { ClientTemplates, MAX_CLIENT_TEMPLATES } from '../../src/client-templates.js';
import { DocumentExtractions, type StoredExtraction } from '../../src/document-extractions.js';
import { DocumentInput } from '../../src/document-input.js';
import type { TemplateSpec } from '../../src/engine/types.js';

/**
 * The templates service's own stores on the real embedded store (a temp dir), and how payloads,
 * samples and stored documents become what the engine reads, with a small fake of the bus's
 * request side standing in for ingest.
 */

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'templates-test-'));
  store = await openStore({ dataDir: dir, service: 'templates' });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const spec = (id: string): TemplateSpec => ({ template_id: id, name: `T ${id}`, doc_type: 'note', builtin: false, anchors: [], fields: [] });

describe('ClientTemplates', () => {
  test("each client sees, and can delete, only its own templates", async () => {
    const own = new ClientTemplates(store);
    await own.init();
    await own.add('cli_a', spec('tpl_a1'), '2026-01-01T00:00:00.000Z');
    await own.add('cli_a', spec('tpl_a2'), '2026-01-02T00:00:00.000Z');
    await own.add('cli_b', spec('tpl_b1'), '2026-01-01T00:00:00.000Z');
    expect((await own.list('cli_a')).map((t) => t.spec.template_id)).toEqual(['tpl_a1', 'tpl_a2']);
    expect((await own.list('cli_b')).map((t) => t.spec.template_id)).toEqual(['tpl_b1']);
    expect(await own.remove('cli_b', 'tpl_a1')).toBe(false);
    expect((await own.list('cli_a')).map((t) => t.spec.template_id)).toEqual(['tpl_a1', 'tpl_a2']);
    expect(await own.remove('cli_a', 'tpl_a1')).toBe(true);
    expect((await own.list('cli_a')).map((t) => t.spec.template_id)).toEqual(['tpl_a2']);
  });

  test('a client can keep a bounded number of templates', async () => {
    const own = new ClientTemplates(store);
    for (let i = 0; i < MAX_CLIENT_TEMPLATES; i++) await own.add('cli_a', spec(`tpl_${i}`), '2026-01-01T00:00:00.000Z');
    await expect(own.add('cli_a', spec('tpl_over'), '2026-01-01T00:00:00.000Z')).rejects.toMatchObject({ code: 'conflict' });
    await own.add('cli_b', spec('tpl_other'), '2026-01-01T00:00:00.000Z');
  }, 30_000);
});

describe('DocumentExtractions', () => {
  const row = (client: string, doc: string, docType: string | null): StoredExtraction => ({
    _id: doc, client_id: client, doc_type: docType, template_id: 'tpl_builtin_invoice', template_name: 'Invoice', score: 0.9,
    fields: {}, key_values: [], extracted_at: '2026-01-01T00:00:00.000Z',
  });

  test('types are per client, and a removed document has none', async () => {
    const rows = new DocumentExtractions(store);
    await rows.init();
    await rows.put(row('cli_a', 'doc_1', 'invoice'));
    await rows.put(row('cli_a', 'doc_2', 'receipt'));
    await rows.put(row('cli_b', 'doc_3', 'contract'));
    expect(await rows.types('cli_a')).toEqual({ doc_1: 'invoice', doc_2: 'receipt' });
    expect(await rows.types('cli_a', ['doc_2', 'doc_3'])).toEqual({ doc_2: 'receipt' });
    expect(await rows.some('cli_b', ['doc_1', 'doc_3'])).toEqual(new Map([['doc_3', expect.objectContaining({ doc_type: 'contract' })]]));
    await rows.put({ ...row('cli_a', 'doc_1', 'invoice'), score: 0.95 });
    expect((await rows.some('cli_a', ['doc_1'])).get('doc_1')?.score).toBe(0.95);
    await rows.remove('cli_a', 'doc_1');
    expect(await rows.types('cli_a')).toEqual({ doc_2: 'receipt' });
  });
});

/** Answers requests as ingest would, recording them. */
function fakeIngest(answer: (subject: string, data: Record<string, unknown>) => unknown) {
  const requests: Array<{ subject: string; data: Record<string, unknown> }> = [];
  const bus: Pick<Bus, 'request'> = {
    request: (async (contract: RequestContract, data: Record<string, unknown>) => {
      requests.push({ subject: contract.subject, data });
      return answer(contract.subject, data);
    }) as Bus['request'],
  };
  return { bus, requests };
}

describe('DocumentInput', () => {
  test('tokens in other conventions are normalized; images are ignored with a warning when tokens are given', async () => {
    const { bus, requests } = fakeIngest(() => { throw new Error('not called'); });
    const { input, warnings } = await new DocumentInput(bus).fromPayload('cli_a', {
      ocr_tokens: [{ text: 'Total:', page: 1, bbox: [100, 200, 50, 10] }, { text: '$4.00', page: 1, boundingBox: { Left: 0.2, Top: 0.2, Width: 0.05, Height: 0.01 } }],
      document_text: 'ignored', document_images: ['aGVsbG8='], page_size: { width: 1000, height: 1000 },
    });
    expect(input.tokens).toEqual([{ text: 'Total:', page: 1, bbox: [0.1, 0.2, 0.05, 0.01] }, { text: '$4.00', page: 1, bbox: [0.2, 0.2, 0.05, 0.01] }]);
    expect(warnings).toEqual(['document_images: ignored, ocr_tokens were given']);
    expect(requests).toEqual([]);
  });

  test('images are read by ingest, one page each, base64 taken out of data URLs', async () => {
    const { bus, requests } = fakeIngest((_, data) => ({ width: 100, height: 50, confidence: 0.9, words: [{ text: `w-${String(data.image_base64)}`, bbox: [0.1, 0.2, 0.3, 0.1], confidence: 0.9 }] }));
    const { input } = await new DocumentInput(bus).fromPayload('cli_a', { ocr_tokens: [], document_text: '', document_images: ['data:image/png;base64,QUJD', 'REVG\n'] });
    expect(requests.map((r) => [r.subject, r.data])).toEqual([
      [RecognizeImage.subject, { client_id: 'cli_a', image_base64: 'QUJD' }],
      [RecognizeImage.subject, { client_id: 'cli_a', image_base64: 'REVG' }],
    ]);
    expect(input.tokens).toEqual([{ text: 'w-QUJD', page: 1, bbox: [0.1, 0.2, 0.3, 0.1] }, { text: 'w-REVG', page: 2, bbox: [0.1, 0.2, 0.3, 0.1] }]);
  });

  test("an image ingest cannot read is the caller's mistake, named by its index", async () => {
    const { bus } = fakeIngest(() => { throw new AppError('invalid_request', 'The image is not a PNG.'); });
    await expect(new DocumentInput(bus).fromPayload('cli_a', { ocr_tokens: [], document_text: '', document_images: ['a', 'b'] })).rejects.toMatchObject({
      code: 'invalid_request', details: { field: 'document_images.0' },
    });
  });

  test('a stored document is read 8 pages at a time, its words as tokens, up to the page cap', async () => {
    const { bus, requests } = fakeIngest((_, data) => {
      const from = data.from_page as number;
      const pages = Array.from({ length: Math.max(0, Math.min(8, 60 - from + 1)) }, (_, i) => ({
        page: from + i, text: `p${from + i}`, source: 'text-layer', confidence: 1, width: 1, height: 1,
        words: [{ text: ` p${from + i} `, bbox: [0.1, 0.1, 0.1, 0.1], confidence: 1 }],
      }));
      return { doc_id: 'doc_1', filename: 'x.pdf', page_count: 60, pages };
    });
    const { input, warnings } = await new DocumentInput(bus).fromDocument('cli_a', 'doc_1');
    expect(requests.every((r) => r.subject === GetDocumentPages.subject && r.data.client_id === 'cli_a' && r.data.words === true)).toBe(true);
    expect(requests.map((r) => r.data.from_page)).toEqual([1, 9, 17, 25, 33, 41, 49]);
    expect(input.tokens).toHaveLength(50);
    expect(input.tokens[0]).toEqual({ text: 'p1', page: 1, bbox: [0.1, 0.1, 0.1, 0.1] });
    expect(input.tokens.at(-1)!.page).toBe(50);
    expect(warnings).toEqual(['only the first 50 of 60 pages were read']);
  });
});
