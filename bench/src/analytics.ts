import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetDocumentTypes, ListDocumentFacts, ListExtractions, type DocumentFacts } from '@perceptiq/contracts';
import { createMemoryBus, openStore, type Logger } from '@perceptiq/platform';
import { DocumentTags } from '../../services/analytics/dist/document-tags.js';
import { ExportSources } from '../../services/analytics/dist/export-sources.js';
import { exportStream } from '../../services/analytics/dist/export/index.js';
import { QuestionLog } from '../../services/analytics/dist/question-log.js';
import { tagText } from '../../services/analytics/dist/tags/index.js';
import { WorkspaceDocuments } from '../../services/analytics/dist/workspace-documents.js';
import { createClient } from './edge-fixtures.js';
import { ms, pct, quantile, table, verdict } from './figures.js';
import { startEdgeServer } from './server-process.js';
import type { Suite, SuiteContext, SuiteReport } from './suite.js';

/**
 * Analytics on real data, read in place: tagging's document types on every receipt
 * (bench-data/receipts, OCR lines) and contract (bench-data/contracts, CUAD texts) and its
 * throughput, in the service and over REST; comparing two 50-page contracts over REST (an embedded
 * server, both uploaded and ready); and peak RSS growth while the export path writes 10,000
 * documents as csv and as xlsx.
 */

const TARGETS = { compareMs: 1000, exportRssMb: 100 };
const TAG_ROUNDS = 5;
const EXPORT_DOCUMENTS = 10_000;
const PAGE_CHARS = 3_000; // about one page of contract text

function benchData(ctx: SuiteContext, set: string): string {
  const dir = join(process.env.PERCEPTIQ_BENCH_DATA ?? join(ctx.repoRoot, '..', 'shared', 'bench-data'), set, 'public');
  if (!existsSync(dir)) throw new Error(`No ${set}/public under ${dir}: the analytics suite reads bench-data in place (set PERCEPTIQ_BENCH_DATA to its directory).`);
  return dir;
}

function corpus(ctx: SuiteContext) {
  const receiptsDir = benchData(ctx, 'receipts');
  const receipts = readdirSync(receiptsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => (JSON.parse(readFileSync(join(receiptsDir, f), 'utf8')) as { tokens: Array<{ text: string }> }).tokens.map((t) => t.text).join('\n'));
  const contractsDir = benchData(ctx, 'contracts');
  const contracts = readdirSync(contractsDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(contractsDir, f), 'utf8'));
  return { receipts, contracts };
}

