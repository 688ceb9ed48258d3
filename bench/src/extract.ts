import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates, extract } from '../../services/templates/dist/engine/index.js';
import { normalizeTokens } from '../../services/templates/dist/layout/index.js';
import { createClient } from './edge-fixtures.js';
import { ms, pct, quantile, table, verdict } from './figures.js';
import { startEdgeServer } from './server-process.js';
import type { Suite, SuiteContext, SuiteReport } from './suite.js';

/**
 * Smart extraction on real data, read in place: receipts (bench-data/receipts, SROIE: company,
 * date, address, total from line tokens, the template chosen by ranking over every built-in,
 * never forced) and forms (bench-data/forms, FUNSD words: label → value pairs from `key_values`).
 * Latency in the service (the engine in process, token normalization included) and over REST
 * (an embedded server, `POST /v1/templates/smart/extract` per receipt, and one batch of 100).
 */

const TARGETS = { receiptsF1: 0.9, formsF1: 0.6, serviceP50: 5, restP50: 15, batchMs: 1000 };
const RECEIPT_FIELDS = ['company', 'date', 'address', 'total'] as const;
const SERVICE_ROUNDS = 20;
const REST_ROUNDS = 5;

interface Item {
  id: string;
  tokens: Array<{ text: string; bbox: number[]; page: number }>;
}
interface Receipt extends Item {
  gold: Record<(typeof RECEIPT_FIELDS)[number], string>;
}
interface Form extends Item {
  pairs: Array<{ key: string; value: string }>;
}

