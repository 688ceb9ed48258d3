import nlp from 'compromise';
import datePlugin, { type DatesMethods } from 'compromise-dates';

nlp.plugin(datePlugin);

/** A text parsed by compromise with the dates plugin. */
export type Parsed = ReturnType<typeof nlp<DatesMethods>>;
type View = ReturnType<typeof nlp>;

/** A match of a compromise selection, as offsets into the parsed text. */
export interface Match {
  text: string;
  start: number;
}

export const parse = (text: string): Parsed => nlp<DatesMethods>(text);

/**
 * The matches of a selection (`doc.people()`, `doc.dates()`…) with their offsets. Read through a
 * plain view: the date, duration and money views' own `json()` would parse every match into a
 * value, which costs more than finding them and is not needed here.
 */
export function matchesOf(view: Pick<View, 'toView'>): Match[] {
  const found = view.toView(null).json({ offset: true }) as Array<{ text: string; offset: { start: number } }>;
  return found.map((m) => ({ text: m.text, start: m.offset.start }));
}
