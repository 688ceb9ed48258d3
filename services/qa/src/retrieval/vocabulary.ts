import { stem } from './terms.js';

/**
 * Contract and finance topics a question may be about: the words that name the topic in a
 * question (`triggers`), the words that express it in a document (`expand`), and phrases that show
 * a sentence states it (`cues`). Category-level knowledge only; nothing about any one document.
 */
export interface Topic {
  name: string;
  triggers: string[];
  /** Words that name the topic only when the question names no other ("a third party", "upon notice"). */
  weakTriggers?: string[];
  expand: string[];
  cues: RegExp[];
  /** Stated near the top of a contract (the preamble): parties and dates. */
  preamble?: boolean;
  /** Cues a sentence must show to be fully on topic (default 2): one written date is a date. */
  cuesNeeded?: number;
  /** Phrases that mention the topic without stating it (what survives "expiration or termination"). */
  inPassing?: RegExp[];
}

export const TOPICS: Topic[] = [
  {
    name: 'renewal',
    triggers: ['renewal', 'renew', 'renewed', 'extension', 'extend', 'extensions'],
    expand: ['renew', 'renewal', 'renewed', 'extend', 'extended', 'extension', 'successive', 'automatically', 'additional', 'term', 'period', 'unless'],
    cues: [/\brenew/i, /\bsuccessive\b/i, /\bautomatic(ally)?\s+(be\s+)?(renew|extend)/i, /\bextend(ed)?\s+for\b/i, /additional\s+(\w+\s+){0,3}(term|period|year)/i],
  },
  {
    name: 'termination',
    triggers: ['termination', 'terminate', 'terminated', 'cancel', 'cancellation'],
    expand: ['terminate', 'termination', 'terminated', 'cancel', 'cancellation', 'expire', 'notice', 'written', 'days', 'prior', 'cause', 'convenience'],
    cues: [/\bterminat/i, /\bcancel/i, /\bwithout\s+cause\b/i, /\bfor\s+(any|no)\s+reason\b/i, /\bfor\s+convenience\b/i, /\b\w+\s*\(\d+\)\s*days'?\s*(prior\s+)?(written\s+)?notice\b/i],
  },
  {
    // Ending a contract at will, not for a breach: what "termination for convenience" asks about.
    name: 'convenience',
    triggers: ['convenience', 'cause'],
    expand: ['convenience', 'cause', 'reason', 'notice', 'any', 'time'],
    cues: [/\bwithout\s+cause\b/i, /\bfor\s+(its\s+|their\s+)?convenience\b/i, /\bfor\s+any\s+(reason|or\s+no\s+reason)\b/i, /\bat\s+any\s+time\b/i, /\b\w+\s*\(\d+\)\s*days'?\s*(prior\s+)?(written\s+)?notice\b/i],
    inPassing: [/\bbreach/i, /\bdefault\b/i, /\b(insolven|bankrupt)/i],
  },
  {
    name: 'notice',
    triggers: [],
    weakTriggers: ['notice'],
    expand: ['notice', 'written', 'days', 'prior', 'notify'],
    cues: [/\bdays'?\s*(prior\s+)?(written\s+)?notice\b/i, /\bnotice\s+(of|to)\s+(non-?renewal|terminat)/i],
  },
  {
    name: 'expiration',
    triggers: ['expiration', 'expiry', 'duration'],
    weakTriggers: ['expire', 'expires'],
    expand: ['term', 'expire', 'expiration', 'years', 'months', 'until', 'continue', 'effect', 'remain', 'force', 'initial'],
    cues: [
      /\b(shall|will)\s+(continue|remain|be)\s+in\s+(full\s+)?(force|effect)/i,
      /\bexpir/i,
      /\binitial\s+term\b/i,
      /\bterm\s+of\s+(this|the)\s+agreement\b/i,
      /\b(period|term)\s+of\s+\w+\s*(\(\d+\)\s*)?(years?|months?)/i,
      /\b(for|of)\s+\w+\s*(\(\d+\)\s*)?(years?|months?)\s+(from|after|following|commencing)\b/i,
      /\b(expire|terminate|end)s?\s+on\b/i,
    ],
    inPassing: [/\b(surviv\w*|following|upon|after|by\s+reason\s+of|notwithstanding)\s+(the\s+|any\s+)?(expiration|termination|expiry)/i, /\b(expiration|expiry)\s+or\s+(earlier\s+)?termination\b/i],
  },
  {
    name: 'fees',
    triggers: ['fee', 'fees', 'payment', 'payments', 'price', 'pricing', 'cost', 'costs', 'compensation', 'royalty', 'royalties'],
    expand: ['fee', 'fees', 'payment', 'pay', 'paid', 'price', 'compensation', 'royalty', 'invoice', 'amount'],
    cues: [/\$\s?\d/, /\b(pay|paid|payable)\b/i, /\bper\s+(month|year|annum|unit)\b/i],
  },
  {
    name: 'law',
    triggers: ['law', 'laws', 'governing', 'governs', 'jurisdiction', 'venue'],
    expand: ['governed', 'laws', 'law', 'jurisdiction', 'construed', 'interpreted', 'accordance', 'state', 'courts'],
    cues: [
      /\b(governed|controlled|construed|interpreted|enforced)\s+(\w+\s+){0,3}?(by|in\s+accordance\s+with|under|according\s+to)\b/i,
      /\blaws?\s+of\s+(the\s+)?(state|commonwealth|province|republic|united|england|people)/i,
      /\blaws\s+of\s+[A-Z]/,
    ],
  },
  {
    name: 'liability',
    triggers: ['liability', 'liable', 'damages', 'cap', 'limitation', 'indemnity', 'indemnify'],
    expand: ['liability', 'liable', 'damages', 'exceed', 'limited', 'limitation', 'aggregate', 'maximum', 'consequential', 'amount'],
    cues: [/\b(shall|will)\s+not\s+exceed\b/i, /\bin\s+no\s+event\b/i, /\bliab(le|ility)\b/i, /\baggregate\b/i, /\bconsequential\b/i],
  },
  {
    name: 'assignment',
    triggers: ['assignment', 'assign', 'assigned', 'assignable', 'transfer'],
    expand: ['assign', 'assignment', 'assigned', 'assignable', 'transfer', 'transferred', 'consent', 'delegate', 'successors'],
    cues: [/\bassign/i, /\btransfer/i, /\bwithout\s+(\S+\s+){0,5}?(consent|permission|approval)\b/i, /\b(sublicens|sublet|delegat)/i],
  },
  {
    name: 'parties',
    triggers: ['parties', 'signed', 'signatories'],
    weakTriggers: ['party', 'between'],
    expand: ['between', 'entered', 'made', 'inc', 'llc', 'corporation', 'company', 'ltd', 'limited', 'hereinafter'],
    cues: [/\bby\s+and\s+between\b/i, /\bbetween\b/i, /\b(inc|llc|ltd|corp|corporation|company|limited|gmbh|plc)\b/i, /\("[^"]+"\)|\(“[^”]+”\)/],
    preamble: true,
  },
  {
    name: 'date',
    triggers: ['dated', 'effective'],
    weakTriggers: ['date', 'when'],
    expand: ['dated', 'date', 'effective', 'day', 'as', 'entered', 'made', 'commence', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
    cues: [/\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2},?\s+\d{4}\b/i, /\b\d{1,2}(st|nd|rd|th)?\s+day\s+of\b/i, /\beffective\s+date\b/i, /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/],
    preamble: true,
    cuesNeeded: 1,
  },
];

// By the word as written, not its stem: "expires" (a weak trigger) and "expiration" (a strong one)
// share a stem, and a question about renewal "after the initial term expires" is not about expiry.
function triggerMap(pick: (t: Topic) => string[] | undefined): Map<string, Topic[]> {
  const map = new Map<string, Topic[]>();
  for (const t of TOPICS) for (const w of pick(t) ?? []) map.set(w, [...(map.get(w) ?? []), t]);
  return map;
}
const STRONG = triggerMap((t) => t.triggers);
const WEAK = triggerMap((t) => t.weakTriggers);

/** Topics named by these (question) words; weak triggers count only when no strong one is there. */
export function topicsOf(words: string[]): Topic[] {
  const lookup = (map: Map<string, Topic[]>) => new Set(words.flatMap((w) => map.get(w.toLowerCase()) ?? []));
  const strong = lookup(STRONG);
  return [...(strong.size ? strong : lookup(WEAK))];
}

/** Words that carry no subject in a question over documents. */
export const QUESTION_STOPWORDS = new Set(
  (
    'a an the of to in on at by for from with and or as is are was were be been being this that these those it its which what who whom whose when where why how ' +
    'do does did can could should would will shall may might must any all some there their them they he she his her our we you your i me my if not no yes ' +
    'highlight parts part related reviewed lawyer details include includes including clause clauses provision provisions section sections document documents contract contracts agreement ' +
    'tell say says show give list find about than then into upon such other more most'
  )
    .split(/\s+/)
    .map(stem),
);
