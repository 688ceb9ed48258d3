import { find as mingoFind, Query } from 'mingo';
import { equalityTest, sortPlainly } from '../src/store/fast-query.js';

/**
 * The store decides plain equalities and sorts without mingo; wherever it does decide, it must
 * agree with mingo (MongoDB's semantics) exactly. Checked on seeded random documents whose fields
 * are sometimes missing, null, arrays, objects, dates or of mixed types.
 */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const rnd = random(42);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const values = ['a', 'b', 'B', '', 1, 2, 2.5, -1, true, false, null, ['a', 1], { x: 'a' }, new Date(0), new Date(1000)];

function doc(i: number): Record<string, unknown> {
  const d: Record<string, unknown> = { _id: `d${i}` };
  for (const key of ['k', 'm']) if (rnd() < 0.9) d[key] = pick(values);
  if (rnd() < 0.8) d.n = { v: pick(values) };
  return d;
}

const docs = Array.from({ length: 400 }, (_, i) => doc(i));

describe('plain equality filters', () => {
  const filters = [{ k: 'a' }, { k: 1 }, { k: true }, { k: 'a', m: 2 }, { 'n.v': 'b' }, { 'n.v': false, k: 'B' }, { k: '' }];

  it.each(filters)('agree with mingo wherever they decide: %j', (filter) => {
    const test = equalityTest(filter)!;
    const mingo = new Query(filter);
    let decided = 0;
    for (const d of docs) {
      const verdict = test(d);
      if (verdict === undefined) continue;
      decided++;
      expect([d, verdict]).toEqual([d, mingo.test(d)]);
    }
    expect(decided).toBeGreaterThan(docs.length / 2);
  });

  it('leave arrays on the path undecided, and other filter shapes to mingo', () => {
    expect(equalityTest({ k: 'a' })!({ k: ['a'] })).toBeUndefined();
    expect(equalityTest({ 'n.v': 'a' })!({ n: [{ v: 'a' }] })).toBeUndefined();
    for (const other of [{ k: null }, { k: { $lt: 1 } }, { $or: [{ k: 1 }] }, { k: new Date(0) }, { k: ['a'] }]) {
      expect(equalityTest(other as never)).toBeUndefined();
    }
  });
});

describe('plain sorts', () => {
  const sorts = [{ k: 1 }, { k: -1 }, { k: -1, _id: -1 }, { 'n.v': 1, _id: 1 }] as const;

  it.each(sorts)('agree with mingo whenever every key is one plain type: %j', (sort) => {
    const groups = [
      docs.filter((d) => typeof d.k === 'string'),
      docs.filter((d) => typeof d.k === 'number'),
      docs.filter((d) => d.k instanceof Date),
      docs.filter((d) => typeof (d.n as { v?: unknown } | undefined)?.v === 'string'),
    ];
    let sorted = 0;
    for (const group of groups) {
      const ours = sortPlainly(group, sort);
      if (!ours) continue;
      sorted++;
      expect(ours.map((d) => d._id)).toEqual(mingoFind(group, {}).sort({ ...sort }).all().map((d) => d._id));
    }
    expect(sorted).toBeGreaterThan(0);
  });

  it('give up on mixed types, missing keys and arrays', () => {
    expect(sortPlainly([{ k: 'a' }, { k: 1 }], { k: 1 })).toBeUndefined();
    expect(sortPlainly([{ k: 'a' }, {}], { k: 1 })).toBeUndefined();
    expect(sortPlainly([{ k: ['a'] }], { k: 1 })).toBeUndefined();
  });
});
