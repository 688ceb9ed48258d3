import type { ExtractionInput, FieldSpec } from './types.js';
import { guessTypes, type FieldType } from '../values/index.js';
import { norm, readDocument } from './document.js';

/** Keys naming amounts: their numeric values are money even without a currency sign. */
const AMOUNT_WORDS = ['total', 'amount', 'balance', 'subtotal', 'tax', 'vat', 'gst', 'price', 'cost', 'fee', 'fees', 'due', 'paid', 'payment', 'charge', 'charges'];

/** `Invoice #` → `invoice_number`, `Total Due:` → `total_due`. */
export function fieldName(label: string): string {
  const words = norm(label.replace(/#/g, ' number ').replace(/\bno\.?(?=\s|$)/gi, ' number ')).split(' ').filter(Boolean);
  const name = words.join('_').slice(0, 64).replace(/_+$/, '');
  return /^[a-z]/.test(name) ? name : `field_${name}`;
}

/** A field from a client's list: its labels default to its name in words. */
export function fieldSpec(name: string, type: FieldType, labels?: string[]): FieldSpec {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return { name, type, required: false, description: words, labels: labels?.length ? labels : [words] };
}

/** A sample's label → value pairs as typed fields, one per distinct name, in reading order. */
export function proposeFields(input: ExtractionInput): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (const pair of readDocument(input).pairs) {
    const name = fieldName(pair.key);
    if (name === 'field_' || fields.some((f) => f.name === name)) continue;
    let type = guessTypes(pair.value)[0] ?? 'string';
    const amountKey = norm(pair.key).split(' ').some((w) => AMOUNT_WORDS.includes(w));
    if (amountKey && (type === 'number' || type === 'id')) type = 'money';
    fields.push({ name, type, required: false, description: pair.key, labels: [pair.key] });
  }
  return fields;
}
