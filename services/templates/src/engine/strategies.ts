import { right, sameRow, unionBox } from '../layout/index.js';
import { parseValue } from '../values/index.js';
import type { CompiledField } from './compiled.js';
import { norm, type ReadDocument } from './document.js';
import { mentions, rangeBox, round2, type Found } from './fields.js';
import type { FieldSpec } from './types.js';

/**
 * Fallback rules of the built-ins, for fields a label does not announce: the issuer's name at the
 * top, its address under it, the final amount of a receipt, a clause's sentence.
 */

/** Lines that name the document's kind or a field, not the issuer. */
const NOT_A_NAME = /^(tax invoice|invoice|receipt|official receipt|cash receipt|simplified tax invoice|purchase order|statement|bill|original|copy|duplicate|welcome|tel|fax|date|page)\b/i;
/** Words that make a top line the issuer's name. */
const COMPANY_WORDS = ['sdn', 'bhd', 'enterprise', 'trading', 'ltd', 'llc', 'inc', 'plc', 'gmbh', 'restaurant', 'restoran', 'store', 'mart', 'company', 'co', 'corporation', 'corp', 'shop', 'cafe', 'hardware', 'stationery', 'bookstore', 'supermarket', 'kedai', 'industries', 'services', 'motor', 'pharmacy', 'bakery', 'food', 'foods', 'gift', 'marketing', 'holdings', 'group', 'limited', 'trader', 'traders', 'plt', 'sb'];
/** Where an address block stops. */
const ADDRESS_STOP = /\b(tel\w*|fax|phone|ph|h\/p|hp|gst|reg|registration|email|e-mail|www|http|invoice|receipt|cashier|date|website|co\.? ?no|company no|roc|sst|careline|hotline|outlet|mobile)\b|@/i;
/** How an address's first line usually starts. */
const ADDRESS_START = /^(lot|no\b|no\.|unit|level|block|blk|jalan|jln|\d)/i;
/** A registration number after a company's name: "(519537-X)", "273500-U (KSB)". */
const REGISTRATION = /\s*[(\[]?\b\d{4,}[- ]?[a-z]\b[)\]]?.*$|\s*\(\d{4,}\s?[a-z]\)$/i;
/** A line holding only a company suffix, which belongs to the name above it. */
const SUFFIX_LINE = /^(sdn\.?\s*bhd\.?|s\/b|bhd|ltd\.?|limited|inc\.?|llc|plt)$/i;
const ADDRESS_WORDS = ['jalan', 'jln', 'taman', 'tmn', 'lot', 'no', 'street', 'st', 'road', 'rd', 'avenue', 'ave', 'blvd', 'floor', 'suite', 'block', 'blk', 'bandar', 'kg', 'kampung', 'lorong', 'persiaran', 'selangor', 'kuala', 'lumpur', 'johor', 'malaysia', 'level', 'building', 'plaza', 'centre', 'center', 'park', 'lane', 'drive', 'way', 'city', 'industrial', 'seksyen', 'section', 'pusat', 'batu', 'darul', 'ehsan', 'perak', 'pahang', 'melaka', 'kedah', 'penang', 'sabah', 'sarawak', 'negeri', 'sembilan', 'wilayah'];

const letters = (s: string) => (s.match(/\p{L}/gu) ?? []).length;

/** The issuer: among the first lines, one that reads as a company name (else the first name-like line). */
function topLines(doc: ReadDocument): Found & { index: number } | undefined {
  const candidates: number[] = [];
  for (let i = 0; i < doc.lines.length && candidates.length < 5; i++) {
    const line = doc.lines[i]!;
    if (line.page !== doc.lines[0]!.page) break;
    const text = line.text.trim();
    if (NOT_A_NAME.test(text) || letters(text) < 3 || letters(text) < 0.5 * text.replace(/\s/g, '').length) continue;
    if (parseValue('date', text) || /:/.test(text)) continue;
    candidates.push(i);
  }
  if (!candidates.length) return undefined;
  const named = candidates.find((i) => mentions(doc.normed[i]!, COMPANY_WORDS));
  let index = named ?? candidates[0]!;
  const lines = [doc.lines[index]!];
  // "NANDO'S CHICKENLAND MALAYSIA" / "SDN BHD": the suffix line completes the name (and names it, when it came first).
  if (SUFFIX_LINE.test(lines[0]!.text.trim()) && index > 0 && candidates.includes(index - 1)) lines.unshift(doc.lines[--index]!);
  else if (doc.lines[index + 1] && SUFFIX_LINE.test(doc.lines[index + 1]!.text.trim())) lines.push(doc.lines[index + 1]!);
  const value = lines.map((l) => l.text.trim()).join(' ').replace(REGISTRATION, '').trim();
  return { value, normalized: value, confidence: named !== undefined ? 0.75 : 0.5, page: lines[0]!.page, bbox: unionBox(lines.map((l) => l.bbox)), source: lines.map((l) => l.text).join(' '), labelled: false, index: index + lines.length - 1 };
}

