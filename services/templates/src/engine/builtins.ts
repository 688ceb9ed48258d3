import type { FieldSpec, TemplateSpec } from './types.js';
import type { FieldType } from '../values/index.js';

/** A field in one line: name, type, labels; required and strategy when given. */
const f = (name: string, type: FieldType, labels: string[], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type,
  required: false,
  description: extra.description ?? name.replace(/_/g, ' '),
  labels,
  ...extra,
});

const TOTAL_LABELS = ['total', 'total due', 'amount due', 'balance due', 'grand total', 'total amount', 'invoice total', 'total payable', 'amount payable', 'total (incl. tax)'];

/** The built-in templates: ids `tpl_builtin_<doc_type>`, fixed, visible to every client. */
const BUILTINS: readonly TemplateSpec[] = [
  {
    template_id: 'tpl_builtin_invoice',
    name: 'Invoice',
    doc_type: 'invoice',
    builtin: true,
    anchors: ['invoice', 'bill to', 'invoice date', 'due date', 'payment terms', 'remit to', 'invoice number', 'amount due', 'sold to'],
    fields: [
      f('invoice_number', 'id', ['invoice #', 'invoice no', 'invoice number', 'invoice num', 'inv #', 'inv no', 'invoice id', 'invoice'], { required: true, description: 'The invoice number' }),
      f('invoice_date', 'date', ['invoice date', 'date of issue', 'issue date', 'date issued', 'date'], { required: true, description: 'When the invoice was issued' }),
      f('due_date', 'date', ['due date', 'payment due', 'due by', 'due']),
      f('vendor', 'string', ['from', 'vendor', 'seller', 'supplier', 'issued by'], { strategy: 'top_lines', description: 'Who issued the invoice' }),
      f('customer', 'string', ['bill to', 'billed to', 'customer', 'sold to', 'invoice to', 'client']),
      f('po_number', 'id', ['po #', 'po no', 'po number', 'purchase order', 'order number', 'order no']),
      f('subtotal', 'money', ['subtotal', 'sub total', 'sub-total', 'net amount', 'net total']),
      f('tax', 'money', ['tax', 'vat', 'gst', 'sales tax', 'tax amount', 'vat amount']),
      f('total', 'money', TOTAL_LABELS, { required: true, strategy: 'total', description: 'The amount to pay' }),
    ],
    line_items: {
      columns: [
        { name: 'description', type: 'string', labels: ['description', 'item', 'items', 'product', 'service', 'details'] },
        { name: 'quantity', type: 'number', labels: ['qty', 'quantity', 'units', 'hours'] },
        { name: 'unit_price', type: 'money', labels: ['unit price', 'price', 'rate', 'unit cost'] },
        { name: 'amount', type: 'money', labels: ['amount', 'total', 'line total', 'amt'] },
      ],
    },
  },
  {
    template_id: 'tpl_builtin_receipt',
    name: 'Receipt',
    doc_type: 'receipt',
    builtin: true,
    anchors: ['receipt', 'cash', 'change', 'cashier', 'thank you', 'rounding', 'tender', 'gst summary', 'qty', 'tax invoice', 'please come again', 'visa', 'subtotal'],
    fields: [
      f('company', 'string', [], { required: true, strategy: 'top_lines', description: 'The shop or company that issued the receipt' }),
      f('date', 'date', ['date', 'dated', 'date/time', 'trans date'], { required: true, strategy: 'any_value', description: 'The date of the purchase' }),
      f('address', 'address', [], { required: true, strategy: 'address_block', description: "The shop's address" }),
      f('total', 'money', [...TOTAL_LABELS, 'total rm', 'total amt', 'nett total', 'net total', 'total sales', 'rounded total', 'total inclusive'], { required: true, strategy: 'total', description: 'The amount paid' }),
      f('tax', 'money', ['gst', 'tax', 'vat', 'sst', 'service tax', 'total gst']),
      f('receipt_number', 'id', ['receipt #', 'receipt no', 'receipt number', 'invoice no', 'bill no', 'doc no', 'ref no', 'trans no', 'check #']),
    ],
  },
  {
    template_id: 'tpl_builtin_purchase_order',
    name: 'Purchase order',
    doc_type: 'purchase_order',
    builtin: true,
    anchors: ['purchase order', 'po number', 'po #', 'ship to', 'vendor', 'order date', 'delivery date', 'requisitioner', 'ship via'],
    fields: [
      f('po_number', 'id', ['po #', 'po no', 'po number', 'purchase order #', 'purchase order no', 'purchase order number', 'order number', 'order #'], { required: true }),
      f('order_date', 'date', ['order date', 'po date', 'date']),
      f('delivery_date', 'date', ['delivery date', 'required by', 'ship date', 'deliver by']),
      f('vendor', 'string', ['vendor', 'supplier', 'to']),
      f('ship_to', 'string', ['ship to', 'deliver to', 'delivery address']),
      f('total', 'money', TOTAL_LABELS, { required: true, strategy: 'total' }),
    ],
    line_items: {
      columns: [
        { name: 'description', type: 'string', labels: ['description', 'item', 'product'] },
        { name: 'quantity', type: 'number', labels: ['qty', 'quantity'] },
        { name: 'unit_price', type: 'money', labels: ['unit price', 'price', 'rate'] },
        { name: 'amount', type: 'money', labels: ['amount', 'total', 'line total'] },
      ],
    },
  },
  {
    template_id: 'tpl_builtin_contract',
    name: 'Contract',
    doc_type: 'contract',
    builtin: true,
    anchors: ['agreement', 'contract', 'parties', 'governing law', 'term', 'termination', 'hereby', 'whereas', 'in witness whereof', 'effective date', 'renew'],
    fields: [
      f('parties', 'string', ['parties', 'between'], { required: true, strategy: 'parties', description: 'Who the agreement is between' }),
      f('effective_date', 'date', ['effective date', 'dated', 'made on', 'entered into on', 'as of', 'effective as of'], { required: true, strategy: 'sentence' }),
      f('term', 'string', ['term', 'initial term'], { strategy: 'sentence', description: 'How long the agreement runs' }),
      f('renewal', 'string', ['renew', 'renewal', 'automatically renew'], { strategy: 'sentence', description: 'How the agreement renews' }),
      f('termination_notice', 'string', ['terminate', 'termination'], { strategy: 'sentence', description: 'How the agreement can be ended' }),
      f('governing_law', 'string', ['governed by', 'governing law', 'laws of'], { strategy: 'sentence', description: 'Which law governs the agreement' }),
    ],
  },
  {
    template_id: 'tpl_builtin_bank_statement',
    name: 'Bank statement',
    doc_type: 'bank_statement',
    builtin: true,
    anchors: ['statement', 'account statement', 'bank statement', 'opening balance', 'closing balance', 'statement period', 'account number', 'iban', 'deposits', 'withdrawals', 'sort code'],
    fields: [
      f('account_number', 'id', ['account number', 'account no', 'account #', 'acct no', 'account'], { required: true }),
      f('iban', 'id', ['iban']),
      f('statement_date', 'date', ['statement date', 'date']),
      f('period_start', 'date', ['period from', 'from', 'statement period', 'period']),
      f('period_end', 'date', ['period to', 'to', 'through']),
      f('opening_balance', 'money', ['opening balance', 'beginning balance', 'previous balance', 'balance brought forward'], { required: true }),
      f('closing_balance', 'money', ['closing balance', 'ending balance', 'new balance', 'balance carried forward'], { required: true }),
    ],
  },
  {
    template_id: 'tpl_builtin_utility_bill',
    name: 'Utility bill',
    doc_type: 'utility_bill',
    builtin: true,
    anchors: ['electricity', 'gas', 'water', 'utility', 'meter', 'kwh', 'usage', 'billing period', 'service address', 'amount due', 'energy'],
    fields: [
      f('account_number', 'id', ['account number', 'account no', 'account #', 'customer number'], { required: true }),
      f('provider', 'string', ['provider', 'supplier'], { strategy: 'top_lines' }),
      f('billing_period', 'string', ['billing period', 'service period', 'period']),
      f('service_address', 'address', ['service address', 'supply address', 'premises']),
      f('due_date', 'date', ['due date', 'payment due', 'pay by', 'due by'], { required: true }),
      f('amount_due', 'money', ['amount due', 'total due', 'total amount due', 'balance due', 'amount to pay'], { required: true, strategy: 'total' }),
      f('usage', 'number', ['usage', 'kwh used', 'consumption', 'total usage']),
    ],
  },
  {
    template_id: 'tpl_builtin_tax_form',
    name: 'Tax form',
    doc_type: 'tax_form',
    builtin: true,
    anchors: ['w-2', 'w-9', '1099', 'tax year', 'internal revenue service', 'irs', 'taxpayer', 'wage and tax statement', 'employer identification number', 'social security', 'withheld', 'form'],
    fields: [
      f('form_type', 'string', ['form'], { required: true, patterns: ['\\b(W-2|W-9|W-4|1099(?:-[A-Z]+)?|1040|1098|SA100|P60)\\b'], description: 'W-2, 1099, W-9, 1040, …' }),
      f('tax_year', 'number', ['tax year', 'year'], { patterns: ['\\b(19|20)\\d{2}\\b'] }),
      f('taxpayer_name', 'string', ["employee's name", 'employee name', 'name', 'taxpayer name', "recipient's name"]),
      f('taxpayer_id', 'id', ["employee's social security number", 'social security number', 'ssn', 'tin', "recipient's tin", 'taxpayer identification number']),
      f('employer', 'string', ["employer's name", 'employer name', 'employer', "payer's name", 'payer']),
      f('employer_id', 'id', ['employer identification number', 'ein', "payer's tin"]),
      f('wages', 'money', ['wages, tips, other compensation', 'wages', 'gross pay', 'total income', 'nonemployee compensation']),
      f('tax_withheld', 'money', ['federal income tax withheld', 'tax withheld', 'income tax withheld']),
    ],
  },
];

export function builtinTemplates(): readonly TemplateSpec[] {
  return BUILTINS;
}
