import type { QueueContract } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { requestIdFrom, runWithContext } from '../request-context.js';
import type { ConsumeOptions, JobContext } from './types.js';
import { encodeBody, issuesOf, parseWith } from './wire.js';

/** The queue-independent half of work queues, shared by the JetStream and the store-backed queue. */

/** Jobs are checked when enqueued, so a producer's bug fails at the producer rather than as a poison job. */
export function encodeJob(contract: QueueContract, job: unknown): string {
  const parsed = contract.schema.safeParse(job);
  if (!parsed.success) {
    throw new Error(`Invalid job for queue "${contract.name}": ${JSON.stringify(issuesOf(parsed.error))}`);
  }
  return encodeBody(job);
}

export type ConsumeSettings = Required<Omit<ConsumeOptions, 'onGiveUp'>> & Pick<ConsumeOptions, 'onGiveUp'>;

export function consumeSettings(options: ConsumeOptions = {}): ConsumeSettings {
  const s = { concurrency: 1, maxDeliveries: 5, ackWaitMs: 30_000, ...options };
  for (const key of ['concurrency', 'maxDeliveries', 'ackWaitMs'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw new Error(`ConsumeOptions.${key} must be a positive integer.`);
  }
  return s;
}

/** Wait before the next delivery of a failed job: doubles per attempt from 200 ms, at most 30 s. */
const retryDelayMs = (attempt: number): number => Math.min(200 * 2 ** (attempt - 1), 30_000);

/**
 * Thrown by a handler that will not take the job now (e.g. its client already has its share of
 * the workers): the job goes back to the queue for `delayMs` without counting as an attempt.
 */
export class JobDeferred extends Error {
  constructor(readonly delayMs: number) {
    super(`Job deferred for ${delayMs} ms`);
    this.name = 'JobDeferred';
  }
}

export type JobVerdict = { kind: 'ack' } | { kind: 'retry'; delayMs: number } | { kind: 'defer'; delayMs: number } | { kind: 'drop' };

/**
 * One delivery of a job, whatever the queue: decode and validate, run the handler in the
 * enqueuer's request context, and decide what the queue does with the job. Retries and giving
 * up live here so both queues count attempts the same way.
 */
export async function runJob(args: {
  contract: QueueContract;
  body: string;
  requestId: string | undefined;
  jobId: string;
  attempt: number;
  settings: ConsumeSettings;
  handler: (job: unknown, ctx: JobContext) => Promise<void>;
  working: () => void;
  logger: Logger | undefined;
}): Promise<JobVerdict> {
  const { contract, settings, logger } = args;
  const ctx: JobContext = { attempt: args.attempt, jobId: args.jobId, working: args.working };
  return runWithContext({ requestId: requestIdFrom(args.requestId) }, async () => {
    const giveUp = async (job: unknown, error: Error): Promise<JobVerdict> => {
      logger?.error({ err: error, queue: contract.name, jobId: ctx.jobId, attempt: ctx.attempt }, 'job given up');
      try {
        await settings.onGiveUp?.(job, error, ctx);
      } catch (e) {
        logger?.error({ err: e, queue: contract.name, jobId: ctx.jobId }, 'onGiveUp failed');
      }
      return { kind: 'drop' };
    };

    const parsed = parseWith(contract.schema, args.body);
    if (!parsed.ok) {
      return giveUp(args.body, new Error(`Invalid job for queue "${contract.name}": ${JSON.stringify(parsed.issues)}`));
    }
    // One delivery more than maxDeliveries happens only when the last one was never answered
    // (its worker died): the job has had all its chances.
    if (ctx.attempt > settings.maxDeliveries) {
      return giveUp(parsed.data, new Error(`Job was not acknowledged within ${settings.ackWaitMs} ms on its last delivery.`));
    }
    try {
      await args.handler(parsed.data, ctx);
      return { kind: 'ack' };
    } catch (e) {
      if (e instanceof JobDeferred) return { kind: 'defer', delayMs: e.delayMs };
      const error = e instanceof Error ? e : new Error(String(e));
      if (ctx.attempt >= settings.maxDeliveries) return giveUp(parsed.data, error);
      logger?.warn({ err: error, queue: contract.name, jobId: ctx.jobId, attempt: ctx.attempt }, 'job failed; will retry');
      return { kind: 'retry', delayMs: retryDelayMs(ctx.attempt) };
    }
  });
}
