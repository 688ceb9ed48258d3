import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { cer, encryptedPdf, makeBmp, pngDeclaring, renderText } from '@perceptiq/testkit/fixtures';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient, type EnabledClient } from '../support/api.js';
import { elfExecutable, textPdf, tinyDocx, upload, waitProcessed } from '../support/documents.js';

/**
 * Documents end to end: every accepted format from upload to `ready` with the right pages and
 * text, duplicates, merge=false and restore, tenancy, and bad input that must never break the
 * service or lose data. Runs embedded and distributed (ingest in its own process over NATS).
 */

const PARAGRAPH = 'Renewal term twelve months notice period thirty days';

describe.each(['embedded', 'distributed'] as const)('%s', (mode) => {
  let stack: TestStack;
  let a: EnabledClient;
  let b: EnabledClient;

  beforeAll(async () => {
    stack = await startTestStack(mode, { env: { OCR_WORKERS: '1' } });
    a = await enableClient(stack, { tier: 'business', rate_limit_rpm: 100_000 });
    b = await enableClient(stack, { tier: 'business', rate_limit_rpm: 100_000 });
  }, 60_000);
  afterAll(() => stack?.stop());

  const get = (key: string, path: string) => call(stack.restUrl, 'GET', path, { key });

  async function uploadOne(name: string, bytes: Buffer, key = a.api_key) {
    const res = await upload(stack.restUrl, key, [{ name, bytes }]);
    expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 202, error: undefined });
    expect(res.body.documents[0]).toMatchObject({ filename: name, status: 'queued', doc_id: expect.stringMatching(/^doc_/) });
    return res.body.documents[0].doc_id as string;
  }

  test('every format reaches ready with the right pages and text', async () => {
    const image = renderText(PARAGRAPH);
    const rgb = sharp(image.png).flatten({ background: '#ffffff' });
    const tiffPages = await Promise.all([renderText('First page of the scan'), renderText('Second page of the scan')].map((i) => sharp(i.png).png().toBuffer()));
    const files: Array<[string, Buffer | Promise<Buffer>, number, RegExp]> = [
      ['contract.pdf', textPdf([['Master Services Agreement', 'Renewal: twelve months'], ['Termination: thirty days notice']]), 2, /Renewal: twelve months[\s\S]*Termination: thirty days notice/],
      ['notes.txt', Buffer.from('Plain text notes\nsecond line'), 1, /Plain text notes/],
      ['readme.md', Buffer.from('# Heading\n\nSome *markdown* body'), 1, /Heading/],
      ['page.html', Buffer.from('<!doctype html><html><body><h1>Invoice 42</h1><script>x()</script><p>Total &amp; tax</p></body></html>'), 1, /Invoice 42[\s\S]*Total & tax/],
      ['table.csv', Buffer.from('item,amount\nwidget,12.50\n'), 1, /widget[\s\S]*12\.50/],
      ['letter.docx', tinyDocx(['Dear partner,', 'The renewal term is twelve months.']), 1, /renewal term is twelve months/],
      ['scan.png', Promise.resolve(image.png), 1, /Renewal/],
      ['scan.jpg', rgb.clone().jpeg({ quality: 92 }).toBuffer(), 1, /Renewal/],
      ['scan.webp', rgb.clone().webp({ lossless: true }).toBuffer(), 1, /Renewal/],
      ['scan.gif', rgb.clone().gif().toBuffer(), 1, /Renewal/],
      ['scan.tiff', sharp(tiffPages, { join: { animated: true } }).tiff().toBuffer().catch(() => sharp(tiffPages[0]).tiff().toBuffer()), 0, /First page/],
    ];
    // BMP: sharp writes none, so the rendered page's pixels go into a hand-made 24-bit BMP.
    const small = renderText('Bitmap scan of the fee schedule', { width: 1275, height: 400, fontSize: 40, margin: 60 });
    const raw = await sharp(small.png).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rgb24: [number, number, number][] = [];
    for (let i = 0; i < raw.data.length; i += 3) rgb24.push([raw.data[i]!, raw.data[i + 1]!, raw.data[i + 2]!]);
    files.push(['scan.bmp', makeBmp(raw.info.width, raw.info.height, rgb24, 24), 1, /fee schedule/]);
    const ids: string[] = [];
    for (const [name, bytes] of files) ids.push(await uploadOne(name, await bytes));
    for (const [i, id] of ids.entries()) {
      const [name, , pages, text] = files[i]!;
      const status = await waitProcessed(stack.restUrl, a.api_key, id);
      expect({ name, status: status.status, error: status.error }).toEqual({ name, status: 'ready', error: null });
      const doc = await get(a.api_key, `/v1/documents/${id}`);
      expect(doc.status).toBe(200);
      if (pages) expect({ name, page_count: doc.body.page_count }).toEqual({ name, page_count: pages });
      expect(doc.body.pages).toHaveLength(doc.body.page_count);
      expect(doc.body.text).toMatch(text);
    }
    // OCR quality end to end on the PNG, and boxes normalized to the page.
    const png = await get(a.api_key, `/v1/documents/${ids[6]}`);
    expect(png.body.pages[0].source).toBe('ocr');
    expect(cer(PARAGRAPH, png.body.text)).toBeLessThanOrEqual(0.02);
    for (const w of png.body.pages[0].words) for (const v of w.bbox) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
    // Text-layer words: "Master" drawn at x = 72 pt on a 612 pt page.
    const pdf = await get(a.api_key, `/v1/documents/${ids[0]}`);
    expect(pdf.body.pages[0].source).toBe('text-layer');
    const master = pdf.body.pages[0].words.find((w: { text: string }) => w.text === 'Master');
    expect(Math.abs(master.bbox[0] - 72 / 612)).toBeLessThan(0.01);
    // words=false leaves the words out.
    const bare = await get(a.api_key, `/v1/documents/${ids[0]}?words=false`);
    expect(bare.body.pages[0].words).toBeUndefined();
  }, 180_000);

  test('the same bytes again are a duplicate, not processed twice', async () => {
    const bytes = Buffer.from(`duplicate check ${mode}`);
    const first = await uploadOne('dup.txt', bytes);
    const again = await upload(stack.restUrl, a.api_key, [{ name: 'copy.txt', bytes }]);
    expect(again.status).toBe(202);
    expect(again.body.documents[0]).toMatchObject({ status: 'duplicate', duplicate_of: first, doc_id: first });
    // Another client's identical bytes are its own document.
    const other = await upload(stack.restUrl, b.api_key, [{ name: 'dup.txt', bytes }]);
    expect(other.body.documents[0]).toMatchObject({ status: 'queued' });
  });

  test('merge=false archives the active set (never deletes it); restore brings one back', async () => {
    const c = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
    const old = await uploadOne('old.txt', Buffer.from('old contract'), c.api_key);
    await waitProcessed(stack.restUrl, c.api_key, old);
    const replaced = await upload(stack.restUrl, c.api_key, [{ name: 'new.txt', bytes: Buffer.from('new contract') }], false);
    expect(replaced.status).toBe(202);
    const active = await get(c.api_key, '/v1/documents');
    expect(active.body.documents.map((d: { filename: string }) => d.filename)).toEqual(['new.txt']);
    const all = await get(c.api_key, '/v1/documents?include_archived=true');
    expect(all.body.documents.find((d: { doc_id: string }) => d.doc_id === old)).toMatchObject({ archived: true });
    expect((await get(c.api_key, `/v1/documents/${old}`)).status).toBe(200); // still addressable
    const restored = await call(stack.restUrl, 'POST', `/v1/documents/${old}/restore`, { key: c.api_key });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ doc_id: old, archived: false });
    expect((await get(c.api_key, '/v1/documents')).body.documents).toHaveLength(2);
  });

  test("another client's document ids are 404 on every document call", async () => {
    const id = await uploadOne('private.txt', Buffer.from(`private ${mode}`));
    await waitProcessed(stack.restUrl, a.api_key, id);
    for (const [method, path] of [
      ['GET', `/v1/documents/${id}`],
      ['DELETE', `/v1/documents/${id}`],
      ['POST', `/v1/documents/${id}/restore`],
      ['POST', `/v1/documents/${id}/retry`],
      ['GET', `/v1/status?docId=${id}`],
    ] as const) {
      const res = await call(stack.restUrl, method, path, { key: b.api_key });
      if (path.startsWith('/v1/status')) expect(res.body.documents).toEqual([]);
      else expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    expect((await get(a.api_key, `/v1/documents/${id}`)).status).toBe(200); // untouched
  });

  test('bad input gets a clear answer and never breaks the service or loses data', async () => {
    const keep = await uploadOne('keep.txt', Buffer.from(`keep me ${mode}`));
    const refused = async (files: Array<{ name: string; bytes: Buffer }>, status: number, code: string) => {
      const res = await upload(stack.restUrl, a.api_key, files);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(res.body.error.message).toEqual(expect.any(String));
    };
    await refused([{ name: 'empty.pdf', bytes: Buffer.alloc(0) }], 400, 'invalid_request');
    await refused([{ name: 'random.pdf', bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) }], 415, 'unsupported_media_type');
    await refused([{ name: 'tool.exe', bytes: elfExecutable() }], 415, 'unsupported_media_type');
    await refused([{ name: 'huge.txt', bytes: Buffer.alloc(60 * 1024 * 1024, 0x61) }], 413, 'payload_too_large');
    await refused(Array.from({ length: 21 }, (_, i) => ({ name: `f${i}.txt`, bytes: Buffer.from(`file ${i} ${mode}`) })), 400, 'invalid_request');

    // One bad file among good ones: the others proceed.
    const mixed = await upload(stack.restUrl, a.api_key, [
      { name: 'good.txt', bytes: Buffer.from(`good one ${mode}`) },
      { name: 'bad.exe', bytes: elfExecutable() },
    ]);
    expect(mixed.status).toBe(202);
    expect(mixed.body.documents.map((d: { status: string }) => d.status)).toEqual(['queued', 'rejected']);
    expect(mixed.body.documents[1].error).toMatchObject({ code: 'unsupported_media_type' });

    // Problems found while processing: the document fails with a readable reason.
    const pdf = await textPdf([['Truncated document body']]);
    const failures: Array<[string, Buffer, RegExp]> = [
      ['truncated.pdf', pdf.subarray(0, Math.floor(pdf.length / 2)), /truncated|corrupt|damaged/i],
      ['giant.png', pngDeclaring(30_000, 30_000), /megapixel|pixels/i],
      ['locked.pdf', encryptedPdf(), /encrypted/i],
    ];
    for (const [name, bytes, reason] of failures) {
      const id = await uploadOne(name, bytes);
      const status = await waitProcessed(stack.restUrl, a.api_key, id);
      expect({ name, status: status.status }).toEqual({ name, status: 'failed' });
      expect(status.error).toMatch(reason);
      // A failed document can be retried; it fails again for the same reason.
      const retried = await call(stack.restUrl, 'POST', `/v1/documents/${id}/retry`, { key: a.api_key });
      expect(retried.status).toBe(202);
      expect((await waitProcessed(stack.restUrl, a.api_key, id)).status).toBe('failed');
    }
    // A ready document cannot be retried.
    await waitProcessed(stack.restUrl, a.api_key, keep);
    expect((await call(stack.restUrl, 'POST', `/v1/documents/${keep}/retry`, { key: a.api_key })).status).toBe(409);

    // The service still serves, and nothing stored was lost.
    expect((await get(a.api_key, `/v1/documents/${keep}`)).body).toMatchObject({ status: 'ready', text: `keep me ${mode}` });
    expect((await get(a.api_key, '/v1/me')).status).toBe(200);
  }, 120_000);

  test('GraphQL takes small files by value, under the same scopes', async () => {
    const query = 'mutation Up($files: [FileUpload!]!) { uploadDocuments(files: $files) { batchId documents { docId status } } }';
    const variables = { files: [{ filename: 'inline.txt', contentBase64: Buffer.from(`inline ${mode}`).toString('base64') }] };
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.api_key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: { uploadDocuments: { documents: Array<{ docId: string; status: string }> } } };
    expect(body.data.uploadDocuments.documents[0]!.status).toBe('queued');
    const id = body.data.uploadDocuments.documents[0]!.docId;
    expect((await waitProcessed(stack.restUrl, a.api_key, id)).status).toBe('ready');
    const starter = await enableClient(stack, { tier: 'starter', rate_limit_rpm: 1000 });
    const refused = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${starter.api_key}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(refused.status).toBe(403);
  });

  test('status reports the queue and each document, and delete removes a document everywhere', async () => {
    const id = await uploadOne('short.txt', Buffer.from(`delete me ${mode}`));
    await waitProcessed(stack.restUrl, a.api_key, id);
    const status = await get(a.api_key, '/v1/status');
    expect(status.status).toBe(200);
    expect(status.body.queue).toEqual({ queued: expect.any(Number), processing: expect.any(Number), ready: expect.any(Number), failed: expect.any(Number) });
    expect(status.body.documents.find((d: { doc_id: string }) => d.doc_id === id)).toMatchObject({ status: 'ready', stage: 'ready', progress: 1, pages_done: 1, pages_total: 1 });
    const deleted = await call(stack.restUrl, 'DELETE', `/v1/documents/${id}`, { key: a.api_key });
    expect(deleted).toMatchObject({ status: 200, body: { doc_id: id, deleted: true } });
    expect((await get(a.api_key, `/v1/documents/${id}`)).status).toBe(404);
    // The same bytes can be uploaded again as a new document.
    expect((await upload(stack.restUrl, a.api_key, [{ name: 'short.txt', bytes: Buffer.from(`delete me ${mode}`) }])).body.documents[0].status).toBe('queued');
  });
});
