/** A document cut into the sections compare aligns: numbered clauses, headed parts, or paragraphs. */
export interface Section {
  /** "7. Governing Law", "Preamble", "Paragraph 3". */
  label: string;
  /** Lower-cased heading without its number, for alignment across renumbering; null without one. */
  key: string | null;
  /** The section's words, white space collapsed (its heading included). */
  text: string;
}

/** "12.", "4.2", "Section 5", "Article IV", "ARTICLE 2" and a short heading after it. */
const NUMBERED = /^\s*(?:(?:section|article|clause)\s+)?((?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}))[.):]?\s+(\S.{0,118})$/i;
/** A heading is short and does not read as a sentence. */
const isHeading = (rest: string) => rest.split(/\s+/).length <= 12 && !/[.;:,]\s*$/.test(rest.replace(/\.$/, '')) && /^[\p{Lu}\d"“(]/u.test(rest);
/** Page furniture a PDF repeats: "Page 3 of 10", "- 3 -", a lone page number. */
const PAGE_FURNITURE = /^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d{1,4})\s*$/i;

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The pages as one text, without page furniture, words split over a line end rejoined. */
export function documentText(pages: string[]): string {
  return pages
    .join('\n')
    .split('\n')
    .filter((line) => !PAGE_FURNITURE.test(line))
    .join('\n')
    .replace(/(\p{L})-\n(\p{Ll})/gu, '$1$2');
}

/**
 * Sections by numbered headings ("3. Term and Renewal", on a line of its own or leading its
 * clause); text before the first is the preamble. A document with fewer than two numbered
 * headings is cut into paragraphs (blank lines), or into lines when it has no blank lines.
 */
export function sectionsOf(text: string): Section[] {
  const lines = text.split('\n');
  const heads: Array<{ line: number; number: string; heading: string }> = [];
  lines.forEach((line, i) => {
    const m = NUMBERED.exec(line);
    if (!m) return;
    const rest = m[2]!.trim();
    // "3. Term and Renewal" alone on its line, or "3. Term. This Agreement…": the heading is up to the first period.
    const heading = isHeading(rest) ? rest.replace(/\.$/, '') : /^([^.]{2,80})\.\s/.exec(rest)?.[1];
    if (heading && isHeading(heading)) heads.push({ line: i, number: m[1]!, heading });
  });
  if (heads.length >= 2) {
    const out: Section[] = [];
    const preamble = collapse(lines.slice(0, heads[0]!.line).join(' '));
    if (preamble) out.push({ label: 'Preamble', key: 'preamble', text: preamble });
    heads.forEach((h, i) => {
      const body = lines.slice(h.line, heads[i + 1]?.line ?? lines.length).join(' ');
      out.push({ label: `${h.number}. ${h.heading}`, key: h.heading.toLowerCase().replace(/\s+/g, ' '), text: collapse(body) });
    });
    return out;
  }
  const parts = /\n\s*\n/.test(text) ? text.split(/\n\s*\n/) : lines;
  return parts.map(collapse).filter(Boolean).map((p, i) => ({ label: `Paragraph ${i + 1}`, key: null, text: p }));
}
