/** The terms a contract's reader checks first, found in a section's text by what they look like. */
export interface Term {
  term: string;
  value: string;
}

const NUMBER_WORD = '(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|twenty-four|thirty|thirty-six|forty-five|sixty|ninety)';
const DURATION = new RegExp(`\\b(?:${NUMBER_WORD}\\s*\\(\\d{1,4}\\)|\\d{1,4}\\s*\\(${NUMBER_WORD}\\)|${NUMBER_WORD}|\\d{1,4})[\\s-]+(?:(?:business|calendar|working)\\s+)?(?:days?|weeks?|months?|years?)\\b`, 'gi');
const LAW = /\bgoverned by(?:,? and (?:shall be )?construed in accordance with,?)? the laws? of (?:the )?(?:[Ss]tate of |[Cc]ommonwealth of |[Pp]rovince of )?([A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,3})/g;
const MONEY = /(?:[$€£]\s?\d[\d,]*(?:\.\d{2})?|\b(?:USD|EUR|GBP)\s?\d[\d,]*(?:\.\d{2})?|\b\d[\d,]*(?:\.\d{2})?\s?(?:USD|EUR|GBP|dollars|euros|pounds)\b)/g;
const PARTY = /\bbetween\s+(.{3,80}?)\s*(?:\(|,)?[^)]*?\)?\s+and\s+(.{3,80}?)\s*(?:\(|,|\.|$)/i;

/** What a duration is for, from the words around it. */
function durationTerm(context: string): string {
  if (/renew/i.test(context)) return 'renewal term';
  if (/notice/i.test(context)) return 'notice period';
  if (/pay|invoice/i.test(context)) return 'payment terms';
  if (/\bterm\b|commence|expire/i.test(context)) return 'initial term';
  return 'duration';
}

export function termsOf(text: string): Term[] {
  const out: Term[] = [];
  for (const m of text.matchAll(DURATION)) {
    const context = text.slice(Math.max(0, m.index - 120), m.index + m[0].length + 40);
    out.push({ term: durationTerm(context), value: m[0].trim() });
  }
  for (const m of text.matchAll(LAW)) out.push({ term: 'governing law', value: m[1]!.trim().replace(/\.+$/, '') });
  for (const m of text.matchAll(MONEY)) out.push({ term: 'fees', value: m[0].trim() });
  const parties = PARTY.exec(text);
  if (parties) for (const p of parties.slice(1, 3)) out.push({ term: 'party', value: p!.replace(/["“”]/g, '').trim() });
  return out;
}

/** Terms whose values differ between two versions of a section, side by side. */
export function changedTerms(base: string, compare: string): Array<{ term: string; base: string | null; compare: string | null }> {
  const group = (terms: Term[]) => {
    const by = new Map<string, string[]>();
    for (const t of terms) by.set(t.term, [...(by.get(t.term) ?? []), t.value]);
    return by;
  };
  const a = group(termsOf(base));
  const b = group(termsOf(compare));
  const out: Array<{ term: string; base: string | null; compare: string | null }> = [];
  for (const term of new Set([...a.keys(), ...b.keys()])) {
    const left = (a.get(term) ?? []).join('; ');
    const right = (b.get(term) ?? []).join('; ');
    if (left.toLowerCase() !== right.toLowerCase()) out.push({ term, base: left || null, compare: right || null });
  }
  return out;
}
