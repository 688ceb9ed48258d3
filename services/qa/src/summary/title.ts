import type { Segment } from './segments.js';

/** Labels that stand before or beside a title: "Exhibit 10.1", "1" (a page number), "[Logo]", "Execution Copy". */
const LABEL = /^(?:(?:exhibit|schedule|annex|appendix|attachment)\s+[\w().-]+|execution\s+(?:copy|version)|\d+|\[[^\]]*\]|[*_=.·-]+)(?:\s+|$)/i;
/** Filing notices above a title ("Confidential treatment requested…", "portions have been redacted"). */
const NOTICE = /confidential treatment|redact|omitted/i;
const KIND_WORDS =
  'agreement contract lease license licence amendment addendum invoice order policy terms statement memorandum plan deed note certificate report proposal warrant guaranty guarantee'.split(' ');
const MAX_TITLE_CHARS = 200;
/** Where a document has no sentence at all, its title is looked for this far down. */
const MAX_TOP_SEGMENTS = 20;

function withoutLabels(text: string): string {
  let t = text;
  for (let m = LABEL.exec(t); m && m[0].length; m = LABEL.exec(t)) t = t.slice(m[0].length);
  return t.replace(/[\s,;:–—-]+$/, '');
}

/** The words a text opens with before its first word in lower case ("VIDEO-ON-DEMAND LICENSE AGREEMENT between…"). */
function capitalRun(text: string): string {
  const run: string[] = [];
  for (const w of text.trim().split(/\s+/)) {
    if (/\p{Ll}/u.test(w)) break;
    run.push(w);
  }
  return run.length >= 2 ? run.join(' ') : '';
}

/**
 * The document's title: among the headings above its first sentence (`lead`, a segment index)
 * and the capitalised openings of the text up to it, the first that names a kind of document
 * ("SERVICES AGREEMENT"), else the first that says anything, else the file name without its
 * extension. Cells of a line (runs of spaces apart) count as lines.
 */
export function findTitle(text: string, segments: Segment[], lead: number, filename: string, docType?: string | null): string {
  const kinds = new Set([...KIND_WORDS, ...(docType ? [docType.toLowerCase()] : [])]);
  const lines = segments
    .slice(0, lead < 0 ? MAX_TOP_SEGMENTS : lead + 1)
    .map((s) => (s.heading ? text.slice(s.start, s.end) : capitalRun(withoutLabels(text.slice(s.start, s.end)))))
    .filter((c) => !NOTICE.test(c))
    .flatMap((c) => c.split(/\s{3,}|\n/))
    .map((c) => withoutLabels(c.replace(/\s+/g, ' ').trim()))
    .filter((c) => /\p{L}{2}/u.test(c) && c.length <= MAX_TITLE_CHARS);
  const named = lines.find((l) => l.split(/[^\p{L}]+/u).some((w) => kinds.has(w.toLowerCase())));
  return named ?? lines[0] ?? filename.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
}
