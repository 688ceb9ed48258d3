import { describe, expect, test } from '@jest/globals';
import { requestBatch } from '../src/request-batch.js';

describe('requestBatch', () => {
  test('ids asked for in one pass of one request are loaded together; other requests and later passes apart', async () => {
    const loads: Array<{ ctx: string; ids: string[] }> = [];
    const load = requestBatch(async (ctx, ids) => {
      loads.push({ ctx: (ctx as { name: string }).name, ids });
      return new Map(ids.filter((id) => id !== 'missing').map((id) => [id, `value of ${id}`]));
    });
    const a = { name: 'a' };
    const b = { name: 'b' };
    const first = await Promise.all([load(a, 'doc_1'), load(a, 'doc_2'), load(b, 'doc_3'), load(a, 'doc_1'), load(a, 'missing')]);
    expect(first).toEqual(['value of doc_1', 'value of doc_2', 'value of doc_3', 'value of doc_1', undefined]);
    expect(loads).toEqual([{ ctx: 'a', ids: ['doc_1', 'doc_2', 'missing'] }, { ctx: 'b', ids: ['doc_3'] }]);
    expect(await load(a, 'doc_4')).toBe('value of doc_4');
    expect(loads).toHaveLength(3);
  });

  test("a failed load fails that batch's callers only", async () => {
    let calls = 0;
    const load = requestBatch(async (_ctx, ids) => {
      if (calls++ === 0) throw new Error('store down');
      return new Map(ids.map((id) => [id, id]));
    });
    const ctx = {};
    await expect(Promise.all([load(ctx, 'x'), load(ctx, 'y')])).rejects.toThrow('store down');
    expect(await load(ctx, 'z')).toBe('z');
  });
});
