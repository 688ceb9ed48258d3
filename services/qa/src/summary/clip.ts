/** Where a long sentence may be cut and still read as a whole clause. */
const CLAUSE_BREAK = /[,;:](?=\s)|\s[–—-](?=\s)/g;
/** A clause cut earlier than this share of the room loses too much; a word boundary is better. */
const MIN_SHARE = 0.4;

/** `text` if it fits in `max` characters, else cut at the last clause boundary that fits, with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  let cut = -1;
  for (const m of room.matchAll(CLAUSE_BREAK)) cut = m.index;
  if (cut < max * MIN_SHARE) cut = room.lastIndexOf(' ');
  return `${(cut > 0 ? room.slice(0, cut) : room).replace(/[\s,;:–—-]+$/, '')}…`;
}
