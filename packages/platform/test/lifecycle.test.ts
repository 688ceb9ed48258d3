import { expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Lifecycle } from '../src/lifecycle.js';

it('runs stops in reverse, skips them once the deadline has passed, but still runs those marked pastDeadline', async () => {
  const lifecycle = new Lifecycle(pino({ level: 'silent' }), 50);
  const ran: string[] = [];
  lifecycle.onStop('store', async () => void ran.push('store'), { pastDeadline: true });
  lifecycle.onStop('cache', async () => void ran.push('cache'));
  // Never finishes: it uses up the whole deadline.
  lifecycle.onStop('stuck job', () => new Promise<void>(() => ran.push('stuck job')));
  lifecycle.onStop('http', async () => void ran.push('http'));
  await lifecycle.stop();
  expect(ran).toEqual(['http', 'stuck job', 'store']);
});
