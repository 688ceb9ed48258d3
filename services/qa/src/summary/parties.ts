import type { FactText } from './fact-text.js';
import { matchesOf, type Match, type Parsed } from './nlp.js';

// "Co." and "S.A." only with their periods: "CO", "NV", "SA" are as often a state or a province.
const SUFFIXES = 'inc incorporated ltd limited llc l.l.c llp lp l.p corp corporation co. company gmbh ag s.a n.v b.v bv plc pty s.p.a spa sarl kg'.split(' ');
const SUFFIX_SET = new Set(SUFFIXES);
/** Suffixes that are abbreviations, whose period belongs to the name ("Inc.", not "Corporation."). */
const ABBREVIATED = new Set(['inc', 'ltd', 'corp', 'co', 'pty']);
const SUFFIX = SUFFIXES.map((s) => s.replace(/\./g, '\\.').replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)).join('|');
/** A capitalised word of a name: "Northwind", "YourNetPlus.com", "U.S.A.", "AT&T", "Müller", "iVillage"; "BETWEEN" in capitals parts names. */
const WORD = String.raw`(?<![\p{L}\p{N}])(?!(?:BETWEEN|BY)\b)(?:[\p{Lu}\p{N}]|\p{Ll}(?=\p{Lu}))[\p{L}\p{N}.&'’@-]*`;
const CONNECTOR = String.raw`(?:of|the|for|de|du|des|la|le|von|van|der|&)`;
const CONNECTOR_WORD = new RegExp(`^${CONNECTOR}$`);
/** A name on one line, its company suffix attached even after a comma ("YourNetPlus.com, Inc."). */
const NAME = new RegExp(String.raw`${WORD}(?:[^\S\n]+(?:${CONNECTOR}[^\S\n]+)*${WORD})*(?:,?[^\S\n]+(?:${SUFFIX})(?!\p{L})\.?)*`, 'gu');
/** Words a party's name never opens with ("This Agreement (the "Agreement")", "Exhibit A"). */
const NOT_A_NAME = /^(?:this|that|these|those|such|each|any|all|both|either|neither|whereas|now|exhibit|schedule|section|article)\b/i;
/** What stands before a party's name in a preamble: a line start, "between", "and", "by", "which", ";". */
const PARTY_BEFORE = /(?:^|\n|\b(?:between|and|by|which)\s+(?:the\s+)?|;\s*)$/i;
/** What follows a party's name: its defined short name or a description ("CyberShop, a Delaware corporation"). */
const PARTY_AFTER = /^\s*,?\s*(?:\(|an?\s)/i;
/** "a Delaware corporation": a description, not a name. */
const ARTICLE_BEFORE = /\ban?\s+$/i;
/** Defined terms ("Provider", "Agreement", "User Data"): short names, not parties of their own. */
const DEFINED = /["“]([^"”\n]{1,60})["”]/g;
/** Words of a role or a signature block, never of a person's name. */
const ROLE_WORDS = new Set(['president', 'officer', 'vice', 'director', 'manager', 'secretary', 'chairman', 'chief', 'executive', 'senior', 'title', 'name', 'by', 'date', 'its', 'signature']);
const MAX_NAME_CHARS = 80;

const key = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
function isSuffix(word: string): boolean {
  const w = word.toLowerCase().replace(/,$/, '');
  return SUFFIX_SET.has(w) || SUFFIX_SET.has(w.replace(/\.$/, ''));
}
const hasSuffix = (name: string) => isSuffix(name.split(' ').pop() ?? '');

/**
 * A name as a party list shows it: no "the", no possessive, nothing after its company suffix
 * (in capitals a name runs on: "STW RESOURCES HOLDING CORP. REGARDING…"), no bracket, no stray
 * punctuation; an abbreviated suffix ("Inc.") or an initialism ("L.P.") keeps its period.
 */
function normalise(raw: string): string {
  const words = raw
    .replace(/\s*\(.*$/s, '')
    .replace(/^["“'‘]+/, '')
    .replace(/^(?:\(?[A-Za-z\d]{1,3}[.)]\s+)?the\s+/i, '')
    .split(/\s+/)
    .filter(Boolean);
  const suffix = words.findIndex((w, i) => i > 0 && isSuffix(w));
  let name = (suffix > 0 ? words.slice(0, suffix + 1) : words).join(' ');
  name = name.replace(/['’]s$/, '').replace(/[\s,;:"“”'’)]+$/, '');
  const last = name.split(' ').pop() ?? '';
  if (name.endsWith('.') && !ABBREVIATED.has(last.toLowerCase().slice(0, -1)) && !/\.\p{L}+\.$/u.test(last)) name = name.slice(0, -1);
  return name;
}

/** A plausible name of a company or a person: capitalised words, not just a suffix, no role words for a person. */
function plausible(name: string, person: boolean): boolean {
  const words = name.split(' ');
  if (!name || name.length > MAX_NAME_CHARS || /[:/"“”*_@]|\d{3}/.test(name) || NOT_A_NAME.test(name) || isSuffix(words[0]!)) return false;
  if (!words.every((w) => /^(?:[\p{Lu}\p{N}&]|\p{Ll}\p{Lu})/u.test(w) || CONNECTOR_WORD.test(w))) return false;
  if (!words.some((w) => !isSuffix(w) && /\p{L}{2}/u.test(w))) return false;
  return !person || (words.length >= 2 && !words.some((w) => ROLE_WORDS.has(w.toLowerCase().replace(/\.$/, ''))));
}

/**
 * The parties the preamble names: the name after "between"; any name with a company suffix; and
 * a name where a party's name stands (after "and", "by", a line start…) when its defined short
 * name or a description follows. "a Delaware Corporation" describes a party and is none.
 */
function preambleParties(preamble: string): string[] {
  const text = preamble.replace(/[^\S\n]+/g, ' ');
  const out: string[] = [];
  for (const m of text.matchAll(NAME)) {
    const before = text.slice(Math.max(0, m.index - 20), m.index);
    if (ARTICLE_BEFORE.test(before)) continue;
    const name = normalise(m[0]);
    const named = PARTY_BEFORE.test(before) && PARTY_AFTER.test(text.slice(m.index + m[0].length));
    if (/between\s+(?:the\s+)?$/i.test(before) || hasSuffix(name) || named) out.push(name);
  }
  return out;
}

/**
 * Parties: those the preamble names, then the organisations and people compromise finds, most
 * often mentioned first (then earliest). Defined short names ("Provider") and names part of one
 * already listed ("Northwind Traders" after "Northwind Traders Inc.") are left out.
 */
export function findParties(doc: Parsed, fed: FactText, text: string, preamble: string, limit: number): string[] {
  const defined = new Set(Array.from(text.matchAll(DEFINED), (m) => key(m[1]!)));
  const mentions = new Map<string, { name: string; count: number; first: number }>();
  const add = (matches: Match[], person: boolean) => {
    for (const m of matches) {
      const name = normalise(m.text);
      const k = key(name);
      if (!plausible(name, person) || defined.has(k) || ARTICLE_BEFORE.test(fed.text.slice(Math.max(0, m.start - 4), m.start))) continue;
      const seen = mentions.get(k);
      if (seen) seen.count++;
      else mentions.set(k, { name, count: 1, first: fed.inDocument(m).start });
    }
  };
  add(matchesOf(doc.organizations()), false);
  add(matchesOf(doc.people()), true);
  // A name mentioned once and with no company suffix is mostly a passing reference ("American
  // Arbitration Association", an address) or a mistagged phrase, not a party.
  const found = [...mentions.values()]
    .filter((m) => m.count > 1 || hasSuffix(m.name))
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .map((m) => m.name);

  const out: string[] = [];
  for (const name of [...preambleParties(preamble).filter((n) => plausible(n, false) && !defined.has(key(n))), ...found]) {
    const k = ` ${key(name)} `;
    if (out.some((o) => ` ${key(o)} `.includes(k))) continue;
    out.push(name);
    if (out.length === limit) break;
  }
  return out;
}
