/** Pixel box, corners inclusive of x0/y0 and exclusive of x1/y1, as tesseract gives them. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface LayoutWord {
  text: string;
  bbox: PixelBox;
  /** 0-100, as tesseract gives it. */
  confidence: number;
}

export interface LayoutLine {
  bbox: PixelBox;
  /** 0-100: the mean of its words' confidences, weighted by their lengths. */
  confidence: number;
  words: LayoutWord[];
}

/** A paragraph: its lines in reading order. Paragraphs come in reading order too. */
export type LayoutParagraph = LayoutLine[];

/** tesseract's TSV levels (column `level`). */
const LINE = 4;
const WORD = 5;

/**
 * The paragraphs, lines and words of tesseract's TSV output (`GetTSVText`). TSV rather than the
 * JSON blocks: the JSON carries every symbol and its alternatives and costs ~13% of a dense page's
 * recognition time to build and pass back from the worker; the TSV holds just what a page keeps.
 *
 * Columns: level, page_num, block_num, par_num, line_num, word_num, left, top, width, height,
 * conf, text. Rows come in reading order, each word after its line.
 */
export function parseTsv(tsv: string): LayoutParagraph[] {
  const paragraphs: LayoutParagraph[] = [];
  let paragraphKey = '';
  let line: LayoutLine | undefined;
  for (const row of tsv.split('\n')) {
    const cells = row.split('\t');
    if (cells.length < 12) continue;
    const level = Number(cells[0]);
    if (level !== LINE && level !== WORD) continue;
    const [left, top, width, height] = cells.slice(6, 10).map(Number) as [number, number, number, number];
    const bbox: PixelBox = { x0: left, y0: top, x1: left + width, y1: top + height };
    if (level === LINE) {
      const key = `${cells[2]}.${cells[3]}`;
      if (key !== paragraphKey || paragraphs.length === 0) {
        paragraphs.push([]);
        paragraphKey = key;
      }
      line = { bbox, confidence: 0, words: [] };
      paragraphs[paragraphs.length - 1]!.push(line);
    } else if (line) {
      // The text is the last column; a word never holds a tab.
      line.words.push({ text: cells.slice(11).join('\t'), bbox, confidence: Number(cells[10]) });
    }
  }
  for (const paragraph of paragraphs) {
    for (const l of paragraph) {
      let chars = 0;
      let weighted = 0;
      for (const w of l.words) {
        const n = w.text.trim().length;
        chars += n;
        weighted += n * w.confidence;
      }
      l.confidence = chars > 0 ? weighted / chars : 0;
    }
  }
  return paragraphs;
}

/** The layout of a part of a page, moved by (`dx`, `dy`) pixels to its place on the page (in place). */
export function offsetLayout(layout: LayoutParagraph[], dx: number, dy: number): LayoutParagraph[] {
  if (dx === 0 && dy === 0) return layout;
  const move = (b: PixelBox): void => {
    b.x0 += dx;
    b.x1 += dx;
    b.y0 += dy;
    b.y1 += dy;
  };
  for (const paragraph of layout) {
    for (const line of paragraph) {
      move(line.bbox);
      for (const word of line.words) move(word.bbox);
    }
  }
  return layout;
}
