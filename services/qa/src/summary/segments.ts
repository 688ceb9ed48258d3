import { SECTION_LINE_BREAK, SECTION_NUMBER } from '../retrieval/chunker.js';
import { splitSentences } from '../retrieval/sentences.js';

/** A piece of the document text, as offsets: a heading-like line or a sentence. */
export interface Segment {
  start: number;
  end: number;
  heading: boolean;
}

// Paragraphs: blank lines, form feeds, and numbered sections, as the chunker cuts them.
const BLOCK_BREAK = new RegExp(`\\n[ \\t]*\\n|\\f|${SECTION_LINE_BREAK.source}`, 'gu');
const MAX_HEADING_CHARS = 160;
const NUMBERED = new RegExp(`${SECTION_NUMBER.source}\\s+`);
/** Page numbers and rules ("12", "Page 3 of 9", "-----"): no content, wherever they stand. */
const FURNITURE = /^(?:(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?|[\s_=*.·-]+)$/i;
/** "Exhibit 10.1 Master Services Agreement This Agreement is made…": a title run glued to the preamble. */
const TITLE_PREFIX = /^((?:[\p{Lu}\p{N}]\S*|of|and|the|for|to|between|&|[-–—])(?:\s+(?:[\p{Lu}\p{N}(]\S*|of|and|the|for|to|between|&|[-–—]))+?)\s+(?=(?:This|THIS)\s)/u;

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * How much of a sentence is a heading run into it: a title before "This…", or words in capitals
 * before the first sentence word ("1. RIGHTS GRANTED Licensor grants…", "WARRANTIES. (a) Each…").
 * "THIS AGREEMENT (the…" and "WHEREAS, NCB is…" open sentences and stay.
 */
function headingLength(sentence: string): number {
  const title = TITLE_PREFIX.exec(sentence);
  if (title && /\p{L}{2}/u.test(title[1]!)) return title[1]!.length;
  let capitals = 0;
  let end = 0;
  for (const m of sentence.matchAll(/\S+/g)) {
    const word = m[0];
    if (/\p{Ll}/u.test(word)) {
      const opens = (capitals >= 2 && /^\p{Lu}\p{Ll}/u.test(word)) || (capitals >= 1 && sentence[end - 1] === '.' && word.startsWith('('));
      return opens ? end : 0;
    }
    if (/\p{Lu}{2}/u.test(word)) capitals++;
    end = m.index + word.length;
  }
  return 0;
}

function looksLikeHeading(line: string): boolean {
  if (line.length > MAX_HEADING_CHARS || !/\p{L}/u.test(line)) return false;
  if (!/\p{Ll}/u.test(line)) return (line.match(/\p{Lu}/gu)?.length ?? 0) >= 2; // ALL CAPS
  // Title Case, numbered or not ("3. Termination", "Master Supply Agreement"): every longer word capitalised.
  const body = line.replace(NUMBERED, '');
  return !/[.;,:!?]$/.test(body) && body.split(/\s+/).every((w) => w.length < 4 || /^[\p{Lu}\p{N}("“]/u.test(w));
}

/**
 * Headings and sentences of the text, in order. A line counts as a heading only where a heading
 * can stand: at the start of a paragraph or after a finished sentence, so a wrapped line of a
 * preamble ("National City Bank of Kentucky") stays inside its sentence.
 */
export function segmentText(text: string): Segment[] {
  const out: Segment[] = [];
  const sentences = (start: number, end: number) => {
    for (const s of splitSentences(text, start, end)) {
      const heading = headingLength(text.slice(s.start, s.end));
      if (heading) out.push({ start: s.start, end: s.start + heading, heading: true });
      const body = s.start + heading + (/^\s*/.exec(text.slice(s.start + heading, s.end))?.[0].length ?? 0);
      out.push({ start: body, end: s.end, heading: false });
    }
  };
  let blockStart = 0;
  const block = (start: number, end: number) => {
    let run = -1; // start of the current run of prose lines
    let previous = '';
    for (let at = start; at < end;) {
      const nl = text.indexOf('\n', at);
      const lineEnd = nl < 0 || nl > end ? end : nl;
      const line = collapse(text.slice(at, lineEnd));
      const canHead = run < 0 || /[.!?:;]["'”’)]*$/.test(previous);
      if (line && (FURNITURE.test(line) || (canHead && looksLikeHeading(line)))) {
        if (run >= 0) sentences(run, at);
        run = -1;
        if (!FURNITURE.test(line)) out.push({ start: at, end: lineEnd, heading: true });
      } else if (line && run < 0) run = at;
      if (line) previous = line;
      at = lineEnd + 1;
    }
    if (run >= 0) sentences(run, end);
  };
  for (const m of text.matchAll(BLOCK_BREAK)) {
    block(blockStart, m.index);
    blockStart = m.index + m[0].length;
  }
  block(blockStart, text.length);
  return out;
}