/** The lines under the issuer's name that read as an address, up to its phone or registration line. */
function addressBlock(doc: ReadDocument): Found | undefined {
  const top = topLines(doc);
  if (!top) return undefined;
  const parts: number[] = [];
  for (let i = top.index + 1; i < doc.lines.length && parts.length < 6; i++) {
    const text = doc.lines[i]!.text.trim();
    if (ADDRESS_STOP.test(text)) {
      if (parts.length) break;
      continue;
    }
    const addressLike = /\d/.test(text) || mentions(doc.normed[i]!, ADDRESS_WORDS);
    // Company registration numbers ("(123456-X)") and suffix lines sit between name and address.
    if (!parts.length && (!addressLike || /^\(?[\d\s-]+[a-z]?\)?$/i.test(text) || /^\(.*\)$/.test(text))) {
      if (i - top.index > 3) return undefined;
      continue;
    }
    if (!addressLike && letters(text) > 40) break;
    parts.push(i);
  }
  // A branch or mall name may precede the address proper: start where an address starts, if one does.
  const from = parts.findIndex((i) => ADDRESS_START.test(doc.lines[i]!.text.trim()));
  if (from > 0) parts.splice(0, from);
  if (!parts.length) return undefined;
  const lines = parts.map((i) => doc.lines[i]!);
  const value = lines.map((l) => l.text.trim()).join(' ');
  return { value, normalized: value, confidence: 0.65, page: lines[0]!.page, bbox: unionBox(lines.map((l) => l.bbox)), source: value, labelled: false };
}

/** Total lines that are not the total paid. */
const NOT_THE_TOTAL = ['sub', 'subtotal', 'qty', 'quantity', 'items', 'item', 'disc', 'discount', 'excl', 'excluding', 'exclusive', 'before', 'saving', 'savings', 'points', 'weight', 'tendered', 'change', 'cash'];
const TAX_WORDS = ['gst', 'tax', 'vat', 'sst'];
const INCLUDING = ['incl', 'inclusive', 'including', 'inc'];
const PAYMENT_WORDS = ['cash', 'change', 'tendered', 'paid', 'visa', 'card', 'master', 'payment', 'credit', 'debit'];

/** An amount ending a line (or making it), with the label its row gives it: the lines left of it and the text before it. */
interface RowAmount {
  found: Found;
  amount: number;
  label: string;
  top: number;
  page: number;
}

function rowAmounts(doc: ReadDocument): RowAmount[] {
  const out: RowAmount[] = [];
  doc.lines.forEach((line) => {
    const m = /(?:^|[\s:$€£¥])((?:RM|[A-Z]{3})?\s?[$€£¥]?\s?-?\d{1,3}(?:[,.]?\d{3})*[.,]\d{2})\s*$/u.exec(line.text);
    if (!m) return;
    const parsed = parseValue('money', m[1]!);
    if (!parsed) return;
    const start = line.text.lastIndexOf(m[1]!);
    const left = doc.lines
      .filter((l) => l !== line && l.page === line.page && sameRow(l.bbox, line.bbox) && right(l.bbox) <= line.bbox[0] + 0.01)
      .sort((a, b) => a.bbox[0] - b.bbox[0])
      .map((l) => l.text);
    out.push({
      found: { value: parsed.value, normalized: parsed.normalized, confidence: 0.85, page: line.page, bbox: rangeBox(line, start, start + m[1]!.length), source: [...left, line.text].join(' '), labelled: true },
      amount: (parsed.normalized as { amount: number }).amount,
      label: norm([...left, line.text.slice(0, start)].join(' ')),
      top: line.bbox[1],
      page: line.page,
    });
  });
  return out.sort((a, b) => a.page - b.page || a.top - b.top);
}

function isTotalLabel(label: string): boolean {
  if (!mentions(label, ['total', 'amount', 'due', 'payable', 'nett', 'net', 'grand'])) return false;
  if (mentions(label, NOT_THE_TOTAL)) return false;
  return !mentions(label, TAX_WORDS) || mentions(label, INCLUDING);
}

/**
 * The amount paid: the largest amount a total row announces; after a rounding row, the rounded
 * amount under it; with no total row, the largest amount printed twice (a receipt repeats it).
 */
