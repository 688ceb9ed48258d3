import { expect, test } from '@jest/globals';
import { OcrBudget, OcrInputError } from '../../src/ocr/index.js';

const never = () => new Promise<never>(() => undefined);

test('a page read within the budget gives its reading', async () => {
  const budget = new OcrBudget(60_000, Date.now());
  await expect(budget.within(1, 3, async () => 'read')).resolves.toBe('read');
});

test('a page still being read when the budget runs out fails the document with the reason', async () => {
  const budget = new OcrBudget(25, Date.now());
  const attempt = budget.within(2, 4, never);
  await expect(attempt).rejects.toThrow(OcrInputError);
  await expect(attempt).rejects.toThrow(
    'OCR was stopped at page 2 of 4: reading the document took longer than the 0.1 s it is allowed (0.025 s a page). Upload a cleaner scan, or split the document into smaller ones.',
  );
});

test('once the budget is spent, the next page is not read at all', async () => {
  let clock = 1_000;
  const budget = new OcrBudget(100, 1_000, () => clock);
  clock += 250; // more than 100 ms for each of 2 pages
  let reads = 0;
  await expect(budget.within(2, 2, async () => void reads++)).rejects.toThrow('OCR was stopped at page 2 of 2');
  expect(reads).toBe(0);
  // The budget grows with the pages: the same time is within it for a longer document.
  await expect(budget.within(2, 3, async () => void reads++)).resolves.toBeUndefined();
  expect(reads).toBe(1);
});
