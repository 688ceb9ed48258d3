import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from '@jest/globals';
import { renderText } from '@perceptiq/testkit/fixtures';
import { startTestStack, type TestStack } from '@perceptiq/testkit/stack';
import { call, enableClient } from '../support/api.js';
import { scannedPdf, upload, waitProcessed, waitStatus } from '../support/documents.js';

/**
 * No document is lost or stuck: a worker killed in the middle of a document (distributed, real
 * NATS JetStream) has its job redelivered, and an embedded stack restarted mid-processing picks
 * its queue back up from the store. Short ack waits keep the redelivery quick.
 */

const PAGES = ['Clause one renewal term', 'Clause two termination notice', 'Clause three governing law', 'Clause four fees and payment'];
const ENV = { OCR_WORKERS: '1', JOB_ACK_WAIT_MS: '3000' };

async function scan(): Promise<Buffer> {
  return scannedPdf(PAGES.map((text) => renderText(text).png));
}

/** Pages one ingest process has read through OCR since it started, from its `/metrics`. */
async function ocrPagesRead(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith('perceptiq_ingest_pages_total{source="ocr"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('durable processing', () => {
  const stacks: TestStack[] = [];
  afterAll(async () => {
    for (const s of stacks) await s.stop();
  });

  test('distributed: killing the ingest worker mid-document redelivers the job, which resumes where it stopped and reaches ready', async () => {
    const stack = await startTestStack('distributed', { env: ENV });
    stacks.push(stack);
    const client = await enableClient(stack, { tier: 'growth', rate_limit_rpm: 100_000 });
    const res = await upload(stack.restUrl, client.api_key, [{ name: 'scan.pdf', bytes: await scan() }]);
    expect(res.status).toBe(202);
    const docId = res.body.documents[0].doc_id as string;

    // In the middle of OCR: some pages done, not all.
    const before = await waitStatus(stack.restUrl, client.api_key, docId, (d) => d.stage === 'ocr' && d.pages_done >= 1 && d.pages_done < PAGES.length);
    await stack.kill!('ingest');
    await stack.revive!('ingest');

    const done = await waitProcessed(stack.restUrl, client.api_key, docId, 120_000);
    expect(done).toMatchObject({ status: 'ready', pages_done: PAGES.length, pages_total: PAGES.length });
    // The new process read only what was left: pages stored before the kill were not recognized again.
    const recognized = await ocrPagesRead(stack.metricsUrls.ingest);
    expect(recognized).toBeLessThanOrEqual(PAGES.length - before.pages_done);
    const doc = await call(stack.restUrl, 'GET', `/v1/documents/${docId}?words=false`, { key: client.api_key });
    expect(doc.body.page_count).toBe(PAGES.length);
    for (const text of PAGES) expect(doc.body.text).toContain(text);
  }, 180_000);

  test('embedded: a restart mid-processing ends with every document ready', async () => {
    const first = await startTestStack('embedded', { env: ENV, keepData: true });
    const dataDir = first.dataDir;
    try {
      const client = await enableClient(first, { tier: 'growth', rate_limit_rpm: 100_000 });
      const bytes = await scan();
      const ids: string[] = [];
      // Three documents (distinct bytes), so some are still queued when the stack stops.
      for (let i = 0; i < 3; i++) {
        const res = await upload(first.restUrl, client.api_key, [{ name: `scan-${i}.pdf`, bytes: Buffer.concat([bytes, Buffer.from(`\n%${i}\n`)]) }]);
        expect(res.status).toBe(202);
        ids.push(res.body.documents[0].doc_id);
      }
      await waitStatus(first.restUrl, client.api_key, ids[0]!, (d) => d.stage === 'ocr');
      await first.stop();

      // Same data dir: same keys (secrets kept there), same store, same queue.
      const second = await startTestStack('embedded', { env: ENV, dataDir });
      stacks.push(second);
      for (const id of ids) {
        const done = await waitProcessed(second.restUrl, client.api_key, id, 120_000);
        expect({ id, status: done.status, pages: done.pages_done }).toEqual({ id, status: 'ready', pages: PAGES.length });
      }
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }, 240_000);
});
