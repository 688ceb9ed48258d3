import { splitPage } from '../../src/ocr/page-split.js';
import type { GrayImage, Region } from '../../src/ocr/preprocess.js';

/** Character height of the synthetic pages: glyphs are 10×14 px marks on lines 24 px apart. */
const CHAR = 14;

function blank(width: number, height: number): GrayImage {
  return { pixels: Buffer.alloc(width * height, 255), width, height };
}

function fill(image: GrayImage, { x, y, width, height }: Region, level = 0): void {
  for (let r = y; r < y + height; r++) image.pixels.fill(level, r * image.width + x, r * image.width + x + width);
}

/**
 * Lines of glyph-like marks filling `region`: 10 px wide, CHAR tall, 4 px apart, each a stem and a
 * foot (an L), the stem moving along from mark to mark. As on a printed page, no row or column of
 * the text is mostly ink.
 */
function text(image: GrayImage, region: Region): void {
  let mark = 0;
  for (let y = region.y; y + CHAR <= region.y + region.height; y += 24) {
    for (let x = region.x; x + 10 <= region.x + region.width; x += 14, mark++) {
      fill(image, { x: x + ((mark * 3) % 8), y, width: 2, height: CHAR });
      fill(image, { x, y: y + CHAR - 2, width: 6, height: 2 });
    }
  }
}

/** A 2000×1500 page with two columns of text 100 px apart. */
function twoColumns(): GrayImage {
  const page = blank(2000, 1500);
  text(page, { x: 100, y: 100, width: 850, height: 1300 });
  text(page, { x: 1050, y: 100, width: 850, height: 1300 });
  return page;
}

test('cuts a two-column page down its gutter, left column first', () => {
  const page = twoColumns();
  const regions = splitPage(page, 2, CHAR);
  expect(regions).toHaveLength(2);
  const [left, right] = regions as [Region, Region];
  expect(left).toMatchObject({ x: 0, y: 0, height: 1500 });
  // The cut runs through the white between the columns, not through either.
  expect(left.width).toBeGreaterThan(950);
  expect(left.width).toBeLessThan(1050);
  expect(right).toEqual({ x: left.width, y: 0, width: 2000 - left.width, height: 1500 });
});

test('reads whole with one worker, or when the height of the characters is unknown', () => {
  const page = twoColumns();
  const whole = [{ x: 0, y: 0, width: 2000, height: 1500 }];
  expect(splitPage(page, 1, CHAR)).toEqual(whole);
  expect(splitPage(page, 2, 0)).toEqual(whole);
});

test('never cuts across a line: a title over both columns leaves only a cut under it, and that one too uneven', () => {
  const page = blank(2000, 1500);
  text(page, { x: 100, y: 100, width: 1800, height: 40 });
  text(page, { x: 100, y: 250, width: 850, height: 1150 });
  text(page, { x: 1050, y: 250, width: 850, height: 1150 });
  expect(splitPage(page, 2, CHAR)).toEqual([{ x: 0, y: 0, width: 2000, height: 1500 }]);
});

test('a gutter narrower than four characters is no cut (a label and its value on one line)', () => {
  const page = blank(2000, 1500);
  text(page, { x: 100, y: 100, width: 850, height: 1300 });
  text(page, { x: 1000, y: 100, width: 900, height: 1300 }); // 50 px apart: under 4 × 14
  expect(splitPage(page, 2, CHAR)).toHaveLength(1);
});

test('a side with little of the page is no cut (a narrow column of amounts)', () => {
  const page = blank(2000, 1500);
  text(page, { x: 100, y: 100, width: 1500, height: 1300 });
  text(page, { x: 1750, y: 100, width: 150, height: 1300 });
  expect(splitPage(page, 2, CHAR)).toHaveLength(1);
});

test('cuts between sections a wide white band apart, top first, but not between paragraphs', () => {
  const page = blank(1600, 2000);
  text(page, { x: 100, y: 100, width: 1400, height: 700 });
  text(page, { x: 100, y: 800 + CHAR, width: 1400, height: 300 }); // a paragraph break: 2 characters of white
  text(page, { x: 100, y: 1250, width: 1400, height: 650 }); // a section: over 100 px of white above it
  const regions = splitPage(page, 2, CHAR);
  expect(regions).toHaveLength(2);
  const [top, bottom] = regions as [Region, Region];
  expect(top).toMatchObject({ x: 0, y: 0, width: 1600 });
  expect(top.height).toBeGreaterThan(1100);
  expect(top.height).toBeLessThan(1250);
  expect(bottom).toEqual({ x: 0, y: top.height, width: 1600, height: 2000 - top.height });
});

test("a scan's dark edges and a black band across the page do not block the gutter", () => {
  const page = blank(2000, 1500);
  text(page, { x: 100, y: 100, width: 850, height: 1200 });
  text(page, { x: 1050, y: 100, width: 850, height: 1200 });
  fill(page, { x: 0, y: 5, width: 2000, height: 12 }, 90); // the paper's top edge, in shadow
  fill(page, { x: 0, y: 1380, width: 2000, height: 120 }); // the scanner's lid beyond the paper
  expect(splitPage(page, 2, CHAR)).toHaveLength(2);
});

test('a speck of dust in the gutter does not block it', () => {
  const page = twoColumns();
  fill(page, { x: 1000, y: 700, width: 1, height: 1 });
  expect(splitPage(page, 2, CHAR)).toHaveLength(2);
});

test('four workers: each column of a two-column page with two sections is cut again, in reading order', () => {
  const page = blank(2000, 2000);
  for (const x of [100, 1050]) {
    text(page, { x, y: 100, width: 850, height: 800 });
    text(page, { x, y: 1100, width: 850, height: 800 });
  }
  const regions = splitPage(page, 4, CHAR);
  expect(regions).toHaveLength(4);
  const [a, b, c, d] = regions as [Region, Region, Region, Region];
  expect([a.x, a.y, b.x, c.y, d.y]).toEqual([0, 0, 0, 0, c.y + c.height]);
  expect(b.y).toBe(a.height);
  expect(c.x).toBe(a.width);
  expect(d.x).toBe(c.x);
  // Together the parts cover the page exactly once.
  expect(regions.reduce((sum, r) => sum + r.width * r.height, 0)).toBe(2000 * 2000);
});
