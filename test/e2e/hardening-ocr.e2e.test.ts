import { describe, expect, test } from '@jest/globals';
import { PDFDocument } from 'pdf-lib';
import { renderText } from '@perceptiq/testkit/fixtures';
import { call, pollUntil } from '../support/api.js';
import { scannedPdf, upload, waitProcessed } from '../support/documents.js';
import { liveStackPerSuite } from '../support/live-suite.js';

/**
 * OCR cost amplification, reproduced against the stack as `npm start` runs it (its own process,
 * NODE_ENV unset): a few kilobytes of PDF declaring ten blank 200 × 200-inch pages once took a
 * minute of OCR. Now pages are rendered within 20 × 20 inches worth of pixels, and blank pages
 * are stored empty without being recognized.
 */

const INCH = 72;
const FINAL = ['ready', 'failed'];

/** Ten blank pages of 200 × 200 inches: under a kilobyte, 100 megapixels a page at 300 DPI before the cap. */
async function hugeBlankPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < 10; i++) pdf.addPage([200 * INCH, 200 * INCH]);
  return Buffer.from(await pdf.save());
}

describe('OCR budgets, as npm start runs it', () => {
  const live = liveStackPerSuite();

  test('ten blank 200 × 200-inch pages are ready within 15 s, as ten empty pages, and /v1/me answers meanwhile', async () => {
    const uploaded = await upload(live.stack.restUrl, live.client.api_key, [{ name: 'huge-blank.pdf', bytes: await hugeBlankPdf(), type: 'application/pdf' }]);
    expect(uploaded.status).toBe(202);
    const docId = uploaded.body.documents[0].doc_id as string;
    const since = Date.now();

    const meStatuses: number[] = [];
    const status = await pollUntil(
      async () => {
        meStatuses.push((await call(live.stack.restUrl, 'GET', '/v1/me', { key: live.client.api_key })).status);
        const res = await call(live.stack.restUrl, 'GET', `/v1/status?docId=${docId}`, { key: live.client.api_key });
        if (res.status !== 200) throw new Error(`status answered ${res.status}: ${res.text}`);
        return res.body.documents[0];
      },
      (doc) => FINAL.includes(doc.status),
      15_000,
      // Two calls a poll stay well under the growth tier's 180 a minute.
      500,
    );
    const elapsed = Date.now() - since;
    expect({ status: status.status, error: status.error }).toEqual({ status: 'ready', error: null });
    expect(elapsed).toBeLessThan(15_000);
    expect(meStatuses.length).toBeGreaterThan(0);
    expect(meStatuses.every((s) => s === 200)).toBe(true);

    const doc = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}?words=true`, { key: live.client.api_key });
    expect(doc.status).toBe(200);
    expect(doc.body.page_count).toBe(10);
    for (const page of doc.body.pages) {
      expect(page).toMatchObject({ text: '', source: 'ocr', low_quality: true, width: 6000, height: 6000, words: [] });
    }
    expect(live.stack.alive()).toBe(true);
  }, 60_000);
});

describe('OCR budget settings, as npm start reads them', () => {
  const live = liveStackPerSuite({ OCR_PAGE_BUDGET_MS: '1', OCR_MAX_PAGE_INCHES: '10' });

  const uploadOne = async (name: string, bytes: Buffer) => {
    const res = await upload(live.stack.restUrl, live.client.api_key, [{ name, bytes, type: 'application/pdf' }]);
    expect(res.status).toBe(202);
    return res.body.documents[0].doc_id as string;
  };

  test('OCR_MAX_PAGE_INCHES: a 200-inch page gets the pixels of 10 × 10 inches', async () => {
    const docId = await uploadOne('huge-blank.pdf', await hugeBlankPdf());
    expect(await waitProcessed(live.stack.restUrl, live.client.api_key, docId, 15_000)).toMatchObject({ status: 'ready' });
    const doc = await call(live.stack.restUrl, 'GET', `/v1/documents/${docId}?words=false`, { key: live.client.api_key });
    expect(doc.body.pages[0]).toMatchObject({ width: 3000, height: 3000 });
  }, 30_000);

  test('OCR_PAGE_BUDGET_MS: a scan over its budget fails with the reason', async () => {
    const docId = await uploadOne('scan.pdf', await scannedPdf([renderText('Budgeted page of text').png]));
    const doc = await waitProcessed(live.stack.restUrl, live.client.api_key, docId, 30_000);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/^OCR was stopped at page 1 of 1: reading the document took longer than the 0\.001 s it is allowed/);
  }, 60_000);
});