function load<T extends Item>(ctx: SuiteContext, set: 'receipts' | 'forms'): T[] {
  const dir = join(process.env.PERCEPTIQ_BENCH_DATA ?? join(ctx.repoRoot, '..', 'shared', 'bench-data'), set, 'public');
  if (!existsSync(dir)) throw new Error(`No ${set}/public under ${dir}: the extract suite reads bench-data in place (set PERCEPTIQ_BENCH_DATA to its directory).`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

/** Exact match after normalizing case, white space and, for amounts, number formats ("RM 9.00" = "9.00"). */
function canonical(field: string, value: string | null | undefined): string | null {
  if (value == null) return null;
  const v = value.toLowerCase().replace(/\s+/g, '');
  if (field !== 'total') return v;
  const n = Number(v.replace(/[^\d.-]/g, ''));
  return Number.isFinite(n) ? n.toFixed(2) : v;
}

/** FUNSD keys keep their colons: case, white space and trailing colons are not what is scored. */
const pairText = (key: string, value: string) => `${key.toLowerCase().replace(/\s+/g, ' ').replace(/[\s:]+$/, '').trim()}\u0000${value.toLowerCase().replace(/\s+/g, ' ').trim()}`;

const run = (item: Item) => extract({ tokens: normalizeTokens(item.tokens).tokens, text: '' }, builtinTemplates(), { topK: 3 });

function scoreReceipts(receipts: Receipt[]) {
  const byField = Object.fromEntries(RECEIPT_FIELDS.map((f) => [f, { correct: 0, predicted: 0 }]));
  let rankedFirst = 0;
  for (const r of receipts) {
    const result = run(r);
    if (result.template_id === 'tpl_builtin_receipt') rankedFirst++;
    for (const f of RECEIPT_FIELDS) {
      const value = result.fields[f]?.value ?? null;
      if (value !== null) byField[f]!.predicted++;
      if (value !== null && canonical(f, value) === canonical(f, r.gold[f])) byField[f]!.correct++;
    }
  }
  const correct = Object.values(byField).reduce((n, f) => n + f.correct, 0);
  const predicted = Object.values(byField).reduce((n, f) => n + f.predicted, 0);
  const precision = predicted ? correct / predicted : 0;
  const recall = correct / (receipts.length * RECEIPT_FIELDS.length);
  return { byField, rankedFirst, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

function scoreForms(forms: Form[]) {
  let tp = 0;
  let predicted = 0;
  let gold = 0;
  for (const form of forms) {
    const pool = form.pairs.map((p) => pairText(p.key, p.value));
    gold += pool.length;
    for (const kv of run(form).key_values) {
      predicted++;
      const i = pool.indexOf(pairText(kv.key, kv.value));
      if (i >= 0) {
        tp++;
        pool.splice(i, 1);
      }
    }
  }
  const precision = predicted ? tp / predicted : 0;
  const recall = gold ? tp / gold : 0;
  return { tp, predicted, gold, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

const payloadOf = (r: Receipt) => ({ ocr_tokens: r.tokens, document_text: '', document_images: [], top_k_templates: 3 });

async function post(url: string, key: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
}

async function overRest(ctx: SuiteContext, receipts: Receipt[]) {
  ctx.log('starting an embedded server for the REST figures');
  const server = await startEdgeServer({ label: 'extract' });
  try {
    const { restUrl, gatewayUrl, serviceUrls, adminToken, pid, dataDir } = server.info;
    const contextSecret = readFileSync(join(dataDir, 'context-secret'), 'utf8').trim();
    const client = await createClient({ pids: [pid], restUrl, gatewayUrl, serviceUrls, adminToken, contextSecret }, 'bench-extract@example.com');
    const url = `${restUrl}/v1/templates/smart/extract`;
    for (const r of receipts.slice(0, 10)) await post(url, client.apiKey, payloadOf(r)); // warm-up
    const times: number[] = [];
    for (let round = 0; round < REST_ROUNDS; round++) {
      for (const r of receipts) {
        const t = performance.now();
        await post(url, client.apiKey, payloadOf(r));
        times.push(performance.now() - t);
      }
    }
    const items = Array.from({ length: 100 }, (_, i) => payloadOf(receipts[i % receipts.length]!));
    await post(`${url}/batch`, client.apiKey, { items }); // warm-up
    const batches: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await post(`${url}/batch`, client.apiKey, { items });
      batches.push(performance.now() - t);
    }
    return { times, batchMs: quantile(batches, 0.5) };
  } finally {
    const ended = await server.stop();
    ctx.log(`extract server stopped: ${ended.signal ? `killed by ${ended.signal}` : `exit code ${ended.code}`}`);
  }
}

async function runExtract(ctx: SuiteContext): Promise<SuiteReport> {
  const receipts = load<Receipt>(ctx, 'receipts');
  const forms = load<Form>(ctx, 'forms');
  const r = scoreReceipts(receipts);
  const f = scoreForms(forms);
  ctx.log(`receipts micro F1 ${r.f1.toFixed(3)}; forms pair F1 ${f.f1.toFixed(3)}`);

  const service: number[] = [];
  for (let round = 0; round < SERVICE_ROUNDS; round++) {
    for (const item of receipts) {
      const t = performance.now();
      run(item);
      service.push(performance.now() - t);
    }
  }
  const rest = await overRest(ctx, receipts);
  const serviceP50 = quantile(service, 0.5);
  const restP50 = quantile(rest.times, 0.5);

  const accuracyRows = [
    ...RECEIPT_FIELDS.map((name) => [`receipts: ${name} accuracy`, '—', `${pct(r.byField[name]!.correct / receipts.length)} (${r.byField[name]!.correct}/${receipts.length})`, '—']),
    ['receipts: receipt template ranked first', '—', `${r.rankedFirst}/${receipts.length}`, '—'],
    ['receipts: micro precision / recall', '—', `${pct(r.precision)} / ${pct(r.recall)}`, '—'],
    ['receipts: micro F1', `≥ ${TARGETS.receiptsF1.toFixed(2)}`, r.f1.toFixed(3), verdict(r.f1 >= TARGETS.receiptsF1)],
    [`forms: pair precision / recall (${f.tp} of ${f.predicted} predicted, ${f.gold} gold)`, '—', `${pct(f.precision)} / ${pct(f.recall)}`, '—'],
    ['forms: pair F1', `≥ ${TARGETS.formsF1.toFixed(2)}`, f.f1.toFixed(3), verdict(f.f1 >= TARGETS.formsF1)],
    [`in the service: p50 per receipt (${service.length} extractions)`, `≤ ${TARGETS.serviceP50} ms`, ms(serviceP50), verdict(serviceP50 <= TARGETS.serviceP50)],
    ['in the service: p95 per receipt', '—', ms(quantile(service, 0.95)), '—'],
    [`over REST: p50 per receipt (${rest.times.length} requests, one at a time)`, `≤ ${TARGETS.restP50} ms`, ms(restP50), verdict(restP50 <= TARGETS.restP50)],
    ['over REST: p95 per receipt', '—', ms(quantile(rest.times, 0.95)), '—'],
    ['over REST: one batch of 100 receipts (median of 3)', `≤ ${TARGETS.batchMs} ms`, ms(rest.batchMs), verdict(rest.batchMs <= TARGETS.batchMs)],
  ];
  const markdown = [
    `The templates service's extraction engine (\`services/templates/src/engine\`: lines and reading order, label → value pairs by layout (\`src/layout\`), typed values, template ranking by anchors and fields found; no model, no training) on \`bench-data/receipts\` (${receipts.length} SROIE receipts, line tokens) and \`bench-data/forms\` (${forms.length} FUNSD forms, word tokens), read in place. Receipts: the four SROIE fields, exact match after normalizing case, white space and number formats, with the template chosen by ranking over all ${builtinTemplates().length} built-ins; a field left null is no prediction. Forms: every pair of \`key_values\` against FUNSD's question → answer links, case, white space and trailing colons normalized. The receipt template's fallback rules (issuer at the top, address under it, total row and rounding) were written looking at these same receipts, and the layout core's form rules (tick boxes, table headings as the keys of their cells, values wrapped over lines, look-alikes such as split times) looking at these same forms: there is no held-out set, so expect lower figures on documents unlike them. REST: an embedded server, requests one at a time from this process.`,
    '',
    table(['Figure', 'Target', 'Measured', 'Verdict'], accuracyRows),
  ].join('\n');
  return {
    title: 'Smart extraction: receipts, forms and latency',
    markdown,
    summary: [
      `receipts micro F1 ${r.f1.toFixed(3)} (≥ ${TARGETS.receiptsF1}), forms pair F1 ${f.f1.toFixed(3)} (≥ ${TARGETS.formsF1})`,
      `p50 ${ms(serviceP50)} in the service (≤ ${TARGETS.serviceP50}), ${ms(restP50)} over REST (≤ ${TARGETS.restP50}), batch of 100 ${ms(rest.batchMs)} (≤ ${TARGETS.batchMs})`,
    ],
  };
}

export const extractSuite: Suite = {
  name: 'extract',
  description: 'Smart extraction on bench-data/receipts (field accuracy, micro F1) and forms (pair F1), latency in the service and over REST, batch of 100',
  run: runExtract,
};
