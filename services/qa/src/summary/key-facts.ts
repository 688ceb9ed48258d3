import { findAmounts } from './amounts.js';
import { findTerms } from './contract-terms.js';
import { findDates } from './dates.js';
import { distinctInOrder } from './distinct.js';
import { factText } from './fact-text.js';
import { parse } from './nlp.js';
import { findParties } from './parties.js';
import type { Segment } from './segments.js';

export interface KeyFacts {
  parties: string[];
  dates: string[];
  amounts: string[];
  terms: string[];
}

const MAX_FACTS = 10;

/**
 * Who, when, how much and for how long, as the document writes them. `preamble` is the text
 * that names the parties (the lead sentence); `isSentence` tells prose from tables and signature
 * blocks.
 */
export function extractKeyFacts(text: string, segments: Segment[], preamble: string, isSentence: (s: Segment) => boolean): KeyFacts {
  const fed = factText(text, segments, isSentence);
  if (!fed.text.trim()) return { parties: [], dates: [], amounts: [], terms: [] };
  const doc = parse(fed.text);
  return {
    parties: findParties(doc, fed, text, preamble, MAX_FACTS),
    dates: distinctInOrder(findDates(doc, fed), MAX_FACTS),
    amounts: distinctInOrder(findAmounts(doc, fed, text), MAX_FACTS),
    terms: distinctInOrder(findTerms(doc, fed), MAX_FACTS),
  };
}
