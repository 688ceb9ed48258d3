import { describe, expect, test } from '@jest/globals';
import { pageWords, type TextRun } from '../../src/extract/pdf-words.js';

// A Letter page as pdfjs shows it unrotated: y flips to a top-left origin.
const viewport = { width: 612, height: 792, convertToViewportPoint: (x: number, y: number) => [x, 792 - y] };
const styles = { f1: { ascent: 0.75, descent: -0.25, fontFamily: 'sans-serif' } };
const run = (str: string, x: number, y: number, width: number, hasEOL = false): TextRun => ({
  str,
  transform: [10, 0, 0, 10, x, y],
  width,
  height: 10,
  fontName: 'f1',
  hasEOL,
});

describe('pageWords', () => {
  test('a word split across touching runs is one word; a space or a gap separates words', () => {
    const { words, text } = pageWords(
      [run('Contr', 100, 700, 25), run('act', 125, 700, 15), run(' signed', 140, 700, 35), run('here', 200, 700, 20)],
      styles,
      viewport,
    );
    expect(words.map((w) => w.text)).toEqual(['Contract', 'signed', 'here']);
    expect(text).toBe('Contract signed here');
    const [x, y, w, h] = words[0]!.bbox;
    expect(x).toBeCloseTo(100 / 612, 6);
    expect(x + w).toBeCloseTo(140 / 612, 6);
    expect(y).toBeCloseTo((792 - 707.5) / 792, 6); // baseline 700 + ascent 0.75 × 10
    expect(y + h).toBeCloseTo((792 - 697.5) / 792, 6); // baseline 700 - descent 0.25 × 10
  });

  test('lines break at end-of-line marks and baseline moves; off-page words are dropped', () => {
    const { lines, words } = pageWords(
      [run('first', 72, 700, 25, true), run('second', 72, 700, 30), run('third', 72, 680, 25), run('ghost', 700, 680, 25)],
      styles,
      viewport,
    );
    expect(lines.map((l) => l.text)).toEqual(['first', 'second', 'third']);
    expect(words.map((w) => w.text)).toEqual(['first', 'second', 'third']);
  });

  test('words inside a run are placed by glyph widths, not character counts', () => {
    // "iiii MMMM" in Helvetica: i is 222, space 278, M 833 units: "MMMM" starts at 1166/4498 of the run.
    const { words } = pageWords([run('iiii MMMM', 0, 700, 449.8)], styles, viewport);
    expect(words[1]!.bbox[0] * 612).toBeCloseTo(116.6, 1);
    expect(words[0]!.bbox[2] * 612).toBeCloseTo(88.8, 1);
  });
});
