import { metricsReport, periodStart } from '../src/metrics-report.js';
import type { ProcessingRow } from '../src/processing-log.js';
import type { UsageRow } from '../src/usage-ledger.js';

const now = new Date('2026-12-05T10:30:00Z');
const doc = (id: string, created_at: string, status: 'ready' | 'failed' | 'ocr' = 'ready', page_count = 2) => ({ doc_id: id, filename: `${id}.pdf`, status, page_count, archived: false, created_at });
const ran = (id: string, at: string, processing_ms: number, ocr_confidence: number | null = null): ProcessingRow => ({
  _id: id, client_id: 'c', at, outcome: 'ready', pages: 2, ocr_pages: ocr_confidence === null ? 0 : 2, ocr_confidence, processing_ms,
});
const calls = (hour: string, scope: string, status: number, count: number): UsageRow => ({ _id: `${hour}${scope}${status}`, client_id: 'c', hour, scope, status, count });

describe('metricsReport', () => {
  it('opens a period at the start of the hour it began in', () => {
    expect(periodStart('24h', now)).toEqual({ fromIso: '2026-12-04T10:00:00.000Z', fromHour: '2026-12-04T10' });
    expect(periodStart('7d', now).fromHour).toBe('2026-11-28T10');
  });

  it('counts only what falls in the period, by status, type, scope and day', () => {
    const report = metricsReport({
      period: '24h',
      now,
      documents: [doc('a', '2026-12-05T09:00:00Z'), doc('b', '2026-12-04T23:00:00Z', 'ocr', 5), doc('old', '2026-12-01T00:00:00Z')],
      types: { a: 'invoice' },
      processing: [ran('a', '2026-12-05T09:01:00Z', 400, 0.9), ran('x', '2026-12-04T12:00:00Z', 100, 0.7), ran('y', '2026-12-04T13:00:00Z', 1000), ran('old', '2026-12-01T00:01:00Z', 99_999)],
      usage: [calls('2026-12-05T09', 'documents', 200, 5), calls('2026-12-04T22', 'ask', 429, 2), calls('2026-12-04T09', 'ask', 200, 50)],
      questions: ['2026-12-05T09:05:00Z', '2026-12-02T00:00:00Z'],
    });
    expect(report.documents).toEqual({ total: 2, by_status: { ready: 1, ocr: 1 }, by_type: { invoice: 1, unclassified: 1 } });
    expect(report.pages.total).toBe(7);
    expect(report.processing_ms).toEqual({ p50: 400, p95: 1000 });
    expect(report.ocr_confidence.mean).toBe(0.8);
    expect(report.questions.total).toBe(1);
    expect(report.api).toEqual({ calls: 7, by_scope: { documents: 5, ask: 2 }, by_status: { '200': 5, '429': 2 }, rate_limited: 2 });
    expect(report.series).toEqual([
      { date: '2026-12-04', calls: 2, documents: 1, pages: 5, questions: 0 },
      { date: '2026-12-05', calls: 5, documents: 1, pages: 2, questions: 1 },
    ]);
  });

  it('answers an empty workspace with zeros and nulls, one entry per day', () => {
    const report = metricsReport({ period: '7d', now, documents: [], types: {}, processing: [], usage: [], questions: [] });
    expect(report.processing_ms).toEqual({ p50: null, p95: null });
    expect(report.ocr_confidence.mean).toBeNull();
    expect(report.series).toHaveLength(8);
    expect(report.series.every((d) => d.calls === 0 && d.documents === 0)).toBe(true);
  });
});
