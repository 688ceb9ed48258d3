import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportStream, type ExportFormat, type ExportRow } from '../../src/export/index.js';
import { EXPORTED_AT } from './fixtures.js';

/**
 * Constant memory, measured: 10,000 generated documents of about 4 KB each (a long file name and
 * twenty tags, so that holding every row is tens of megabytes and clearly apart from streaming)
 * are written as each format and read by a consumer that counts bytes and keeps none.
 *
 * - `live`: heap + external (Buffers) after a forced full GC, sampled every 500 rows inside the row
 *   source, minus the same before the export: what the writer keeps alive. Garbage does not count.
 * - `peak`: heap + external without forcing GC, sampled every 100 rows and every 5 ms: what the
 *   process saw, garbage included (the young generation alone can hold tens of MB before a GC).
 * - `all rows`: the same 10,000 rows held in an array, measured the same way as `live`.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ROWS = 10_000;
const MB = 1024 * 1024;

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const settled = (): number => {
  gc();
  gc();
  return used();
};

function document(i: number): ExportRow {
  return {
    doc_id: `doc_${String(i).padStart(8, '0')}`,
    filename: `${Array.from({ length: 70 }, (_, k) => `${i}.${k} contract scan, "final" é ✓`).join(' ')}.pdf`,
    content_type: 'application/pdf',
    size_bytes: 100_000 + i,
    status: i % 10 ? 'ready' : 'failed',
    doc_type: 'contract',
    pages: (i % 40) + 1,
    language: 'en',
    tags: Array.from({ length: 20 }, (_, t) => `tag-${t}-${i}`),
    archived: false,
    created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    ready_at: null,
  };
}

interface Measure {
  liveMb: number;
  peakMb: number;
  outMb: number;
  ms: number;
}

async function measure(format: ExportFormat): Promise<Measure> {
  const base = settled();
  let live = 0;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, used() - base));
  const sampler = setInterval(sample, 5);
  async function* rows(): AsyncGenerator<ExportRow> {
    for (let i = 0; i < ROWS; i++) {
      if (i % 100 === 0) sample();
      if (i % 500 === 0 && i > 0) live = Math.max(live, settled() - base);
      yield document(i);
    }
  }
  const started = performance.now();
  let out = 0;
  try {
    for await (const chunk of exportStream({ scope: 'documents', format, exportedAt: EXPORTED_AT, sections: [{ kind: 'documents', rows: rows() }] })) {
      out += (chunk as Buffer).length;
    }
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  return { liveMb: live / MB, peakMb: peak / MB, outMb: out / MB, ms };
}

describe('export writers: memory', () => {
  const results: Record<string, Measure> = {};
  let allRowsMb = 0;

  beforeAll(() => {
    const base = settled();
    const held = Array.from({ length: ROWS }, (_, i) => document(i));
    allRowsMb = (settled() - base) / MB;
    expect(held).toHaveLength(ROWS); // keeps `held` alive through the measurement
  });

  afterAll(() => {
    const line = (f: string) => `${f.padEnd(7)} live ${results[f]!.liveMb.toFixed(1)} MB, peak ${results[f]!.peakMb.toFixed(1)} MB, output ${results[f]!.outMb.toFixed(1)} MB, ${Math.round(results[f]!.ms)} ms`;
    console.log([`10,000 rows held in an array: ${allRowsMb.toFixed(1)} MB`, ...Object.keys(results).map(line)].join('\n'));
  });

  it.each(['csv', 'xlsx', 'json', 'ndjson'] as ExportFormat[])('%s keeps what it holds far below the rows', async (format) => {
    const m = await measure(format);
    results[format] = m;
    expect(allRowsMb).toBeGreaterThan(40); // the comparison means something
    expect(m.liveMb).toBeLessThan(Math.min(16, allRowsMb / 4));
    expect(m.peakMb).toBeLessThan(50); // garbage included: generous, as GC timing is not ours
  });
});
