import { describe, expect, test } from '@jest/globals';
import { builtinTemplates, extract } from '../../src/engine/index.js';
import type { ExtractionResult } from '../../src/engine/types.js';
import type { Token } from '../../src/layout/index.js';

/**
 * Each built-in on a realistic document made here: laid out as OCR gives it (lines with boxes,
 * labels and values in separate columns where forms put them), it must rank first and give its
 * key fields typed and normalized, with boxes on the page.
 */

/** A page: rows of cells `[text, x]`, one row every 3% of the page from the top. */
function page(rows: Array<Array<[string, number]>>, pageNo = 1): Token[] {
  return rows.flatMap((cells, r) => cells.map(([text, x]) => ({ text, page: pageNo, bbox: [x, 0.05 + r * 0.03, Math.min(0.98 - x, text.length * 0.009), 0.018] as Token['bbox'] })));
}
const left = (text: string): Array<[string, number]> => [[text, 0.06]];
const run = (tokens: Token[]): ExtractionResult => extract({ tokens, text: '' }, builtinTemplates(), { topK: 3 });
const value = (r: ExtractionResult, name: string) => r.fields[name]?.value;
const normalized = (r: ExtractionResult, name: string) => r.fields[name]?.normalized;

describe('built-in templates', () => {
  test('every built-in has an id of its type, typed fields and anchors', () => {
    const types = builtinTemplates().map((t) => t.doc_type);
    expect(types).toEqual(['invoice', 'receipt', 'purchase_order', 'contract', 'bank_statement', 'utility_bill', 'tax_form']);
    for (const t of builtinTemplates()) {
      expect(t.template_id).toBe(`tpl_builtin_${t.doc_type}`);
      expect(t.builtin).toBe(true);
      expect(t.anchors.length).toBeGreaterThan(3);
      expect(t.fields.some((f) => f.required)).toBe(true);
    }
  });

  test('invoice: number, dates, parties, amounts and line items', () => {
    const r = run(page([
      left('Northwind Traders Ltd'),
      left('45 King Street, Manchester M2 4LQ'),
      [['INVOICE', 0.7]],
      [['Invoice No:', 0.06], ['INV-88231', 0.25], ['Invoice Date:', 0.55], ['12 March 2024', 0.75]],
      [['Bill To:', 0.06], ['Fabrikam Inc.', 0.25], ['Due Date:', 0.55], ['11 April 2024', 0.75]],
      [['PO Number:', 0.06], ['PO-5512', 0.25]],
      [],
      [['Description', 0.06], ['Qty', 0.5], ['Unit Price', 0.62], ['Amount', 0.8]],
      [['Consulting services', 0.06], ['10', 0.5], ['$150.00', 0.62], ['$1,500.00', 0.8]],
      [['Travel expenses', 0.06], ['1', 0.5], ['$320.00', 0.62], ['$320.00', 0.8]],
      [['Subtotal', 0.62], ['$1,820.00', 0.8]],
      [['Tax (10%)', 0.62], ['$182.00', 0.8]],
      [['Total Due', 0.62], ['$2,002.00', 0.8]],
    ]));
    expect(r.template_id).toBe('tpl_builtin_invoice');
    expect(value(r, 'invoice_number')).toBe('INV-88231');
    expect(r.fields.invoice_number!.bbox![0]).toBeCloseTo(0.25, 5);
    expect(normalized(r, 'invoice_date')).toBe('2024-03-12');
    expect(normalized(r, 'due_date')).toBe('2024-04-11');
    expect(value(r, 'customer')).toBe('Fabrikam Inc.');
    expect(value(r, 'po_number')).toBe('PO-5512');
    expect(normalized(r, 'subtotal')).toEqual({ amount: 1820, currency: 'USD' });
    expect(normalized(r, 'total')).toEqual({ amount: 2002, currency: 'USD' });
    expect(r.line_items).toHaveLength(2);
    expect(r.line_items![0]).toMatchObject({ description: { value: 'Consulting services' }, quantity: { normalized: 10 }, amount: { normalized: { amount: 1500, currency: 'USD' } } });
  });

  test('receipt: shop, address, date and the rounded total paid', () => {
    const r = run(page([
      left('GOLDEN BAKERY SDN BHD (123456-K)'),
      left('NO. 8, JALAN MAWAR 3,'),
      left('TAMAN MELATI, 53100 KUALA LUMPUR'),
      left('TEL: 03-4141 2222'),
      left('RECEIPT'),
      [['Date: 25/01/2018', 0.06], ['Time: 10:32', 0.6]],
      [['Butter cake', 0.06], ['12.50', 0.8]],
      [['Coffee', 0.06], ['4.53', 0.8]],
      [['TOTAL', 0.06], ['17.03', 0.8]],
      [['ROUNDING', 0.06], ['-0.03', 0.8]],
      [['17.00', 0.8]],
      [['CASH', 0.06], ['20.00', 0.8]],
      [['CHANGE', 0.06], ['3.00', 0.8]],
      left('THANK YOU, PLEASE COME AGAIN'),
    ]));
    expect(r.template_id).toBe('tpl_builtin_receipt');
    expect(value(r, 'company')).toBe('GOLDEN BAKERY SDN BHD');
    expect(value(r, 'address')).toBe('NO. 8, JALAN MAWAR 3, TAMAN MELATI, 53100 KUALA LUMPUR');
    expect(normalized(r, 'date')).toBe('2018-01-25');
    expect(value(r, 'total')).toBe('17.00');
    expect(r.fields.total!.bbox![1]).toBeCloseTo(0.05 + 10 * 0.03, 5);
  });

  test('purchase order: number, dates, vendor, ship-to and total', () => {
    const r = run(page([
      left('Contoso Manufacturing'),
      [['PURCHASE ORDER', 0.6]],
      [['PO Number:', 0.55], ['PO-2024-0173', 0.75]],
      [['Order Date:', 0.55], ['2024-02-01', 0.75]],
      [['Vendor:', 0.06], ['Tailspin Parts Co.', 0.2]],
      [['Ship To:', 0.06], ['Contoso Plant 2, Dayton OH', 0.2]],
      [['Delivery Date:', 0.06], ['2024-02-20', 0.25]],
      [['Item', 0.06], ['Quantity', 0.5], ['Price', 0.65], ['Line Total', 0.8]],
      [['Steel brackets', 0.06], ['200', 0.5], ['$2.50', 0.65], ['$500.00', 0.8]],
      [['Total', 0.65], ['$500.00', 0.8]],
    ]));
    expect(r.template_id).toBe('tpl_builtin_purchase_order');
    expect(value(r, 'po_number')).toBe('PO-2024-0173');
    expect(normalized(r, 'order_date')).toBe('2024-02-01');
    expect(normalized(r, 'delivery_date')).toBe('2024-02-20');
    expect(value(r, 'vendor')).toBe('Tailspin Parts Co.');
    expect(value(r, 'ship_to')).toBe('Contoso Plant 2, Dayton OH');
    expect(normalized(r, 'total')).toEqual({ amount: 500, currency: 'USD' });
  });

  test('contract: parties, effective date, term, renewal, termination and governing law', () => {
    const r = run(page([
      left('MASTER SERVICES AGREEMENT'),
      left('This Master Services Agreement is entered into on January 15, 2024 between Northwind Traders Inc.'),
      left('and Contoso Ltd. (together, the parties).'),
      left('1. Term. The initial term of this Agreement is two (2) years from the Effective Date.'),
      left('2. Renewal. This Agreement shall automatically renew for successive one year periods.'),
      left('3. Termination. Either party may terminate this Agreement upon ninety days written notice.'),
      left('4. Governing Law. This Agreement shall be governed by the laws of the State of New York.'),
    ]));
    expect(r.template_id).toBe('tpl_builtin_contract');
    expect(value(r, 'parties')).toBe('Northwind Traders Inc. and Contoso Ltd');
    expect(normalized(r, 'effective_date')).toBe('2024-01-15');
    expect(value(r, 'term')).toMatch(/two \(2\) years/);
    expect(value(r, 'renewal')).toMatch(/automatically renew/);
    expect(value(r, 'termination_notice')).toMatch(/ninety days written notice/);
    expect(value(r, 'governing_law')).toMatch(/State of New York/);
  });

  test('bank statement: account, IBAN and balances', () => {
    const r = run(page([
      left('First Harbour Bank'),
      left('ACCOUNT STATEMENT'),
      [['Account Number:', 0.06], ['0012 3345 6789', 0.3]],
      [['IBAN:', 0.06], ['GB29 NWBK 6016 1331 9268 19', 0.3]],
      [['Statement Period:', 0.06], ['01/03/2024 - 31/03/2024', 0.3]],
      [['Opening Balance', 0.06], ['£2,310.44', 0.7]],
      [['Deposits', 0.06], ['£3,000.00', 0.7]],
      [['Withdrawals', 0.06], ['£1,120.10', 0.7]],
      [['Closing Balance', 0.06], ['£4,190.34', 0.7]],
    ]));
    expect(r.template_id).toBe('tpl_builtin_bank_statement');
    expect(value(r, 'account_number')).toBe('0012 3345 6789');
    expect(value(r, 'iban')).toBe('GB29 NWBK 6016 1331 9268 19');
    expect(normalized(r, 'opening_balance')).toEqual({ amount: 2310.44, currency: 'GBP' });
    expect(normalized(r, 'closing_balance')).toEqual({ amount: 4190.34, currency: 'GBP' });
  });

  test('utility bill: account, due date, amount due and usage', () => {
    const r = run(page([
      left('Bright Energy Electricity'),
      [['Account Number:', 0.06], ['7781-2290-11', 0.3]],
      [['Service Address:', 0.06], ['14 Elm Road, Springfield IL 62704', 0.3]],
      [['Billing Period:', 0.06], ['Feb 1 - Feb 29, 2024', 0.3]],
      [['Usage (kWh):', 0.06], ['642', 0.3]],
      [['Due Date:', 0.06], ['March 20, 2024', 0.3]],
      [['Amount Due:', 0.06], ['$98.17', 0.3]],
    ]));
    expect(r.template_id).toBe('tpl_builtin_utility_bill');
    expect(value(r, 'account_number')).toBe('7781-2290-11');
    expect(normalized(r, 'due_date')).toBe('2024-03-20');
    expect(normalized(r, 'amount_due')).toEqual({ amount: 98.17, currency: 'USD' });
    expect(value(r, 'service_address')).toBe('14 Elm Road, Springfield IL 62704');
  });

  test('tax form: form type, year, names, ids and amounts', () => {
    const r = run(page([
      left('Form W-2 Wage and Tax Statement 2023'),
      left('Department of the Treasury - Internal Revenue Service'),
      [["Employee's social security number:", 0.06], ['123-45-6789', 0.45]],
      [['Employer identification number (EIN):', 0.06], ['12-3456789', 0.45]],
      [["Employer's name:", 0.06], ['Contoso Ltd', 0.45]],
      [["Employee's name:", 0.06], ['Jane Q. Public', 0.45]],
      [['Wages, tips, other compensation:', 0.06], ['$68,500.00', 0.45]],
      [['Federal income tax withheld:', 0.06], ['$9,870.00', 0.45]],
    ]));
    expect(r.template_id).toBe('tpl_builtin_tax_form');
    expect(value(r, 'form_type')).toBe('W-2');
    expect(normalized(r, 'tax_year')).toBe(2023);
    expect(value(r, 'taxpayer_id')).toBe('123-45-6789');
    expect(value(r, 'employer')).toBe('Contoso Ltd');
    expect(value(r, 'taxpayer_name')).toBe('Jane Q. Public');
    expect(normalized(r, 'wages')).toEqual({ amount: 68500, currency: 'USD' });
    expect(normalized(r, 'tax_withheld')).toEqual({ amount: 9870, currency: 'USD' });
  });
});