async function post(url: string, key: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function waitReady(restUrl: string, key: string, docId: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const res = await fetch(`${restUrl}/v1/status?docId=${docId}`, { headers: { authorization: `Bearer ${key}` } });
    const status = ((await res.json()) as { documents: Array<{ status: string }> }).documents[0]?.status;
    if (status === 'ready') return;
    if (status === 'failed' || Date.now() > deadline) throw new Error(`document ${docId} is ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Tagging over REST, and comparing two 50-page contracts, on an embedded server. */
async function overRest(ctx: SuiteContext, texts: string[], contracts: string[]) {
  ctx.log('starting an embedded server for the REST figures');
  const server = await startEdgeServer({ label: 'analytics' });
  try {
    const { restUrl, gatewayUrl, serviceUrls, adminToken, pid, dataDir } = server.info;
    const contextSecret = readFileSync(join(dataDir, 'context-secret'), 'utf8').trim();
    const client = await createClient({ pids: [pid], restUrl, gatewayUrl, serviceUrls, adminToken, contextSecret }, 'bench-analytics@example.com');
    for (const text of texts.slice(0, 5)) await post(`${restUrl}/v1/tagging`, client.apiKey, { text }); // warm-up
    const started = performance.now();
    for (const text of texts) await post(`${restUrl}/v1/tagging`, client.apiKey, { text });
    const tagPerSecond = texts.length / ((performance.now() - started) / 1000);

    // Two 50-page contracts: CUAD texts run together, and the same with a clause in ten reworded and a renewal term changed.
    const all = contracts.join('\n\n');
    const base = all.slice(0, 50 * PAGE_CHARS);
    const edited = base
      .split('\n\n')
      .map((p, i) => (i % 10 === 3 ? p.replace(/\bshall\b/g, 'must') : p))
      .join('\n\n')
      .replace(/\bone \(1\) year\b/i, 'two (2) years');
    const form = new FormData();
    form.append('files', new Blob([base], { type: 'text/plain' }), 'base.txt');
    form.append('files', new Blob([edited], { type: 'text/plain' }), 'edited.txt');
    const up = await fetch(`${restUrl}/v1/upload?merge=false`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}` }, body: form });
    const docs = ((await up.json()) as { documents: Array<{ doc_id: string }> }).documents.map((d) => d.doc_id);
    for (const id of docs) await waitReady(restUrl, client.apiKey, id);
    const pages = await fetch(`${restUrl}/v1/documents/${docs[0]}?words=false`, { headers: { authorization: `Bearer ${client.apiKey}` } });
    const pageCount = ((await pages.json()) as { page_count: number }).page_count;
    await post(`${restUrl}/v1/compare`, client.apiKey, { base_id: docs[0], compare_id: docs[1] }); // warm-up
    const compareTimes: number[] = [];
    let changes = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const answer = (await post(`${restUrl}/v1/compare`, client.apiKey, { base_id: docs[0], compare_id: docs[1] })) as { changes: unknown[] };
      compareTimes.push(performance.now() - t);
      changes = answer.changes.length;
    }
    return { tagPerSecond, compareTimes, pageCount, chars: base.length, changes };
  } finally {
    const ended = await server.stop();
    ctx.log(`analytics server stopped: ${ended.signal ? `killed by ${ended.signal}` : `exit code ${ended.code}`}`);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;

/**
 * Peak RSS growth while the export path (ExportSources over a bus, the writers) writes
 * `EXPORT_DOCUMENTS` documents: ingest's and templates' answers served from generated rows over the
 * in-process bus, tags from the real embedded store, the bytes counted and dropped.
 */
async function exportRss(format: 'csv' | 'xlsx'): Promise<{ mb: number; bytes: number; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'perceptiq-export-bench-'));
  const store = await openStore({ dataDir: dir, service: 'analytics' });
  const bus = createMemoryBus({ store, requestTimeoutMs: 30_000 });
  try {
    const clientId = 'cli_bench';
    const ids = Array.from({ length: EXPORT_DOCUMENTS }, (_, i) => `doc_${String(i).padStart(8, '0')}`);
    const facts = (id: string): DocumentFacts => ({ doc_id: id, filename: `${id} contract, "final".pdf`, status: 'ready', page_count: 12, archived: false, created_at: '2026-12-01T00:00:00.000Z' });
    bus.serve(ListDocumentFacts, (req) => {
      const from = req.after ? ids.indexOf(req.after) + 1 : 0;
      const page = ids.slice(from, from + (req.limit ?? ids.length));
      return { documents: page.map(facts), next: from + page.length < ids.length ? page[page.length - 1]! : null };
    });
    bus.serve(GetDocumentTypes, (req) => ({ types: Object.fromEntries((req.doc_ids ?? []).map((id) => [id, 'contract'])) }));
    bus.serve(ListExtractions, () => ({ items: [], next: null }));
    const tags = new DocumentTags(store);
    await tags.init();
    for (const id of ids) {
      await tags.put(clientId, id, { doc_type: 'contract', language: 'en', tags: [{ tag: 'legal', category: 'topic', confidence: 0.9 }], entities: [], pii: [] }, '2026-12-01T00:00:01.000Z');
    }
    const questions = new QuestionLog(store);
    await questions.init();
    const sources = new ExportSources({ bus, workspace: new WorkspaceDocuments(bus, silent), tags, questions });
    let bytes = 0;
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { bytes += chunk.length; setImmediate(done); } });
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const t = performance.now();
    await pipeline(exportStream({ scope: 'all', format, exportedAt: new Date(), sections: (['documents', 'extractions', 'questions', 'tags'] as const).map((kind) => ({ kind, rows: sources.rows(clientId, kind) })) }), sink);
    const elapsed = performance.now() - t;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { mb: (peak - before) / (1024 * 1024), bytes, ms: elapsed };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAnalytics(ctx: SuiteContext): Promise<SuiteReport> {
  const { receipts, contracts } = corpus(ctx);
  const receiptTypes = receipts.map((t) => tagText(t).doc_type);
  const contractTypes = contracts.map((t) => tagText(t).doc_type);
  const receiptOk = receiptTypes.filter((t) => t === 'receipt').length;
  const contractOk = contractTypes.filter((t) => t === 'contract').length;
  const texts = [...receipts, ...contracts];
  let started = performance.now();
  for (let round = 0; round < TAG_ROUNDS; round++) for (const t of texts) tagText(t);
  const servicePerSecond = (TAG_ROUNDS * texts.length) / ((performance.now() - started) / 1000);
  ctx.log(`tagging: receipts ${receiptOk}/${receipts.length}, contracts ${contractOk}/${contracts.length}, ${servicePerSecond.toFixed(1)} documents/s in the service`);

  const rest = await overRest(ctx, texts, contracts);
  const compareP50 = quantile(rest.compareTimes, 0.5);
  ctx.log(`compare of two ${rest.pageCount}-page contracts: p50 ${compareP50.toFixed(0)} ms`);
  const csv = await exportRss('csv');
  const xlsx = await exportRss('xlsx');
  ctx.log(`export of ${EXPORT_DOCUMENTS} documents: csv +${csv.mb.toFixed(1)} MB, xlsx +${xlsx.mb.toFixed(1)} MB`);

  const rows = [
    ['tagging: receipts typed receipt', 'all', `${receiptOk}/${receipts.length}`, verdict(receiptOk === receipts.length)],
    ['tagging: contracts typed contract', 'all', `${contractOk}/${contracts.length}`, verdict(contractOk === contracts.length)],
    [`tagging throughput in the service (${TAG_ROUNDS} rounds over the ${texts.length} texts)`, '—', `${servicePerSecond.toFixed(1)} documents/s`, '—'],
    [`tagging throughput over REST (one request at a time, ${texts.length} texts)`, '—', `${rest.tagPerSecond.toFixed(1)} documents/s`, '—'],
    [`compare two ${rest.pageCount}-page contracts over REST (${(rest.chars / 1000).toFixed(0)}k characters each, ${rest.changes} changes; median of 5)`, `≤ ${TARGETS.compareMs} ms`, ms(compareP50), verdict(compareP50 <= TARGETS.compareMs)],
    ['compare: slowest of the 5', '—', ms(Math.max(...rest.compareTimes)), '—'],
    [`export ${EXPORT_DOCUMENTS.toLocaleString('en-US')} documents, scope all, csv: peak RSS growth (${(csv.bytes / 1e6).toFixed(1)} MB written in ${(csv.ms / 1000).toFixed(1)} s)`, `≤ ${TARGETS.exportRssMb} MB`, `${csv.mb.toFixed(1)} MB`, verdict(csv.mb <= TARGETS.exportRssMb)],
    [`export ${EXPORT_DOCUMENTS.toLocaleString('en-US')} documents, scope all, xlsx: peak RSS growth (${(xlsx.bytes / 1e6).toFixed(1)} MB written in ${(xlsx.ms / 1000).toFixed(1)} s)`, `≤ ${TARGETS.exportRssMb} MB`, `${xlsx.mb.toFixed(1)} MB`, verdict(xlsx.mb <= TARGETS.exportRssMb)],
  ];
  const markdown = [
    `Tagging (\`services/analytics/src/tags\`) on \`bench-data/receipts\` (${receipts.length} SROIE receipts, their OCR lines joined as a document's text would be) and \`bench-data/contracts\` (${contracts.length} CUAD contracts), read in place. The type cues were written looking at these same documents: there is no held-out set. Compare: an embedded server, two ${rest.pageCount}-page text documents (CUAD contracts run together; the second with one paragraph in ten reworded and a renewal term changed), uploaded and ready, then \`POST /v1/compare\` one at a time. Export: the service's export path (\`ExportSources\` answered over the in-process bus by generated facts for ${EXPORT_DOCUMENTS.toLocaleString('en-US')} documents, their tags in the real embedded store, then the writers) into a sink that counts and drops the bytes; RSS sampled every 10 ms, growth over the RSS just before the export, in this process.`,
    '',
    table(['Figure', 'Target', 'Measured', 'Verdict'], rows),
    '',
    `Share of receipts typed receipt: ${pct(receiptOk / receipts.length)}; contracts typed contract: ${pct(contractOk / contracts.length)}.`,
  ].join('\n');
  return {
    title: 'Analytics: tagging, compare and export',
    markdown,
    summary: [
      `tagging: receipts ${receiptOk}/${receipts.length}, contracts ${contractOk}/${contracts.length}, ${servicePerSecond.toFixed(1)} docs/s (service), ${rest.tagPerSecond.toFixed(1)} docs/s (REST)`,
      `compare two ${rest.pageCount}-page contracts: p50 ${compareP50.toFixed(0)} ms ${verdict(compareP50 <= TARGETS.compareMs)}`,
      `export ${EXPORT_DOCUMENTS} documents: csv +${csv.mb.toFixed(1)} MB, xlsx +${xlsx.mb.toFixed(1)} MB`,
    ],
  };
}

export const analyticsSuite: Suite = {
  name: 'analytics',
  description: 'tagging accuracy and throughput on bench-data, compare latency for 50-page contracts, export memory for 10,000 documents',
  run: runAnalytics,
};
