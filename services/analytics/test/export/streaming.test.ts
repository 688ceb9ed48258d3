import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { encodeExport, exportStream, SCOPE_KINDS, type ExportFormat, type ExportRow } from '../../src/export/index.js';
import { planExport } from '../../src/export/plan.js';
import { encodeXlsx, XLSX_LIMITS } from '../../src/export/xlsx.js';
import { collect, DATA, expectedXlsxCell, EXPORTED_AT, rowsOf } from './fixtures.js';

const FORMATS: ExportFormat[] = ['json', 'ndjson', 'csv', 'xlsx'];

/** Rejects when `p` has not settled in time: a stream that hangs fails the test instead of timing jest out. */
async function within<T>(p: Promise<T>, ms = 5_000): Promise<T> {
  const timer = new AbortController();
  const late = sleep(ms, undefined, { signal: timer.signal }).then(() => Promise.reject(new Error(`still pending after ${ms} ms`)));
  late.catch(() => {}); // aborted once `p` settles
  try {
    return await Promise.race([p, late]);
  } finally {
    timer.abort();
  }
}

/** Endless documents, counting how many were pulled and whether the source was closed. */
function endless(size = 200) {
  const state = { pulled: 0, closed: false };
  const rows = (async function* (): AsyncGenerator<ExportRow> {
    try {
      for (;;) {
        state.pulled += 1;
        yield { doc_id: `doc_${state.pulled}`, filename: `${state.pulled}-${'x'.repeat(size)}.pdf`, status: 'ready', pages: state.pulled };
      }
    } finally {
      state.closed = true;
    }
  })();
  return { state, rows };
}

/** The pull count once it has stopped changing for a while (the writer is waiting on the reader). */
async function restingCount(state: { pulled: number }, quietMs = 250): Promise<number> {
  for (let last = -1; ; ) {
    await sleep(quietMs);
    if (state.pulled === last) return last;
    last = state.pulled;
  }
}

/** Many documents: more than one chunk of output before the failure. */
const many = (n: number): ExportRow[] => Array.from({ length: n }, (_, i) => ({ doc_id: `doc_${i}`, filename: `file ${i}.pdf`, status: 'ready', pages: i }));

describe('export writers: streaming', () => {
  describe.each(FORMATS)('%s', (format) => {
    it('ends with the source error when a row source throws mid-way (after bytes went out)', async () => {
      const stream = exportStream({ scope: 'documents', format, exportedAt: EXPORTED_AT, sections: [{ kind: 'documents', rows: rowsOf(many(5_000), { failAt: 4_000 }) }] });
      let bytes = 0;
      const sink = new Writable({ write: (c: Buffer, _e, done) => ((bytes += c.length), done()) });
      await expect(within(pipeline(stream, sink))).rejects.toThrow('row source failed');
      expect(bytes).toBeGreaterThan(0);
      expect(stream.destroyed).toBe(true);
      expect(sink.destroyed).toBe(true); // what an HTTP response gets: cut, not ended
    });

    it('ends with the error when a later section fails before its first row', async () => {
      const sections = [
        { kind: 'documents' as const, rows: rowsOf(DATA.documents) },
        { kind: 'tags' as const, rows: rowsOf(DATA.tags, { failAt: 0 }) },
      ];
      await expect(within(collect(exportStream({ scope: 'all', format, exportedAt: EXPORTED_AT, sections })))).rejects.toThrow('row source failed');
    });

    it('pulls rows only as fast as the reader reads, and closes the source when the reader stops', async () => {
      const { state, rows } = endless();
      const bytes = encodeExport({ scope: 'documents', format, exportedAt: EXPORTED_AT, sections: [{ kind: 'documents', rows }] });
      const first = await within(bytes.next());
      expect(first.done).toBe(false);
      // The reader holds back. How far the writer gets first depends on how fast deflate runs
      // (it is slower on a busy machine), so wait for it to come to rest rather than a fixed time.
      const held = await within(restingCount(state));
      await sleep(250);
      expect(state.pulled).toBe(held); // nothing more is pulled while nobody reads…
      expect(held).toBeLessThan(5_000); // …and what was pulled ahead is a few buffers' worth
      await within(bytes.return(undefined));
      await within((async () => { while (!state.closed) await sleep(5); })());
    });

    it('closes the row source when the consumer destroys the stream', async () => {
      const { state, rows } = endless();
      const stream = exportStream({ scope: 'documents', format, exportedAt: EXPORTED_AT, sections: [{ kind: 'documents', rows }] });
      const out = new PassThrough();
      const piping = pipeline(stream, out).catch((e: Error) => e);
      await new Promise((r) => out.once('data', r));
      out.destroy(); // the client went away
      expect(await within(piping)).toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
      await within((async () => { while (!state.closed) await sleep(5); })());
    });
  });

  it('xlsx continues a full sheet on a numbered one, header repeated', async () => {
    const plan = planExport({ scope: 'tags', format: 'xlsx', exportedAt: EXPORTED_AT, sections: [{ kind: 'tags', rows: rowsOf([...DATA.tags, ...DATA.tags]) }] });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await collect(encodeXlsx(plan, { ...XLSX_LIMITS, maxRowsPerSheet: 3 }))) as never);
    expect(book.worksheets.map((w) => [w.name, w.rowCount])).toEqual([['tags', 3], ['tags 2', 3], ['tags 3', 3]]);
    expect(book.getWorksheet('tags 3')!.getCell(1, 1).value).toBe('doc_id');
    expect(book.getWorksheet('tags 3')!.getCell(3, 4).value).toBe(expectedXlsxCell(DATA.tags[2]!.tag));
  });

  it('xlsx cuts text longer than Excel holds, with a marker; csv keeps it whole', async () => {
    const long = 'é'.repeat(40_000);
    const emoji = 'a' + '😀'.repeat(20_000); // a cut inside a surrogate pair must not leave half of one
    const sections = () => [{ kind: 'questions' as const, rows: rowsOf([{ question_id: 'q', answer: long, question: emoji }]) }];
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await collect(exportStream({ scope: 'questions', format: 'xlsx', exportedAt: EXPORTED_AT, sections: sections() }))) as never);
    const sheet = book.getWorksheet('questions')!;
    const answer = sheet.getCell(2, 5).value as string;
    expect(answer.length).toBe(32_767);
    expect(answer).toBe('é'.repeat(32_767 - '…[truncated, 40000 chars]'.length) + '…[truncated, 40000 chars]');
    const question = sheet.getCell(2, 4).value as string;
    expect(question.length).toBeLessThanOrEqual(32_767);
    expect(question.endsWith('…[truncated, 40001 chars]')).toBe(true);
    expect(question).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
    const csv = (await collect(exportStream({ scope: 'questions', format: 'csv', exportedAt: EXPORTED_AT, sections: sections() }))).toString();
    expect(csv).toContain(long);
  });

  it('every scope lists its kinds in order', () => {
    expect(SCOPE_KINDS.all).toEqual(['documents', 'extractions', 'questions', 'tags']);
    expect(SCOPE_KINDS.questions).toEqual(['questions']);
  });
});
