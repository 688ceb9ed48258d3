/** A sentence end: Latin terminal punctuation (maybe closed by quotes or brackets) before a space, or a CJK one anywhere. */
const SENTENCE_END = /[.!?…]["'”’)\]]*(?=\s)|[。！？]/g;

/**
 * The text as it will be spoken: format characters dropped, control characters and runs of
 * whitespace made one space, trimmed, and cut to at most `maxChars` — after the last whole
 * sentence that fits, unless that keeps less than half the budget (one long run-on sentence),
 * then after the last whole word.
 */
export function prepareSpeechText(text: string, maxChars: number): string {
  const clean = text.replace(/\p{Cf}/gu, '').replace(/[\p{Cc}\s]+/gu, ' ').trim();
  if (clean.length <= maxChars) return clean;
  // One character past the cap, so a sentence ending exactly at the cap still sees the space after it.
  const window = clean.slice(0, maxChars + 1);
  let sentenceEnd = 0;
  for (const match of window.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= maxChars) sentenceEnd = end;
  }
  if (sentenceEnd >= maxChars / 2) return clean.slice(0, sentenceEnd);
  const wordEnd = window.lastIndexOf(' ');
  if (wordEnd > 0) return clean.slice(0, wordEnd);
  // No space at all: a hard cut, never between the halves of a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(clean[maxChars - 1] ?? '') ? maxChars - 1 : maxChars;
  return clean.slice(0, cut);
}
