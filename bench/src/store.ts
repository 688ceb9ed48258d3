/// <reference path="../../packages/platform/src/store/better-sqlite3.d.ts" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '@perceptiq/platform';
import { DocumentRepository, queuedDocument, type DocumentRecord } from '../../services/ingest/dist/documents.js';
import { ms, quantile, table } from './figures.js';
import type { Suite, SuiteContext, SuiteReport } from './suite.js';

/**
 * The first page of `GET /v1/documents` as the ingest service reads it from the embedded store
 * (DocumentRepository.list: 20 newest, not archived), at growing workspace sizes, against the
 * same page read by sorting every one of the client's documents (`find` with the sort and no
 * limit, then the first 21: how the store read every sorted page before it read pages in index
 * order); the status counts of `GET /v1/status` (countByStatus) against reading every
 * document for its status; paging through 10,000 rows in id order as exports do; and one small
 * query with the file held by its process (SQLite's exclusive locking mode, as the store opens it)
 * against the same query locking the file for each read. Another client's documents share the
 * collection, a tenth as many.
 */

const SIZES = [100, 1_000, 10_000];
/** Rows of one client paged through in id order, as exports read them, EXPORT_PAGE at a time. */
const EXPORT_ROWS = 10_000;
const EXPORT_PAGE = 200;
const PAGE = 20;
/** Timed reads of each page, after as many untimed ones. */
const ROUNDS = 200;
/** The locking-mode comparison: rows of another client in the file, and timed reads (after as many untimed). */
const LOCKING_ROWS = 1_000;
const LOCKING_READS = 20_000;

interface Row {
  documents: number;
  pageUs: number;
  allUs: number;
  countsUs: number;
  countsReadUs: number;
}

function record(clientId: string, i: number): DocumentRecord {
  const created = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  return {
    ...queuedDocument({ _id: `${clientId}-${i}`, client_id: clientId, batch_id: `b${i % 50}`, filename: `contract-${i}.pdf`, mime_type: 'application/pdf', size_bytes: 120_000 + i, sha256: `${clientId}${i}`.padEnd(64, '0'), created_at: created }),
    status: 'ready',
    stage: 'ready',
    page_count: 3,
    ocr_confidence: 0.93,
    pages_done: 3,
    pages_total: 3,
  };
}

/**
 * Median µs of `read`, timed `rounds` times after as many untimed calls. A read that answers at
 * once is not awaited: a microtask per call would weigh on a query of a microsecond.
 */
async function medianUs(read: () => unknown, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 2 * rounds; i++) {
    const started = performance.now();
    const result = read();
    if (result instanceof Promise) await result;
    if (i >= rounds) times.push((performance.now() - started) * 1000);
  }
  return quantile(times, 0.5);
}

