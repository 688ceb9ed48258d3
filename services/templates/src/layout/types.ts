/** A box [x, y, w, h] as fractions of the page (0..1, from the top-left corner). */
export type Box = [number, number, number, number];

/** A token as partners send it: a word or a whole line, with a box in some convention. */
export interface InputToken {
  text: string;
  page?: number;
  bbox?: unknown;
  polygon?: unknown;
  boundingBox?: unknown;
}

/** Normalized: bbox [x, y, w, h] as fractions of the page (0..1, from the top-left). */
export interface Token {
  text: string;
  page: number;
  bbox: Box;
}

/** A run of tokens read together: one line of one column. */
export interface Line {
  page: number;
  text: string;
  bbox: Box;
  tokens: Token[];
}

/** A label and its value, with where each was found and how they were laid out. */
export interface KeyValue {
  key: string;
  value: string;
  page: number;
  key_bbox: Box;
  value_bbox: Box;
  layout: 'right' | 'below' | 'inline';
}

/** Page size in the unit of pixel boxes. */
export interface PageSize {
  width: number;
  height: number;
}
