import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { renderText } from '@perceptiq/testkit/fixtures';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { enableClient } from '../support/api.js';
import { scannedPdf, upload, waitProcessed, waitStatus } from '../support/documents.js';

/**
 * A long scan does not hold other clients back: while one client's scanned PDF is being read,
 * another client's one-page upload is read in between its pages and is ready long before the scan.
 * One OCR worker, so the two really compete for it (with one worker per core, as by default, the
 * upload could slip onto a free core and prove nothing).
 */

const SCAN_PAGES = 16;

describe('a long scan and a one-page upload from another client', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('embedded', { env: { OCR_WORKERS: '1' } });
  }, 60_000);
  afterAll(() => stack?.stop());

  test('the upload is ready before the scan ends', async () => {
    const scanner = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
    const other = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
    const pages = Array.from({ length: SCAN_PAGES }, (_, i) => renderText(`Scanned page ${i + 1} of the long contract`).png);
    const scan = await upload(stack.restUrl, scanner.api_key, [{ name: 'long-scan.pdf', bytes: await scannedPdf(pages) }]);
    expect(scan.status).toBe(202);
    const scanId = scan.body.documents[0].doc_id as string;
    await waitStatus(stack.restUrl, scanner.api_key, scanId, (d) => d.stage === 'ocr' && d.pages_done >= 1, 120_000);

    const receipt = await upload(stack.restUrl, other.api_key, [{ name: 'receipt.png', bytes: renderText('TOTAL 42.00 EUR', { width: 1200, height: 800 }).png }]);
    expect(receipt.status).toBe(202);
    const receiptDone = await waitProcessed(stack.restUrl, other.api_key, receipt.body.documents[0].doc_id as string, 120_000);
    const scanThen = await waitStatus(stack.restUrl, scanner.api_key, scanId, () => true);
    expect(receiptDone).toMatchObject({ status: 'ready', pages_done: 1 });
    // The scan was still being read when the upload was ready: it was not made to wait for it.
    expect(scanThen.status).not.toBe('ready');
    expect(scanThen.pages_done).toBeLessThan(SCAN_PAGES);

    const scanDone = await waitProcessed(stack.restUrl, scanner.api_key, scanId, 240_000);
    expect(scanDone).toMatchObject({ status: 'ready', pages_done: SCAN_PAGES, pages_total: SCAN_PAGES });
  }, 300_000);
});
