import { collapseWhitespace } from './text.js';
import type { Match } from './types.js';

const STREET_WORDS =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|highway|hwy|parkway|pkwy|square|sq|crescent|close|circle|cir|alley|jalan|jln|rue|calle|via|strasse|straße';

/** Evidence that a line is (part of) an address, strongest first. */
const PATTERNS: ReadonlyArray<{ re: RegExp; confidence: number }> = [
  // 123 Main St · 12B Baker Street · 5 rue de Rivoli · 1600 Pennsylvania Avenue NW
  {
    re: new RegExp(
      `(?<![\\p{L}\\p{N}])\\d{1,6}[A-Za-z]?(?:[-/]\\d{1,5}[A-Za-z]?)?,?\\s+(?:[\\p{L}'.-]+\\s+){0,4}(?:${STREET_WORDS})(?![\\p{L}])`,
      'iu',
    ),
    confidence: 0.9,
  },
  // Hauptstraße 5 · Bahnhofstr. 12a · Lindenweg 3
  { re: /\p{L}+(?:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,5}[a-z]?(?![\p{L}\p{N}])/iu, confidence: 0.85 },
  { re: /(?<![\p{L}])P\.?\s?O\.?\s+Box\s+\d+/iu, confidence: 0.85 },
  // US state + ZIP: Springfield, IL 62704 · NY 10001-1234
  { re: /(?<![A-Za-z])[A-Z]{2}\s+\d{5}(?:-\d{4})?(?!\d)/u, confidence: 0.75 },
  // UK postcode: SW1A 1AA · M1 1AE
  { re: /(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}(?![A-Za-z0-9])/u, confidence: 0.75 },
  // Canadian postcode: K1A 0B1
  { re: /(?<![A-Za-z0-9])[A-Z]\d[A-Z]\s?\d[A-Z]\d(?![A-Za-z0-9])/u, confidence: 0.75 },
  // Five-digit postcode and a capitalised town: 75001 Paris · 10115 Berlin
  { re: /(?<!\d)\d{5}\s+\p{Lu}\p{Ll}+/u, confidence: 0.6 },
];

function lineConfidence(line: string): number {
  for (const { re, confidence } of PATTERNS) if (re.test(line)) return confidence;
  return 0;
}

/**
 * The first address in `text`: the first line that looks like one, together with the address lines
 * directly after it (street line then town/postcode line). Normalized by collapsing whitespace.
 */
export function parseAddress(text: string): Match<string> | undefined {
  const lines = text.split(/\r?\n|\r/);
  const first = lines.findIndex((l) => lineConfidence(l) > 0);
  if (first < 0) return undefined;
  let last = first;
  while (last + 1 < lines.length && lineConfidence(lines[last + 1]!) > 0) last++;
  const value = lines.slice(first, last + 1).join('\n').trim();
  const confidence = Math.max(...lines.slice(first, last + 1).map(lineConfidence)) + (last > first ? 0.05 : 0);
  return { value, normalized: collapseWhitespace(value), confidence: Math.min(1, confidence) };
}
