import { describe, expect, test } from '@jest/globals';
import { builtinTemplates, extract, fieldSpec, proposeFields } from '../../src/engine/index.js';
import type { TemplateSpec } from '../../src/engine/types.js';
import { normalizeTokens, type Token } from '../../src/layout/index.js';

const PUBLISHED: Token[] = normalizeTokens([
  { text: 'Invoice #', bbox: [0.11, 0.14, 0.09, 0.02], page: 1 },
  { text: 'INV-123', bbox: [0.21, 0.14, 0.1, 0.02], page: 1 },
]).tokens;

describe('extract', () => {
  test('the published example: the invoice first, INV-123 with its own box, and the pair', () => {
    const r = extract({ tokens: PUBLISHED, text: '' }, builtinTemplates(), { topK: 3 });
    expect(r.templates).toHaveLength(3);
    expect(r.templates[0]!.template_id).toBe('tpl_builtin_invoice');
    expect(r.templates[0]!.score).toBeGreaterThan(r.templates[1]!.score);
    expect(r.fields.invoice_number).toEqual({ value: 'INV-123', normalized: 'INV-123', confidence: expect.any(Number), page: 1, bbox: [0.21, 0.14, 0.1, 0.02], source_text: 'Invoice # INV-123' });
    expect(r.key_values).toEqual([{ key: 'Invoice #', value: 'INV-123', confidence: expect.any(Number), page: 1, key_bbox: [0.11, 0.14, 0.09, 0.02], value_bbox: [0.21, 0.14, 0.1, 0.02] }]);
    // Every field of the template is reported, found or not; a required one missing is warned about.
    expect(r.fields.total).toEqual({ value: null, normalized: null, confidence: 0, page: null, bbox: null, source_text: null });
    expect(r.warnings).toContain('invoice_date: required field not found');
  });

  test('from text alone: values typed and normalized, no boxes or pages', () => {
    const r = extract({ tokens: [], text: 'INVOICE\nInvoice Number: INV-9\nInvoice Date: 2024-07-01\nTotal: EUR 1.234,50' }, builtinTemplates(), { topK: 1 });
    expect(r.templates.map((t) => t.template_id)).toEqual(['tpl_builtin_invoice']);
    expect(r.fields.invoice_number).toMatchObject({ value: 'INV-9', page: null, bbox: null });
    expect(r.fields.invoice_date!.normalized).toBe('2024-07-01');
    expect(r.fields.total!.normalized).toEqual({ amount: 1234.5, currency: 'EUR' });
    expect(r.key_values.every((kv) => kv.page === null && kv.key_bbox === null && kv.value_bbox === null)).toBe(true);
  });

  test('template_id extracts with the named template even when another ranks first', () => {
    const r = extract({ tokens: PUBLISHED, text: '' }, builtinTemplates(), { topK: 3, templateId: 'tpl_builtin_receipt' });
    expect(r.templates[0]!.template_id).toBe('tpl_builtin_invoice');
    expect(r.template_id).toBe('tpl_builtin_receipt');
    expect(Object.keys(r.fields)).toEqual(builtinTemplates()[1]!.fields.map((f) => f.name));
  });

  test("a client's template built from a field list finds its fields by their labels", () => {
    const own: TemplateSpec = { template_id: 'tpl_own', name: 'Shipping label', doc_type: null, builtin: false, anchors: ['shipping label'], fields: [fieldSpec('tracking_number', 'id', ['Tracking No.']), fieldSpec('weight', 'number')] };
    expect(own.fields[1]!.labels).toEqual(['weight']);
    const r = extract({ tokens: [], text: 'SHIPPING LABEL\nTracking No. 1Z999AA10123456784\nWeight: 2.5 kg' }, [...builtinTemplates(), own], { topK: 3 });
    expect(r.template_id).toBe('tpl_own');
    expect(r.fields.tracking_number!.value).toBe('1Z999AA10123456784');
    expect(r.fields.weight!.normalized).toBe(2.5);
  });

  test('no input and no templates are answered, not thrown', () => {
    expect(extract({ tokens: [], text: '' }, builtinTemplates(), { topK: 3 })).toMatchObject({ key_values: [] });
    expect(extract({ tokens: PUBLISHED, text: '' }, [], { topK: 3 })).toEqual({ templates: [], template_id: null, fields: {}, key_values: expect.any(Array), warnings: [] });
  });

  test('20,000 word tokens are read to the end', () => {
    const tokens: Token[] = [];
    for (let i = 0; i < 19_998; i++) tokens.push({ text: `word${i}`, page: 1 + Math.floor(i / 400), bbox: [0.05 + (i % 8) * 0.11, 0.02 + (Math.floor(i / 8) % 50) * 0.019, 0.1, 0.015] });
    // The last page's last row: a pair.
    tokens.push({ text: 'Total:', page: 50, bbox: [0.05, 0.97, 0.06, 0.015] }, { text: '$77.10', page: 50, bbox: [0.3, 0.97, 0.06, 0.015] });
    const r = extract({ tokens, text: '' }, builtinTemplates(), { topK: 3 });
    expect(r.key_values).toContainEqual(expect.objectContaining({ key: 'Total', value: '$77.10', page: 50 }));
  });
});

