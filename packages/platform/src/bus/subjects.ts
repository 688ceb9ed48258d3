import type { EventContract, QueueContract, RequestContract } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, errorFromWire, isAppError, publicError } from '../errors.js';
import { currentRequestId, requestIdFrom, runWithContext } from '../request-context.js';
import type { ConsumeOptions, JobContext, MessageMeta, Subscription } from './types.js';

/**
 * The transport-independent half of the bus, shared by the NATS and in-memory adapters so both
 * behave the same: subject matching, the wire format (JSON bodies, string headers), the server
 * side of request/reply and events, the job dispatcher, and draining.
 */

/** How long `close()` waits for in-flight handlers before disconnecting anyway. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

export const REQUEST_ID_HEADER = 'x-request-id';
export const ERROR_CODE_HEADER = 'x-error-code';

export type Headers = Record<string, string>;

/** What crosses a transport: JSON text plus string headers. */
export interface WireMessage {
  headers: Headers;
  body: string;
}

/** NATS subject matching: `*` matches exactly one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** NATS refuses to deliver to wildcard subjects; fail the same way in memory. */
export function assertPublishable(subject: string): void {
  if (subject.split('.').some((t) => t === '*' || t === '>' || t === '')) {
    throw new Error(`Cannot send to "${subject}": wildcards and empty tokens are for subscribing only.`);
  }
}

/** `undefined` travels as an empty body so a handler returning nothing round-trips as nothing. */
export const encodeBody = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));
export const decodeBody = (body: string): unknown => (body === '' ? undefined : JSON.parse(body));

/** Headers every outgoing message carries: the request id of the request being served, if any. */
export function outgoingHeaders(): Headers {
  const id = currentRequestId();
  return id ? { [REQUEST_ID_HEADER]: id } : {};
}

const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

function parseWith(schema: z.ZodType, body: string) {
  let value: unknown;
  try {
    value = decodeBody(body);
  } catch {
    return { ok: false as const, issues: [{ path: '', message: 'Body is not valid JSON.' }] };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true as const, data: parsed.data } : { ok: false as const, issues: issuesOf(parsed.error) };
}

export const noResponders = (subject: string): AppError =>
  new AppError('unavailable', `No service is answering on "${subject}".`, { subject });
export const timedOut = (subject: string, ms: number): AppError =>
  new AppError('unavailable', `No answer on "${subject}" within ${ms} ms.`, { subject, timeoutMs: ms });
export const busClosed = (): AppError => new AppError('unavailable', 'The message bus is closed.');

/**
 * Server side of a request: validate, run the handler in the caller's request context, and
 * encode the result or the error. Only AppErrors reach the caller as they are; anything else is
 * logged here and answered with a generic `internal` error.
 */
export async function answerRequest(
  contract: RequestContract,
  handler: (data: unknown, meta: MessageMeta) => unknown,
  subject: string,
  msg: WireMessage,
  logger: Logger | undefined,
): Promise<WireMessage> {
  const requestId = requestIdFrom(msg.headers[REQUEST_ID_HEADER]);
  return runWithContext({ requestId }, async (): Promise<WireMessage> => {
    try {
      const parsed = parseWith(contract.request, msg.body);
      if (!parsed.ok) throw new AppError('invalid_request', `Invalid request on "${subject}".`, { issues: parsed.issues });
      const result = await handler(parsed.data, { subject, requestId });
      return { headers: {}, body: encodeBody(result) };
    } catch (e) {
      if (!isAppError(e)) logger?.error({ err: e, subject }, 'bus request handler failed');
      const error = publicError(e);
      return { headers: { [ERROR_CODE_HEADER]: error.code }, body: JSON.stringify({ error }) };
    }
  });
}

/** Client side of a request: the result, or the handler's AppError rebuilt with the same code, message and details. */
export function readReply(reply: WireMessage): unknown {
  const code = reply.headers[ERROR_CODE_HEADER];
  if (code === undefined) return decodeBody(reply.body);
  const { error } = JSON.parse(reply.body) as { error: { message: string; details?: Record<string, unknown> } };
  throw errorFromWire(code, error.message, error.details);
}

/** Receiving side of an event: invalid events are logged and dropped; handler errors are logged. */
export async function deliverEvent(
  contract: EventContract,
  handler: (data: unknown, meta: MessageMeta) => unknown,
  subject: string,
  msg: WireMessage,
  logger: Logger | undefined,
): Promise<void> {
  const requestId = requestIdFrom(msg.headers[REQUEST_ID_HEADER]);
  await runWithContext({ requestId }, async () => {
    const parsed = parseWith(contract.schema, msg.body);
    if (!parsed.ok) {
      logger?.warn({ subject, issues: parsed.issues }, 'dropped invalid event');
      return;
    }
    try {
      await handler(parsed.data, { subject, requestId });
    } catch (e) {
      logger?.error({ err: e, subject }, 'bus event handler failed');
    }
  });
}

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
export const retryDelayMs = (attempt: number): number => Math.min(200 * 2 ** (attempt - 1), 30_000);

export type JobVerdict = { kind: 'ack' } | { kind: 'retry'; delayMs: number } | { kind: 'drop' };

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
      const error = e instanceof Error ? e : new Error(String(e));
      if (ctx.attempt >= settings.maxDeliveries) return giveUp(parsed.data, error);
      logger?.warn({ err: error, queue: contract.name, jobId: ctx.jobId, attempt: ctx.attempt }, 'job failed; will retry');
      return { kind: 'retry', delayMs: retryDelayMs(ctx.attempt) };
    }
  });
}

/** Promises still running, so draining can wait for them. */
export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  track(work: Promise<unknown>): void {
    const p: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}

/** A bus's live subscriptions, so `close()` can stop them all within a deadline. */
export class Subscriptions {
  private readonly live = new Set<Subscription>();

  add(stop: () => Promise<void>): Subscription {
    let stopping: Promise<void> | undefined;
    const sub: Subscription = {
      stop: () => {
        this.live.delete(sub);
        stopping ??= stop();
        return stopping;
      },
    };
    this.live.add(sub);
    return sub;
  }

  /**
   * Stop every subscription and wait for in-flight handlers, at most `deadlineMs`. Resolves
   * false when handlers were abandoned: their jobs stay unacknowledged and go to another worker
   * after their ack wait, as if this process had died.
   */
  async drain(deadlineMs: number, logger: Logger | undefined): Promise<boolean> {
    const all = Promise.all(
      [...this.live].map((s) => s.stop().catch((e: unknown) => logger?.warn({ err: e }, 'subscription stop failed'))),
    ).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(resolve, deadlineMs, false)));
    const finished = await Promise.race([all, deadline]);
    clearTimeout(timer);
    if (!finished) logger?.warn({ deadlineMs }, 'bus drain deadline passed; abandoning in-flight handlers');
    return finished;
  }
}
