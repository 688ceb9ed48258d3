import { describe, expect, test } from '@jest/globals';
import { FairScheduler } from '../src/fair-scheduler.js';

/** A task that runs until its test lets it finish, recording when it started. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (log.push(name), finished.then(() => name)), finish };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('FairScheduler', () => {
  test('runs at most `slots` tasks at once, in the order given for one client', async () => {
    const log: string[] = [];
    const turns = new FairScheduler(2);
    const gates = ['a1', 'a2', 'a3', 'a4'].map((n) => gate(log, n));
    const results = gates.map((g) => turns.run('a', g.task));
    await turn();
    expect(log).toEqual(['a1', 'a2']);
    gates[1]!.finish();
    await turn();
    expect(log).toEqual(['a1', 'a2', 'a3']);
    for (const g of gates) g.finish();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  test("another client's task gets the next free slot, ahead of the busy client's waiting tasks", async () => {
    const log: string[] = [];
    const turns = new FairScheduler(1);
    const scan = Array.from({ length: 5 }, (_, i) => gate(log, `scan${i + 1}`));
    const runs = scan.map((g) => turns.run('cli_a', g.task));
    const upload = gate(log, 'upload');
    const uploaded = turns.run('cli_b', upload.task);
    await turn();
    scan[0]!.finish(); // one page of the scan, then the upload
    await turn();
    expect(log).toEqual(['scan1', 'upload']);
    upload.finish();
    expect(await uploaded).toBe('upload');
    for (const g of scan) g.finish();
    await Promise.all(runs);
    expect(log).toEqual(['scan1', 'upload', 'scan2', 'scan3', 'scan4', 'scan5']);
  });

  test('three clients with work waiting take turns', async () => {
    const log: string[] = [];
    const turns = new FairScheduler(1);
    const all = ['a', 'b', 'c'].flatMap((c) => [1, 2, 3].map((i) => ({ c, g: gate(log, `${c}${i}`) })));
    const runs = all.map(({ c, g }) => turns.run(c, g.task));
    for (const { g } of all) g.finish();
    await Promise.all(runs);
    expect(log).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
  });

  test('a task that fails frees its slot and fails its caller alone', async () => {
    const turns = new FairScheduler(1);
    const failed = turns.run('a', () => Promise.reject(new Error('unreadable page')));
    const next = turns.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('unreadable page');
    expect(await next).toBe('next');
  });

  test('needs a whole number of slots', () => {
    expect(() => new FairScheduler(0)).toThrow('at least one slot');
  });
});