describe('proposeFields', () => {
  test('a sample proposes typed fields: a date, and a total as money even without a currency sign', () => {
    const tokens = normalizeTokens([
      { text: 'Delivery Date:', bbox: [0.1, 0.12, 0.15, 0.02] },
      { text: '02/05/2024', bbox: [0.3, 0.12, 0.12, 0.02] },
      { text: 'Total:', bbox: [0.1, 0.16, 0.07, 0.02] },
      { text: '310.50', bbox: [0.3, 0.16, 0.09, 0.02] },
      { text: 'Driver #', bbox: [0.1, 0.2, 0.09, 0.02] },
      { text: 'D-44', bbox: [0.3, 0.2, 0.05, 0.02] },
    ]).tokens;
    expect(proposeFields({ tokens, text: '' })).toEqual([
      { name: 'delivery_date', type: 'date', required: false, description: 'Delivery Date', labels: ['Delivery Date'] },
      { name: 'total', type: 'money', required: false, description: 'Total', labels: ['Total'] },
      { name: 'driver_number', type: 'id', required: false, description: 'Driver #', labels: ['Driver #'] },
    ]);
  });
});

describe('position hints', () => {
  // "Date:" twice: the order date at the top right, the delivery date below its label further down.
  const tokens = normalizeTokens([
    { text: 'Date:', bbox: [0.6, 0.05, 0.06, 0.02] },
    { text: '2024-01-10', bbox: [0.7, 0.05, 0.12, 0.02] },
    { text: 'Date:', bbox: [0.1, 0.5, 0.06, 0.02] },
    { text: '2024-02-20', bbox: [0.1, 0.53, 0.12, 0.02] },
  ]).tokens;
  const template = (position: TemplateSpec['fields'][number]['position']): TemplateSpec => ({
    template_id: 'tpl_pos', name: 'Positions', doc_type: null, builtin: false, anchors: [],
    fields: [{ ...fieldSpec('when', 'date', ['Date']), ...(position ? { position } : {}) }],
  });
  const when = (position?: TemplateSpec['fields'][number]['position']) => extract({ tokens, text: '' }, [template(position)], { topK: 1 }).fields.when!.normalized;

  test('relation picks the value right of the label or below it', () => {
    expect(when({ relation: 'right' })).toBe('2024-01-10');
    expect(when({ relation: 'below' })).toBe('2024-02-20');
  });

  test('a page region prefers the value inside it', () => {
    expect(when({ region: [0, 0.4, 1, 0.6] })).toBe('2024-02-20');
    expect(when({ region: [0.5, 0, 0.5, 0.2] })).toBe('2024-01-10');
  });
});
