import type { DashboardMetrics, DocumentFacts } from '@perceptiq/contracts';
import type { ProcessingRow } from './processing-log.js';
import { hourOf, type UsageRow } from './usage-ledger.js';

export type Period = DashboardMetrics['period'];

const PERIOD_HOURS: Record<Period, number> = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };
const HOUR_MS = 3_600_000;

/**
 * Where a period starts: calls are kept by the hour, so the window opens at the start of the hour
 * `period` ago (up to 59 minutes more than the period, never less).
 */
export function periodStart(period: Period, now: Date): { fromIso: string; fromHour: string } {
  const from = new Date(now.getTime() - PERIOD_HOURS[period] * HOUR_MS);
  from.setUTCMinutes(0, 0, 0);
  const fromIso = from.toISOString();
  return { fromIso, fromHour: hourOf(fromIso) };
}

export interface MetricsInputs {
  period: Period;
  now: Date;
  /** Every document of the client's, archived ones included (those created in the period count). */
  documents: DocumentFacts[];
  /** Document id → type, as the templates service decided it. */
  types: Readonly<Record<string, string>>;
  processing: ProcessingRow[];
  usage: UsageRow[];
  /** When each question in the period was asked. */
  questions: string[];
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number): number | null => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : null);
const bump = (counts: Record<string, number>, key: string, n = 1) => void (counts[key] = (counts[key] ?? 0) + n);
const dayOf = (iso: string) => iso.slice(0, 10);

/** A client's figures over a period, in the contract's shape (API.md "Analytics"), from what analytics recorded and ingest knows now. */
export function metricsReport(inputs: MetricsInputs): DashboardMetrics {
  const { period, now } = inputs;
  const { fromIso, fromHour } = periodStart(period, now);
  const docs = inputs.documents.filter((d) => d.created_at >= fromIso);
  const byStatus: Record<string, number> = {};
  const byType: Record<string, number> = {};
  let pages = 0;
  for (const d of docs) {
    bump(byStatus, d.status);
    bump(byType, inputs.types[d.doc_id] ?? 'unclassified');
    pages += d.page_count;
  }

  const ready = inputs.processing.filter((r) => r.outcome === 'ready' && r.at >= fromIso);
  const durations = ready.flatMap((r) => (r.processing_ms === null ? [] : [r.processing_ms])).sort((a, b) => a - b);
  const confidences = ready.flatMap((r) => (r.ocr_pages > 0 && r.ocr_confidence !== null ? [r.ocr_confidence] : []));

  const usage = inputs.usage.filter((r) => r.hour >= fromHour);
  const byScope: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  let calls = 0;
  for (const r of usage) {
    calls += r.count;
    bump(byScope, r.scope, r.count);
    bump(byCode, String(r.status), r.count);
  }
  const questions = inputs.questions.filter((at) => at >= fromIso);

  // One entry per UTC day the period touches, oldest first, each counting only what falls in the period.
  const series: DashboardMetrics['series'] = [];
  const index = new Map<string, DashboardMetrics['series'][number]>();
  for (let t = Date.parse(`${dayOf(fromIso)}T00:00:00Z`); t <= now.getTime(); t += 24 * HOUR_MS) {
    const entry = { date: dayOf(new Date(t).toISOString()), calls: 0, documents: 0, pages: 0, questions: 0 };
    series.push(entry);
    index.set(entry.date, entry);
  }
  for (const r of usage) {
    const entry = index.get(dayOf(r.hour));
    if (entry) entry.calls += r.count;
  }
  for (const d of docs) {
    const entry = index.get(dayOf(d.created_at));
    if (entry) {
      entry.documents += 1;
      entry.pages += d.page_count;
    }
  }
  for (const at of questions) {
    const entry = index.get(dayOf(at));
    if (entry) entry.questions += 1;
  }

  const mean = confidences.length ? Math.round((confidences.reduce((a, b) => a + b, 0) / confidences.length) * 1000) / 1000 : null;
  return {
    period,
    documents: { total: docs.length, by_status: byStatus, by_type: byType },
    pages: { total: pages },
    processing_ms: { p50: percentile(durations, 50), p95: percentile(durations, 95) },
    ocr_confidence: { mean },
    questions: { total: questions.length },
    api: { calls, by_scope: byScope, by_status: byCode, rate_limited: byCode['429'] ?? 0 },
    series,
  };
}
