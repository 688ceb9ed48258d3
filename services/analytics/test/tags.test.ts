import { tagText } from '../src/tags/index.js';
import { luhn, validIban } from '../src/tags/patterns.js';

const RECEIPT = ['CORNER MART', '12 HIGH STREET, LEEDS', 'Date: 14/03/2026 10:42', 'Milk 2L 1.45', 'Bread 1.10', 'SUBTOTAL 2.55', 'TOTAL 2.55', 'CASH 5.00', 'CHANGE 2.45', 'Thank you'].join('\n');
const CONTRACT = 'SERVICES AGREEMENT\nThis Agreement is made between Northwind Hosting Ltd ("Provider") and Contoso Retail Inc ("Customer"). The Provider shall host the Services. This Agreement is governed by the laws of the State of New York, and either party may terminate it on thirty (30) days notice.';

describe('tagText', () => {
  it('types a receipt, with money and dates found', () => {
    const t = tagText(RECEIPT);
    expect(t.doc_type).toBe('receipt');
    const types = t.entities.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['money', 'date']));
  });

  it('types a contract and names its parties as organizations, offsets slicing back to the text', () => {
    const t = tagText(CONTRACT);
    expect(t.doc_type).toBe('contract');
    expect(t.language).toBe('en');
    const orgs = t.entities.filter((e) => e.type === 'organization').map((e) => e.text);
    expect(orgs).toEqual(expect.arrayContaining(['Northwind Hosting Ltd', 'Contoso Retail Inc']));
    for (const e of t.entities) expect(CONTRACT.slice(e.start, e.end)).toBe(e.text);
    expect(t.tags[0]).toMatchObject({ tag: 'contract', category: 'doc_type' });
  });

  it('flags emails, phones, valid IBANs and Luhn-valid cards, and not their look-alikes', () => {
    const text = 'Mail a.b@example.org, call +44 20 7946 0958. IBAN GB82 WEST 1234 5698 7654 32, bad GB82 WEST 1234 5698 7654 33. Card 4111 1111 1111 1111; not 1234 5678 9012 3456. SSN 123-45-6789, born on 1990-04-12.';
    const pii = tagText(text).pii.map((p) => [p.type, text.slice(p.start, p.end)]);
    expect(pii).toEqual([
      ['email', 'a.b@example.org'],
      ['phone', '+44 20 7946 0958'],
      ['iban', 'GB82 WEST 1234 5698 7654 32'],
      ['credit_card', '4111 1111 1111 1111'],
      ['national_id', '123-45-6789'],
      ['date_of_birth', '1990-04-12'],
    ]);
  });

  it('tells languages apart, and says nothing of a text too short to tell', () => {
    expect(tagText('Le présent contrat est conclu entre les parties soussignées pour une durée de deux ans.').language).toBe('fr');
    expect(tagText('Dieser Vertrag wird zwischen den unterzeichnenden Parteien für zwei Jahre geschlossen.').language).toBe('de');
    expect(tagText('   ')).toMatchObject({ doc_type: 'other', language: null, entities: [], pii: [] });
  });

  it('checks IBANs and card numbers by their own rules', () => {
    expect(validIban('DE89370400440532013000')).toBe(true);
    expect(validIban('DE89370400440532013001')).toBe(false);
    expect(validIban('GB82WEST1234569876543')).toBe(false); // one character short for GB
    expect(luhn('5500-0000-0000-0004')).toBe(true);
    expect(luhn('1234567890123456')).toBe(false);
    expect(luhn('0000000000000000')).toBe(false);
  });
});
