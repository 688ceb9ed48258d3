import type { Tagging } from '@perceptiq/contracts';

type DocType = Tagging['doc_type'];

/** Cue phrases and their weights, per type. Whole words, case-insensitive; each counted at most `cap` times. */
const CUES: Record<Exclude<DocType, 'other'>, Array<[RegExp, number]>> = {
  receipt: [
    // A till line starts with them ("CASH 20.00", "CHANGE 8.55"); in prose they mean something else.
    [/^\s*(?:cash|change|tendered|rounding|round(?:ing)? adj)\b/gim, 2],
    [/^\s*(?:official |cash |sales )?receipt\b/gim, 3],
    [/\b(?:thank you|thanks for (?:shopping|visiting)|please come again)\b/gi, 2],
    [/\b(?:sub ?total|total|qty|gst|sst|vat|cashier|change due|visa|mastercard|debit)\b/gi, 1],
    [/\b(?:rm|usd|eur|gbp|\$|£|€)\s?\d/gi, 0.5],
  ],
  invoice: [
    [/\binvoice (?:no|number|#|date)\b/gi, 3],
    [/\b(?:bill(?:ed)? to|ship to|due date|payment terms|amount due|balance due|remit(?:tance)?)\b/gi, 2],
    [/\binvoice\b/gi, 1],
  ],
  purchase_order: [
    [/\bpurchase order\b/gi, 4],
    [/\b(?:p\.?o\.? (?:no|number|#)|vendor|ship via|delivery date|requisition)\b/gi, 2],
  ],
  contract: [
    [/\b(?:this|the) (?:agreement|contract)\b/gi, 2],
    [/\bshall\b/gi, 1],
    [/\b(?:whereas|hereinafter|hereto|hereby|hereunder|witnesseth|in witness whereof)\b/gi, 2],
    [/\b(?:governing law|terminat(?:e|ion)|indemnif(?:y|ication)|confidential(?:ity)?|warrant(?:y|ies)|liability|force majeure|assign(?:ment)?)\b/gi, 1],
    [/\b(?:party|parties)\b/gi, 0.5],
  ],
  letter: [
    [/^\s*(?:dear|to whom it may concern)\b/gim, 4],
    [/\b(?:sincerely|yours (?:faithfully|truly)|kind regards|best regards)\b/gi, 3],
  ],
  form: [
    [/\b(?:please (?:print|complete|fill)|signature|check (?:one|all that apply)|for office use only|applicant)\b/gi, 2],
    [/(?:_{4,}|\[\s?\]|☐|☑)/g, 1],
  ],
  report: [
    [/\b(?:executive summary|findings|methodology|conclusions?|recommendations?|appendix|table of contents)\b/gi, 2],
    [/\breport\b/gi, 1],
  ],
  statement: [
    [/\b(?:statement (?:of account|period|date)|opening balance|closing balance|account (?:summary|number))\b/gi, 3],
    [/\b(?:deposits?|withdrawals?|balance)\b/gi, 1],
  ],
  resume: [
    [/\b(?:curriculum vitae|resume|résumé)\b/gi, 3],
    [/\b(?:work experience|professional experience|education|skills|references available|employment history)\b/gi, 2],
  ],
};
const CAP = 6;
const LONG_TEXT = 6_000;
/** Below this score nothing is said: `other`. */
const MIN_SCORE = 3;

/** Many short lines ending in an amount: the shape of a till receipt. */
function receiptShape(text: string): number {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length < 5) return 0;
  const priced = lines.filter((l) => /\d+[.,]\d{2}\s*$/.test(l.trim()) && l.length < 60).length;
  return priced / lines.length > 0.25 ? 3 : 0;
}

/**
 * The document's type from cue phrases and its shape: each type's cues weighed and capped (a long
 * contract says "party" a hundred times), the best score wins with a confidence from its margin
 * over the runner-up, and below a minimum the type is `other`.
 */
export function docTypeOf(text: string): { type: DocType; confidence: number } {
  const scores = new Map<DocType, number>();
  for (const [type, cues] of Object.entries(CUES) as Array<[DocType, Array<[RegExp, number]>]>) {
    let score = 0;
    for (const [cue, weight] of cues) score += Math.min(CAP, text.match(cue)?.length ?? 0) * weight;
    scores.set(type, score);
  }
  scores.set('receipt', scores.get('receipt')! + receiptShape(text));
  // A till receipt is a page at most: pages of prose are something else, whatever cues they share.
  if (text.length > LONG_TEXT) scores.set('receipt', scores.get('receipt')! * 0.3);
  // "TAX INVOICE" heads many till receipts: an invoice needs more than the word when a till's cues are there.
  if ((text.match(CUES.receipt[0]![0]) ?? []).length > 0) scores.set('invoice', scores.get('invoice')! * 0.5);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < MIN_SCORE) return { type: 'other', confidence: 0.5 };
  const margin = (best[1] - (second?.[1] ?? 0)) / best[1];
  return { type: best[0], confidence: Math.round(Math.min(0.99, 0.5 + margin / 2) * 100) / 100 };
}