/** `use` on a fresh embedded store (no MongoDB URI) of `service`, removed afterwards. */
async function withStore<R>(service: string, use: (store: Store) => Promise<R>): Promise<R> {
  const dir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-store-'));
  const store = await openStore({ dataDir: dir, service });
  try {
    return await use(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measure(documents: number, log: (m: string) => void): Promise<Row> {
  return withStore('ingest', async (store) => {
    const repo = new DocumentRepository(store);
    await repo.init();
    const raw = store.collection<DocumentRecord>('documents');
    await raw.insertMany(Array.from({ length: documents }, (_, i) => record('a', i)));
    await raw.insertMany(Array.from({ length: documents / 10 }, (_, i) => record('b', i)));
    const page = async () => (await repo.list('a', { limit: PAGE, includeArchived: false })).documents.map((d) => d._id);
    const all = async () =>
      (await raw.find({ client_id: 'a', archived: false }, { sort: { created_at: -1, _id: -1 } }).toArray()).slice(0, PAGE).map((d) => d._id);
    const counts = () => repo.countByStatus('a');
    // The summary as it was computed before: every document of the client read for its status.
    const countsRead = async () => {
      const byStatus: Record<string, number> = {};
      for (const d of await raw.find({ client_id: 'a' }, { projection: { status: 1 } }).toArray()) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
      return byStatus;
    };
    const [a, b] = [await page(), await all()];
    if (a.join() !== b.join()) throw new Error(`the page read in index order differs from the page of every match sorted (${documents} documents)`);
    if (JSON.stringify(await counts()) !== JSON.stringify(await countsRead())) throw new Error(`the status counts differ (${documents} documents)`);
    const row = { documents, pageUs: await medianUs(page), allUs: await medianUs(all), countsUs: await medianUs(counts), countsReadUs: await medianUs(countsRead) };
    log(`   ${documents} documents: first page ${row.pageUs.toFixed(0)} µs, every match sorted ${row.allUs.toFixed(0)} µs; status counts ${row.countsUs.toFixed(0)} µs, every document read ${row.countsReadUs.toFixed(0)} µs`);
    return row;
  });
}

/**
 * Milliseconds to page through EXPORT_ROWS rows of one client (and a tenth as many of another) in
 * id order, EXPORT_PAGE at a time after the last id seen, as the export sources do: with an index
 * on the client alone (as their collections had), then on (client_id, _id) as they have now.
 */
function exportPaging(log: (m: string) => void): Promise<{ clientOnlyMs: number; idOrderMs: number }> {
  return withStore('analytics', async (store) => {
    const row = (clientId: string, i: number) => ({ _id: `${clientId}-${String(i).padStart(6, '0')}`, client_id: clientId, doc_type: 'invoice', language: 'en', topics: ['payment', 'terms'], entities: { money: 3, date: 2 }, at: new Date(Date.UTC(2026, 0, 1) + i).toISOString() });
    const timed = async (keys: Record<string, 1>): Promise<number> => {
      const rows = store.collection<ReturnType<typeof row>>(`rows_${Object.keys(keys).length}`);
      await rows.createIndex({ keys });
      await rows.insertMany(Array.from({ length: EXPORT_ROWS }, (_, i) => row('a', i)));
      await rows.insertMany(Array.from({ length: EXPORT_ROWS / 10 }, (_, i) => row('b', i)));
      const started = performance.now();
      let after: string | undefined;
      let seen = 0;
      for (;;) {
        const page = await rows.find({ client_id: 'a', ...(after ? { _id: { $gt: after } } : {}) }, { sort: { _id: 1 }, limit: EXPORT_PAGE }).toArray();
        seen += page.length;
        if (page.length < EXPORT_PAGE) break;
        after = page[page.length - 1]!._id;
      }
      if (seen !== EXPORT_ROWS) throw new Error(`paging in id order saw ${seen} rows of ${EXPORT_ROWS}`);
      return performance.now() - started;
    };
    const clientOnlyMs = await timed({ client_id: 1 });
    const idOrderMs = await timed({ client_id: 1, _id: 1 });
    log(`   paging through ${EXPORT_ROWS} rows ${EXPORT_PAGE} at a time: ${clientOnlyMs.toFixed(0)} ms with a client index, ${idOrderMs.toFixed(0)} ms in (client_id, _id) order`);
    return { clientOnlyMs, idOrderMs };
  });
}

/**
 * Median µs of the empty listing's query (the SQL the store runs for a client with no documents,
 * on its table and index shape, beside LOCKING_ROWS rows of another client), on a file opened in
 * SQLite's normal locking mode (a shared lock taken and dropped by every read: how the store
 * opened its files before) and in exclusive mode (held for the connection's life: how it opens
 * them now). Both in WAL mode, as the store's files are.
 */
async function lockingModes(log: (m: string) => void): Promise<{ normalUs: number; exclusiveUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'perceptiq-bench-lock-'));
  const timed = async (mode: 'normal' | 'exclusive'): Promise<number> => {
    const db = new Database(join(dir, `${mode}.sqlite`));
    try {
      db.pragma(`locking_mode = ${mode.toUpperCase()}`);
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE documents (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
      db.exec("CREATE INDEX client_created ON documents (doc -> '$.\"client_id\"', doc -> '$.\"created_at\"')");
      const insert = db.prepare('INSERT INTO documents (_id, doc) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 0; i < LOCKING_ROWS; i++) insert.run(`b-${i}`, JSON.stringify(record('b', i)));
      })();
      const query = db.prepare(`SELECT doc FROM documents WHERE doc -> '$."client_id"' = ? ORDER BY doc -> '$."created_at"' DESC`).pluck();
      const read = () => query.all(JSON.stringify('a'));
      if (read().length !== 0) throw new Error('the empty listing query found documents');
      return await medianUs(read, LOCKING_READS);
    } finally {
      db.close();
    }
  };
  try {
    const result = { normalUs: await timed('normal'), exclusiveUs: await timed('exclusive') };
    log(`   the empty listing's query: ${result.normalUs.toFixed(1)} µs locking the file per read, ${result.exclusiveUs.toFixed(1)} µs with the file held`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const storeSuite: Suite = {
  name: 'store',
  description: 'the documents listing, the status counts and export paging from the embedded store at up to 10,000 documents, against reading every document; a small query with the file held vs locked per read',
  async run(ctx: SuiteContext): Promise<SuiteReport> {
    const rows: Row[] = [];
    for (const size of SIZES) rows.push(await measure(size, ctx.log));
    const paging = await exportPaging(ctx.log);
    const locking = await lockingModes(ctx.log);
    const us = (x: number) => `${Math.round(x).toLocaleString('en-US')} µs`;
    const body = rows.map((r) => [r.documents.toLocaleString('en-US'), us(r.pageUs), us(r.allUs), `${(r.allUs / r.pageUs).toFixed(0)}×`, us(r.countsUs), us(r.countsReadUs), `${(r.countsReadUs / r.countsUs).toFixed(0)}×`]);
    const markdown = [
      `The first page of \`GET /v1/documents\` as the ingest service reads it (\`DocumentRepository.list\`: the ${PAGE} newest documents not archived, sorted by \`created_at\` then id) from the embedded store, in this process, with the ingest service's indexes; another client holds a tenth as many documents in the same collection. *Every match sorted* is the same page read by finding all of the client's documents with the sort and no limit and keeping the first ${PAGE}: how the store read any sorted page before it read pages in the order of an index. *Status counts* is the queue summary of \`GET /v1/status\` (\`DocumentRepository.countByStatus\`: one count per status in the \`(client_id, status)\` index), against reading every document of the client for its status, as it was computed before. Each pair of answers is checked equal. Median of ${ROUNDS} reads after ${ROUNDS} untimed ones.`,
      '',
      table(['Client documents', 'First page (index order)', 'Every match sorted', 'Ratio', 'Status counts (index)', 'Every document read', 'Ratio'], body),
      '',
      `Export paging: ${EXPORT_ROWS.toLocaleString('en-US')} rows of one client (and a tenth as many of another) read ${EXPORT_PAGE} at a time in id order, each page after the last id of the one before, as the export sources read tags, questions and extractions; one timed pass each.`,
      '',
      table(
        ['Index', 'All pages', 'Per page'],
        [
          ['`client_id` (as before)', `${paging.clientOnlyMs.toFixed(0)} ms`, ms(paging.clientOnlyMs / (EXPORT_ROWS / EXPORT_PAGE))],
          ['`client_id, _id` (now)', `${paging.idOrderMs.toFixed(0)} ms`, ms(paging.idOrderMs / (EXPORT_ROWS / EXPORT_PAGE))],
        ],
      ),
      '',
      `File locking: the query the store runs for the listing of a client with no documents, on its table and index shape beside ${LOCKING_ROWS.toLocaleString('en-US')} rows of another client, straight through better-sqlite3; median of ${LOCKING_READS.toLocaleString('en-US')} reads after as many untimed ones. *Normal* locking takes SQLite's shared lock on the file and drops it again for every read (two \`fcntl\` calls), as the store did before; *exclusive* holds the file for the connection's life, as the store opens its files now (each belongs to one process).`,
      '',
      table(
        ['Locking mode', 'Query', 'Ratio'],
        [
          ['normal (as before)', `${locking.normalUs.toFixed(1)} µs`, ''],
          ['exclusive (now)', `${locking.exclusiveUs.toFixed(1)} µs`, `${(locking.normalUs / locking.exclusiveUs).toFixed(1)}× faster`],
        ],
      ),
    ].join('\n');
    return {
      title: 'Store: listing, status counts and export paging at growing workspace sizes; file locking',
      markdown,
      summary: [
        ...rows.map((r) => `${r.documents} documents: page ${r.pageUs.toFixed(0)} µs vs ${r.allUs.toFixed(0)} µs; counts ${r.countsUs.toFixed(0)} µs vs ${r.countsReadUs.toFixed(0)} µs`),
        `export paging of ${EXPORT_ROWS} rows: ${paging.idOrderMs.toFixed(0)} ms vs ${paging.clientOnlyMs.toFixed(0)} ms`,
        `empty listing query: ${locking.exclusiveUs.toFixed(1)} µs with the file held vs ${locking.normalUs.toFixed(1)} µs locking it per read`,
      ],
    };
  },
};
