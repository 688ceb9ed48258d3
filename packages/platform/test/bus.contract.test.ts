/**
 * One contract for both bus adapters: the in-process bus (with its store-backed work queues on a
 * real embedded store) and the NATS bus against a real nats-server with JetStream. Whatever
 * passes here behaves the same in embedded and distributed mode.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defineEvent, defineQueue, defineRequest } from '@perceptiq/contracts';
import { type Logger, pino } from 'pino';
import { z } from 'zod';
import { startNatsServer, waitFor } from '@perceptiq/testkit/nats';
import { type Bus, connectNatsBus, createMemoryBus, JobDeferred } from '../src/bus/index.js';
import { subjectMatches } from '../src/bus/subjects.js';
import { AppError } from '../src/errors.js';
import { currentRequestId, runWithContext } from '../src/request-context.js';
import { openEmbeddedStore } from '../src/store/embedded.js';

interface BusOptions {
  logger?: Logger;
  drainTimeoutMs?: number;
}

/** Opens buses that share one world: the same store (memory) or the same server (NATS), like separate processes. */
interface Harness {
  open(options?: BusOptions): Promise<Bus>;
  dispose(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 2_000;
/** Short enough that redelivery tests take well under a second each. */
const ACK_WAIT_MS = 500;

async function memoryHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'perceptiq-bus-'));
  const store = openEmbeddedStore({ dir, name: 'bus' });
  return {
    open: async (options) => createMemoryBus({ store, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...options }),
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function natsHarness(): Promise<Harness> {
  const server = await startNatsServer();
  return {
    open: (options) => connectNatsBus({ url: server.url, name: 'bus-test', requestTimeoutMs: REQUEST_TIMEOUT_MS, ...options }),
    dispose: () => server.stop(),
  };
}

function captureLogs(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A gate a handler can wait on until the test opens it. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

let counter = 0;
/** Subjects and queue names unique per test, so tests sharing a server cannot see each other's traffic. */
const uniq = (what: string): string => `t${++counter}.${what}`;

const sumContract = (subject: string) =>
  defineRequest(subject, z.object({ a: z.number(), b: z.number() }), z.object({ sum: z.number() }));
const jobQueue = () => defineQueue(uniq('jobs'), z.object({ n: z.number() }));
const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);
const ascending = (a: number, b: number) => a - b;

/**
 * Returns once every message published on `bus` before it has been dispatched to its handlers:
 * both adapters deliver one publisher's messages in order, so a later event seen means the
 * earlier ones were handed out already.
 */
async function barrier(bus: Bus): Promise<void> {
  const contract = defineEvent(uniq('barrier'), 1, z.object({}));
  let seen = false;
  const sub = bus.subscribe(contract, () => {
    seen = true;
  });
  await bus.publish(contract, {});
  await waitFor(() => seen, { what: 'the barrier event' });
  await sub.stop();
}

describe('subjectMatches', () => {
  it('matches NATS wildcards', () => {
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
    expect(subjectMatches('a.*', 'a.b')).toBe(true);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('>', 'a')).toBe(true);
    expect(subjectMatches('a.b', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.b.c', 'a.b')).toBe(false);
  });
});

describe.each([
  ['memory', memoryHarness],
  ['nats', natsHarness],
] as const)('%s bus', (_kind, makeHarness) => {
  let harness: Harness;
  const opened: Bus[] = [];
  const open = async (options?: BusOptions): Promise<Bus> => {
    const bus = await harness.open(options);
    opened.push(bus);
    return bus;
  };

  beforeAll(async () => {
    harness = await makeHarness();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => {
    await harness?.dispose();
  });

  describe('request/reply', () => {
    it('answers a valid request and refuses an invalid one as invalid_request without calling the handler', async () => {
      const bus = await open();
      const contract = sumContract(uniq('sum'));
      let calls = 0;
      bus.serve(contract, ({ a, b }) => {
        calls++;
        return { sum: a + b };
      });

      await expect(bus.request(contract, { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
      const refused = await bus.request(contract, { a: 'two', b: 3 } as never).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path: 'a' })] } });
      expect(calls).toBe(1);
    });

    it("gives the caller the handler's AppError with the same code, message and details", async () => {
      const bus = await open();
      const contract = sumContract(uniq('missing'));
      bus.serve(contract, () => {
        throw new AppError('not_found', 'Document doc_1 was not found.', { id: 'doc_1' });
      });

      const error = await bus.request(contract, { a: 1, b: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      const { code, message, details } = error as AppError;
      expect({ code, message, details }).toEqual({ code: 'not_found', message: 'Document doc_1 was not found.', details: { id: 'doc_1' } });
    });

    it('turns any other error into a generic internal error and logs the real one on the handler side', async () => {
      const { logger, lines } = captureLogs();
      const bus = await open({ logger });
      const contract = sumContract(uniq('broken'));
      bus.serve(contract, () => {
        throw new Error('connection string mongodb://admin:hunter2@db');
      });

      const error = await bus.request(contract, { a: 1, b: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'internal' });
      const { code, message, details } = error as AppError;
      expect(JSON.stringify({ code, message, details })).not.toContain('hunter2');
      expect(lines.some((l) => l.msg === 'bus request handler failed' && JSON.stringify(l).includes('hunter2'))).toBe(true);
    });

    it('rejects as unavailable, naming the subject, on timeout and when nobody serves the subject', async () => {
      const bus = await open();
      const slow = sumContract(uniq('slow'));
      const held = gate();
      bus.serve(slow, async () => {
        await held.wait;
        return { sum: 0 };
      });
      const timedOut = await bus.request(slow, { a: 1, b: 1 }, { timeoutMs: 100 }).catch((e: unknown) => e);
      held.open();
      expect(timedOut).toBeInstanceOf(AppError);
      expect(timedOut).toMatchObject({ code: 'unavailable', message: expect.stringContaining(slow.subject) });

      const nobody = sumContract(uniq('nobody'));
      const started = Date.now();
      const noResponders = await bus.request(nobody, { a: 1, b: 1 }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(noResponders).toMatchObject({ code: 'unavailable', message: expect.stringContaining(nobody.subject) });
      // Told at once, not after the timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('shares requests among the servers of a queue group, each answered once', async () => {
      const bus = await open();
      const contract = sumContract(uniq('shared'));
      const served = [0, 0];
      for (const i of [0, 1]) {
        bus.serve(contract, ({ a, b }) => {
          served[i]!++;
          return { sum: a + b };
        });
      }

      const replies = await Promise.all(numbers(20).map((i) => bus.request(contract, { a: i, b: 1 })));
      await barrier(bus);
      expect(replies.map((r) => r.sum)).toEqual(numbers(20).map((i) => i + 1));
      expect(served[0]! + served[1]!).toBe(20);
      expect(served[0]).toBeGreaterThan(0);
      expect(served[1]).toBeGreaterThan(0);
    });
  });

  describe('events', () => {
    const factContract = () => defineEvent(uniq('fact'), 1, z.object({ n: z.number() }));

    it('fans out to every plain subscriber and to one member of each queue group, never re-entrantly', async () => {
      const bus = await open();
      const contract = factContract();
      const plain: number[][] = [[], []];
      const grouped: number[][] = [[], []];
      for (const i of [0, 1]) {
        bus.subscribe(contract, (e) => void plain[i]!.push(e.n));
        bus.subscribe(contract, (e) => void grouped[i]!.push(e.n), { queue: 'g' });
      }

      const first = bus.publish(contract, { n: 0 });
      expect(plain[0]).toEqual([]);
      await first;
      for (const n of numbers(10).slice(1)) await bus.publish(contract, { n });
      await barrier(bus);

      expect(plain[0]).toEqual(numbers(10));
      expect(plain[1]).toEqual(numbers(10));
      expect([...grouped[0]!, ...grouped[1]!].sort(ascending)).toEqual(numbers(10));
    });

    it('matches `*` and `>` subscriptions and refuses to publish to a wildcard', async () => {
      const bus = await open();
      const prefix = uniq('wild');
      const schema = z.object({ n: z.number() });
      const [one, many] = [defineEvent(`${prefix}.*`, 1, schema), defineEvent(`${prefix}.>`, 1, schema)];
      const seen = { one: [] as string[], many: [] as string[] };
      bus.subscribe(one, (_e, meta) => void seen.one.push(meta.subject));
      bus.subscribe(many, (_e, meta) => void seen.many.push(meta.subject));

      for (const subject of [prefix, `${prefix}.a`, `${prefix}.a.b`]) await bus.publish(defineEvent(subject, 1, schema), { n: 1 });
      await barrier(bus);

      expect(seen.one).toEqual([`${prefix}.a`]);
      expect(seen.many).toEqual([`${prefix}.a`, `${prefix}.a.b`]);
      await expect(bus.publish(one, { n: 1 })).rejects.toThrow(/wildcards/);
    });

    it('logs and drops an event that does not match its schema', async () => {
      const { logger, lines } = captureLogs();
      const bus = await open({ logger });
      const contract = defineEvent(uniq('checked'), 1, z.object({ id: z.string() }));
      const seen: string[] = [];
      bus.subscribe(contract, (e) => void seen.push(e.id));

      await bus.publish(contract, { id: 42 } as never);
      await bus.publish(contract, { id: 'doc_1' });
      await barrier(bus);

      expect(seen).toEqual(['doc_1']);
      expect(lines.some((l) => l.msg === 'dropped invalid event' && l.subject === contract.subject)).toBe(true);
    });
  });

  it('carries the request id through requests, events and jobs, in context and in meta', async () => {
    const bus = await open();
    const ask = defineRequest(uniq('rid'), z.object({}), z.object({ context: z.string(), meta: z.string() }));
    const told = defineEvent(uniq('rid'), 1, z.object({}));
    const queue = jobQueue();
    const seen: Record<string, string | undefined> = {};
    bus.serve(ask, (_d, meta) => ({ context: currentRequestId()!, meta: meta.requestId! }));
    bus.subscribe(told, (_e, meta) => {
      seen.event = currentRequestId();
      seen.eventMeta = meta.requestId;
    });
    bus.workQueue(queue).consume(async () => void (seen.job = currentRequestId()), { ackWaitMs: ACK_WAIT_MS });

    await runWithContext({ requestId: 'req-abc.123' }, async () => {
      await expect(bus.request(ask, {})).resolves.toEqual({ context: 'req-abc.123', meta: 'req-abc.123' });
      await bus.publish(told, {});
      await bus.workQueue(queue).enqueue({ n: 1 });
    });
    await waitFor(() => seen.event !== undefined && seen.job !== undefined, { what: 'the event and the job' });
    expect(seen).toEqual({ event: 'req-abc.123', eventMeta: 'req-abc.123', job: 'req-abc.123' });

    // Without a caller's id, the handler still runs with a fresh one.
    const fresh = await bus.request(ask, {});
    expect(fresh.context).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.meta).toBe(fresh.context);
  });

  describe('work queues', () => {
    it('hands every job to exactly one of two consumers in different processes', async () => {
      const [a, b] = [await open(), await open()];
      const queue = jobQueue();
      const handled: number[] = [];
      const handler = async (job: { n: number }) => {
        handled.push(job.n);
        await delay(5);
      };
      const subs = [a, b].map((bus) => bus.workQueue(queue).consume(handler, { concurrency: 2, ackWaitMs: 2_000 }));

      for (const n of numbers(20)) await a.workQueue(queue).enqueue({ n });
      await waitFor(() => handled.length >= 20, { what: '20 jobs' });
      await Promise.all(subs.map((s) => s.stop()));

      expect(handled.sort(ascending)).toEqual(numbers(20));
    });

    it('redelivers a job whose handler threw, with the attempt counted', async () => {
      const bus = await open();
      const queue = jobQueue();
      const attempts: Array<{ attempt: number; jobId: string }> = [];
      let gaveUp = 0;
      const sub = bus.workQueue(queue).consume(
        async (_job, ctx) => {
          attempts.push({ attempt: ctx.attempt, jobId: ctx.jobId });
          if (ctx.attempt === 1) throw new Error('transient');
        },
        { ackWaitMs: ACK_WAIT_MS, onGiveUp: () => void gaveUp++ },
      );

      await bus.workQueue(queue).enqueue({ n: 1 }, { jobId: 'job-1' });
      await waitFor(() => attempts.length === 2, { what: 'the redelivery' });
      await sub.stop();

      expect(attempts).toEqual([
        { attempt: 1, jobId: 'job-1' },
        { attempt: 2, jobId: 'job-1' },
      ]);
      expect(gaveUp).toBe(0);
    });

    it('puts a deferred job back for later without using up an attempt, keeping its request id', async () => {
      const bus = await open();
      const queue = jobQueue();
      const seen: Array<{ attempt: number; at: number; requestId: string | undefined }> = [];
      let gaveUp = 0;
      const sub = bus.workQueue(queue).consume(
        async (_job, ctx) => {
          seen.push({ attempt: ctx.attempt, at: Date.now(), requestId: currentRequestId() });
          if (seen.length <= 3) throw new JobDeferred(100); // more deferrals than maxDeliveries
        },
        { maxDeliveries: 2, ackWaitMs: ACK_WAIT_MS, onGiveUp: () => void gaveUp++ },
      );
      await runWithContext({ requestId: 'req-deferred' }, () => bus.workQueue(queue).enqueue({ n: 1 }));
      await waitFor(() => seen.length === 4, { what: 'the job after three deferrals' });
      await sub.stop();

      expect(seen.map((s) => s.attempt)).toEqual([1, 1, 1, 1]);
      expect(seen.every((s) => s.requestId === 'req-deferred')).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(90);
      expect(gaveUp).toBe(0);
      expect(await bus.workQueue(queue).depth()).toBe(0);
    });

    it('gives a job up after maxDeliveries, calling onGiveUp once, and drops it', async () => {
      const bus = await open();
      const queue = jobQueue();
      let calls = 0;
      const gaveUp: Array<{ job: unknown; message: string; attempt: number }> = [];
      bus.workQueue(queue).consume(
        async () => {
          calls++;
          throw new Error('permanent');
        },
        {
          maxDeliveries: 3,
          ackWaitMs: ACK_WAIT_MS,
          onGiveUp: (job, error, ctx) => void gaveUp.push({ job, message: error.message, attempt: ctx.attempt }),
        },
      );

      await bus.workQueue(queue).enqueue({ n: 7 });
      await waitFor(() => gaveUp.length > 0, { what: 'onGiveUp' });
      expect(calls).toBe(3);
      expect(gaveUp).toEqual([{ job: { n: 7 }, message: 'permanent', attempt: 3 }]);

      // Dropped means dropped: nothing comes back once the ack wait has passed either.
      await delay(ACK_WAIT_MS + 300);
      expect(calls).toBe(3);
      expect(gaveUp).toHaveLength(1);
    });

    it('ignores an enqueue whose jobId is still pending', async () => {
      const bus = await open();
      const queue = bus.workQueue(jobQueue());
      await queue.enqueue({ n: 1 }, { jobId: 'same' });
      await queue.enqueue({ n: 2 }, { jobId: 'same' });
      await queue.enqueue({ n: 3 }, { jobId: 'other' });

      const seen: Array<[string, number]> = [];
      const sub = queue.consume(async (job, ctx) => void seen.push([ctx.jobId, job.n]), { ackWaitMs: ACK_WAIT_MS });
      await waitFor(() => seen.length >= 2, { what: 'two jobs' });
      await sub.stop();

      expect(seen.sort()).toEqual([
        ['other', 3],
        ['same', 1],
      ]);
    });

    it('counts the jobs not yet acknowledged, seen from any process', async () => {
      const [a, b] = [await open(), await open()];
      const contract = jobQueue();
      expect(await a.workQueue(contract).depth()).toBe(0);
      for (const n of numbers(3)) await a.workQueue(contract).enqueue({ n });
      expect(await b.workQueue(contract).depth()).toBe(3);
      const done: number[] = [];
      const sub = b.workQueue(contract).consume(async (job) => void done.push(job.n), { ackWaitMs: ACK_WAIT_MS });
      await waitFor(() => done.length >= 3, { what: 'three jobs' });
      await sub.stop();
      // An acknowledgement is recorded by the time the consumer has stopped.
      expect(await a.workQueue(contract).depth()).toBe(0);
    });

    it('refuses a job that does not match the queue schema at enqueue', async () => {
      const bus = await open();
      await expect(bus.workQueue(jobQueue()).enqueue({ n: 'one' } as never)).rejects.toThrow(/Invalid job/);
    });

    it("redelivers a dead worker's job to another process after the ack wait", async () => {
      // The dying process gives its in-flight handler 50 ms to finish, then disconnects without an ack.
      const dying = await open({ drainTimeoutMs: 50 });
      const survivor = await open();
      const queue = jobQueue();
      const seen: Array<{ by: string; attempt: number; jobId: string }> = [];
      dying.workQueue(queue).consume(
        async (_job, ctx) => {
          seen.push({ by: 'dying', attempt: ctx.attempt, jobId: ctx.jobId });
          await new Promise(() => undefined);
        },
        { ackWaitMs: ACK_WAIT_MS },
      );
      await dying.workQueue(queue).enqueue({ n: 1 }, { jobId: 'orphan' });
      await waitFor(() => seen.length === 1, { what: 'the first delivery' });
      await dying.close();

      survivor.workQueue(queue).consume(
        async (_job, ctx) => void seen.push({ by: 'survivor', attempt: ctx.attempt, jobId: ctx.jobId }),
        { ackWaitMs: ACK_WAIT_MS },
      );
      await waitFor(() => seen.length === 2, { what: 'the redelivery' });
      expect(seen).toEqual([
        { by: 'dying', attempt: 1, jobId: 'orphan' },
        { by: 'survivor', attempt: 2, jobId: 'orphan' },
      ]);
    });

    it('keeps a job leased while its handler reports working()', async () => {
      const bus = await open();
      const queue = jobQueue();
      const attempts: number[] = [];
      let finished = false;
      bus.workQueue(queue).consume(
        async (_job, ctx) => {
          attempts.push(ctx.attempt);
          // Three ack waits long, with a heartbeat every fifth of one.
          for (let i = 0; i < 15; i++) {
            await delay(ACK_WAIT_MS / 5);
            ctx.working();
          }
          finished = true;
        },
        // A free second slot would receive the job again if its lease expired.
        { concurrency: 2, ackWaitMs: ACK_WAIT_MS },
      );
      await bus.workQueue(queue).enqueue({ n: 1 });
      await waitFor(() => finished, { what: 'the long job' });
      expect(attempts).toEqual([1]);
    });
  });

  describe('lifecycle', () => {
    it('close() lets in-flight request and job handlers finish, and acknowledges the job', async () => {
      const bus = await open();
      const contract = sumContract(uniq('drain'));
      const queue = jobQueue();
      const order: string[] = [];
      const [requestGate, jobGate] = [gate(), gate()];
      bus.serve(contract, async ({ a, b }) => {
        order.push('request started');
        await requestGate.wait;
        order.push('request done');
        return { sum: a + b };
      });
      bus.workQueue(queue).consume(
        async () => {
          order.push('job started');
          await jobGate.wait;
          order.push('job done');
        },
        { ackWaitMs: ACK_WAIT_MS },
      );

      const reply = bus.request(contract, { a: 1, b: 2 }, { timeoutMs: 10_000 });
      await bus.workQueue(queue).enqueue({ n: 1 });
      await waitFor(() => order.includes('request started') && order.includes('job started'), { what: 'both handlers' });
      const closed = bus.close().then(() => order.push('closed'));
      await delay(50);
      expect(order).not.toContain('closed');
      requestGate.open();
      jobGate.open();
      await closed;

      await expect(reply).resolves.toEqual({ sum: 3 });
      expect(order.indexOf('closed')).toBeGreaterThan(order.indexOf('request done'));
      expect(order.indexOf('closed')).toBeGreaterThan(order.indexOf('job done'));

      // The job was acknowledged before close() resolved: another process never sees it again.
      const next = await open();
      const again: number[] = [];
      next.workQueue(queue).consume(async (job) => void again.push(job.n), { ackWaitMs: ACK_WAIT_MS });
      await delay(ACK_WAIT_MS + 300);
      expect(again).toEqual([]);
    });

    it('stops a consumer at once, even before it has pulled anything', async () => {
      const bus = await open();
      const sub = bus.workQueue(jobQueue()).consume(async () => undefined, { concurrency: 3, ackWaitMs: ACK_WAIT_MS });
      await sub.stop();
      await bus.close();
    });

    it('answers ping while open, and refuses work once closed', async () => {
      const bus = await open();
      await expect(bus.ping()).resolves.toBeUndefined();
      await bus.close();
      await expect(bus.ping()).rejects.toMatchObject({ code: 'unavailable' });
      await expect(bus.request(sumContract(uniq('late')), { a: 1, b: 1 })).rejects.toMatchObject({ code: 'unavailable' });
      expect(() => bus.subscribe(defineEvent(uniq('late'), 1, z.object({})), () => undefined)).toThrow(AppError);
    });
  });
});