function finalTotal(doc: ReadDocument): Found | undefined {
  const rows = rowAmounts(doc);
  const totals = rows.filter((r) => isTotalLabel(r.label));
  let best = totals.reduce<RowAmount | undefined>((a, b) => (!a || b.amount > a.amount ? b : a), undefined);
  if (best) {
    const rounding = rows.findIndex((r) => r.top > best!.top && mentions(r.label, ['rounding', 'round', 'rounded', 'adj', 'adjustment']));
    const after = rounding >= 0 ? rows[rounding + 1] : undefined;
    if (after && !mentions(after.label, PAYMENT_WORDS) && Math.abs(after.amount - best.amount) < 1) best = after;
    return best.found;
  }
  const counts = new Map<number, number>();
  for (const r of rows) if (!mentions(r.label, PAYMENT_WORDS)) counts.set(r.amount, (counts.get(r.amount) ?? 0) + 1);
  const repeated = rows.filter((r) => r.amount > 0 && (counts.get(r.amount) ?? 0) >= 2 && !mentions(r.label, PAYMENT_WORDS));
  const largest = repeated.reduce<RowAmount | undefined>((a, b) => (!a || b.amount > a.amount ? b : a), undefined);
  return largest && { ...largest.found, confidence: 0.6, labelled: false };
}

/** The first value of the field's type anywhere, in reading order. */
function anyValue(field: FieldSpec, doc: ReadDocument): Found | undefined {
  for (const line of doc.lines) {
    const parsed = parseValue(field.type, line.text);
    if (!parsed) continue;
    const start = line.text.indexOf(parsed.value);
    return { value: parsed.value, normalized: parsed.normalized, confidence: round2(parsed.confidence * 0.75), page: line.page, bbox: rangeBox(line, start, start + parsed.value.length), source: line.text, labelled: false };
  }
  return undefined;
}

/** "… between A and B …": the parties as written. */
function parties(doc: ReadDocument): Found | undefined {
  for (let i = 0; i < doc.lines.length; i++) {
    const text = [doc.lines[i]!.text, doc.lines[i + 1]?.text ?? ''].join(' ');
    const m = /\bbetween\s+(.{2,120}?)\s+and\s+(.{2,120}?)(?=\s*(?:[,;(]|\.(?:\s|$)|$|\bwho\b|\bhereinafter\b))/i.exec(text);
    if (!m) continue;
    const value = `${m[1]!.trim()} and ${m[2]!.trim()}`;
    const lines = [doc.lines[i]!, ...(m.index + m[0].length > doc.lines[i]!.text.length && doc.lines[i + 1] ? [doc.lines[i + 1]!] : [])];
    return { value, normalized: value, confidence: 0.8, page: lines[0]!.page, bbox: unionBox(lines.map((l) => l.bbox)), source: text, labelled: true };
  }
  return undefined;
}

/** The sentence holding one of the field's labels (a clause), or for a date field the date in it. */
function sentence(field: CompiledField, doc: ReadDocument): Found | undefined {
  const words = field.labels.map((l) => l.normed);
  for (let i = 0; i < doc.lines.length; i++) {
    if (!words.some((w) => ` ${doc.normed[i]} `.includes(` ${w}`))) continue;
    // The sentence may run over a few lines.
    const lines = [doc.lines[i]!];
    while (lines.length < 4 && !/[.;]\s*$/.test(lines.at(-1)!.text) && doc.lines[i + lines.length]) lines.push(doc.lines[i + lines.length]!);
    const text = lines.map((l) => l.text.trim()).join(' ');
    const box = unionBox(lines.map((l) => l.bbox));
    if (field.spec.type !== 'string') {
      const parsed = parseValue(field.spec.type, text);
      if (!parsed) continue;
      const at = doc.lines[i]!.text.indexOf(parsed.value);
      return { value: parsed.value, normalized: parsed.normalized, confidence: round2(0.8 * parsed.confidence), page: lines[0]!.page, bbox: at >= 0 ? rangeBox(doc.lines[i]!, at, at + parsed.value.length) : box, source: text, labelled: true };
    }
    const value = text.length > 400 ? `${text.slice(0, text.lastIndexOf(' ', 400))}…` : text;
    return { value, normalized: value, confidence: 0.7, page: lines[0]!.page, bbox: box, source: text, labelled: true };
  }
  return undefined;
}

/** The field by its built-in rule, when it has one. */
export function byStrategy(field: CompiledField, doc: ReadDocument): Found | undefined {
  switch (field.spec.strategy) {
    case 'top_lines': {
      const top = topLines(doc);
      if (!top) return undefined;
      const { index: _index, ...found } = top;
      return found;
    }
    case 'address_block':
      return addressBlock(doc);
    case 'total':
      return finalTotal(doc);
    case 'any_value':
      return anyValue(field.spec, doc);
    case 'parties':
      return parties(doc);
    case 'sentence':
      return sentence(field, doc);
    default:
      return undefined;
  }
}
