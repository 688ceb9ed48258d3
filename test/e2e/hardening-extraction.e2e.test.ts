import { describe, expect, test } from '@jest/globals';
import { docxBomb, lyingDocx } from '@perceptiq/testkit/fixtures';
import { sandboxProcesses } from '@perceptiq/testkit/processes';
import { call } from '../support/api.js';
import { textPdf, tinyDocx, upload, waitProcessed } from '../support/documents.js';
import { liveStackPerSuite } from '../support/live-suite.js';

/**
 * The review's finding on DOCX extraction, reproduced against the stack as `npm start` runs it
 * (its own process, NODE_ENV unset): XML bombs and a zip that lies about its sizes, uploaded by a
 * partner, must fail with a reason while the API keeps answering and memory stays bounded.
 */

const MiB = 2 ** 20;
const GB = 2 ** 30;
const XML_LIMIT = 'The DOCX expands to more than 32 MB of XML; the limit is 32 MB.';
const OUT_OF_MEMORY = 'Reading the document needed more than 512 MB of memory; it was stopped.';

interface Watch {
  /** Slowest `GET /v1/me` while the work ran. */
  slowestMeMs: number;
  /** Most resident memory seen: the stack's process and its sandboxes together. */
  peakTotalRssBytes: number;
  /** The documents as they ended (status, error). */
  documents: Record<string, Record<string, any>>;
}

describe('parser-heavy extraction, as npm start runs it', () => {
  // Polling /v1/me ten times a second for a minute is beyond a growth plan's 180 a minute.
  const live = liveStackPerSuite({}, { tier: 'growth', rate_limit_rpm: 100_000 });
  /** The stack and its extraction sandboxes, resident now. */
  const totalRss = () => live.stack.rssBytes() + sandboxProcesses(live.stack.pid).reduce((sum, p) => sum + p.rssBytes, 0);

  /** Upload `files`, then call `GET /v1/me` and sample memory until every document has ended. */
  async function uploadAndWatch(files: Array<{ name: string; bytes: Buffer }>, timeoutMs: number): Promise<Watch> {
    const res = await upload(live.stack.restUrl, live.client.api_key, files);
    expect(res.status).toBe(202);
    const ids: string[] = res.body.documents.map((d: { doc_id: string }) => d.doc_id);
    const watch: Watch = { slowestMeMs: 0, peakTotalRssBytes: totalRss(), documents: {} };
    const sampler = setInterval(() => (watch.peakTotalRssBytes = Math.max(watch.peakTotalRssBytes, totalRss())), 50);
    const deadline = Date.now() + timeoutMs;
    try {
      while (Object.keys(watch.documents).length < ids.length) {
        if (Date.now() > deadline) throw new Error(`still processing after ${timeoutMs} ms: ${JSON.stringify(watch.documents)}`);
        const started = Date.now();
        const me = await call(live.stack.restUrl, 'GET', '/v1/me', { key: live.client.api_key });
        expect(me.status).toBe(200);
        watch.slowestMeMs = Math.max(watch.slowestMeMs, Date.now() - started);
        for (const id of ids) {
          const status = await call(live.stack.restUrl, 'GET', `/v1/status?docId=${id}`, { key: live.client.api_key });
          const doc = status.body.documents?.[0];
          if (doc?.status === 'ready' || doc?.status === 'failed') watch.documents[files[ids.indexOf(id)]!.name] = doc;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clearInterval(sampler);
    }
    return watch;
  }

  /** `perceptiq_ingest_extraction_stops_total{reason}` from the stack's /metrics. */
  async function sandboxStops(reason: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${live.stack.metricsPort}/metrics`)).text();
    return Number(new RegExp(`^perceptiq_ingest_extraction_stops_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  }

  test('DOCX bombs fail with a reason, once, while /v1/me answers within 1 s and memory stays under 1.5 GB', async () => {
    const files = [
      { name: 'bomb-30mb.docx', bytes: docxBomb(30 * MiB) }, // under the XML limit: parsed until the memory cap stops it
      { name: 'bomb-40mb.docx', bytes: docxBomb(40 * MiB) },
      { name: 'bomb-60mb.docx', bytes: docxBomb(60 * MiB) },
    ];
    for (const f of files) expect(f.bytes.length).toBeLessThan(200_000);
    const started = Date.now();
    const watch = await uploadAndWatch(files, 120_000);
    const elapsedMs = Date.now() - started;

    expect(Object.fromEntries(Object.entries(watch.documents).map(([name, d]) => [name, [d.status, d.error]]))).toEqual({
      'bomb-30mb.docx': ['failed', OUT_OF_MEMORY],
      'bomb-40mb.docx': ['failed', XML_LIMIT],
      'bomb-60mb.docx': ['failed', XML_LIMIT],
    });
    expect(watch.slowestMeMs).toBeLessThan(1_000);
    expect(live.stack.peakRssBytes()).toBeLessThan(1.5 * GB);
    expect(watch.peakTotalRssBytes).toBeLessThan(1.5 * GB);
    expect(live.stack.alive()).toBe(true);

    // Not retried into the same crash: one sandbox ran out of memory, once; no delivery was retried.
    expect(await sandboxStops('memory')).toBe(1);
    expect(live.stack.output()).not.toMatch(/will retry|given up/);
    expect(sandboxProcesses(live.stack.pid)).toEqual([]);
    console.log(
      `DOCX bombs: failed in ${elapsedMs} ms; slowest /v1/me ${watch.slowestMeMs} ms; peak RSS stack ${Math.round(live.stack.peakRssBytes() / MiB)} MB, ` +
        `stack + sandboxes ${Math.round(watch.peakTotalRssBytes / MiB)} MB`,
    );
  }, 180_000);

  test('the lying zip (declares 1,000 bytes, inflates to 300 MB) fails within 10 s, growing memory by less than 200 MB', async () => {
    const before = totalRss();
    const started = Date.now();
    const watch = await uploadAndWatch([{ name: 'lying.docx', bytes: lyingDocx() }], 10_000);
    const elapsedMs = Date.now() - started;
    expect(watch.documents['lying.docx']).toMatchObject({ status: 'failed', error: XML_LIMIT });
    expect(elapsedMs).toBeLessThan(10_000);
    expect(watch.peakTotalRssBytes - before).toBeLessThan(200 * MiB);
    expect(watch.slowestMeMs).toBeLessThan(1_000);
    expect(live.stack.alive()).toBe(true);
    console.log(`lying zip: failed in ${elapsedMs} ms; RSS growth (stack + sandbox) ${Math.round((watch.peakTotalRssBytes - before) / MiB)} MB`);
  }, 30_000);

  test('after the bombs, a normal DOCX and PDF become ready', async () => {
    const res = await upload(live.stack.restUrl, live.client.api_key, [
      { name: 'offer.docx', bytes: await tinyDocx(['Offer letter', 'Salary: 50,000 EUR']) },
      { name: 'msa.pdf', bytes: await textPdf([['Master services agreement']]) },
    ]);
    expect(res.status).toBe(202);
    for (const { doc_id } of res.body.documents as Array<{ doc_id: string }>) {
      expect(await waitProcessed(live.stack.restUrl, live.client.api_key, doc_id, 30_000)).toMatchObject({ status: 'ready', error: null });
    }
    const docx = await call(live.stack.restUrl, 'GET', `/v1/documents/${res.body.documents[0].doc_id}?words=false`, { key: live.client.api_key });
    expect(docx.body.text).toBe('Offer letter\n\nSalary: 50,000 EUR');
    expect(live.stack.alive()).toBe(true);
  }, 60_000);
});
