import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { JobOf, QueueContract } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors.js';
import { type ConsumeSettings, consumeSettings, encodeJob, runJob } from './jobs.js';
import { jobSubject, type JobStreams } from './nats-job-streams.js';
import { toNatsHeaders } from './nats-wire.js';
import { assertPublishable } from './subjects.js';
import type { JobContext, Subscription, WorkQueue } from './types.js';
import { outgoingHeaders, REQUEST_ID_HEADER } from './wire.js';

/** How long one pull for a job waits on the server; a stop cancels it sooner. */
const PULL_EXPIRES_MS = 10_000;
/** Pause before pulling again after JetStream failed (e.g. while reconnecting). */
const PULL_RETRY_MS = 1_000;

interface ConsumeArgs {
  streams: JobStreams;
  contract: QueueContract;
  handler: (job: unknown, ctx: JobContext) => Promise<void>;
  settings: ConsumeSettings;
  logger: Logger | undefined;
}

/**
 * A durable job queue on JetStream, for the distributed mode: the same contract as the
 * store-backed queue. A handler that resolves acks its job; one that throws naks it for
 * redelivery after a backoff; a job given up is terminated; a job not acked within the ack wait
 * (its worker died) is redelivered by the server, up to max deliveries.
 */
export function createNatsWorkQueue<C extends QueueContract>(opts: {
  streams: JobStreams;
  contract: C;
  logger?: Logger;
}): WorkQueue<JobOf<C>> {
  const { streams, contract, logger } = opts;
  assertPublishable(jobSubject(contract.name));
  return {
    async enqueue(job, options) {
      const body = encodeJob(contract, job);
      try {
        await streams.publish(contract.name, body, {
          msgID: options?.jobId ?? randomUUID(),
          headers: toNatsHeaders(outgoingHeaders()),
        });
      } catch (e) {
        if (isAppError(e)) throw e;
        const reason = e instanceof Error ? e.message : String(e);
        throw new AppError('unavailable', `Could not enqueue a job on "${contract.name}": ${reason}`, { queue: contract.name });
      }
    },

    depth: () => streams.depth(contract.name),

    consume(handler, options) {
      return consumeJobs({
        streams,
        contract,
        handler: handler as ConsumeArgs['handler'],
        settings: consumeSettings(options),
        logger,
      });
    },
  };
}

/**
 * One loop per unit of concurrency, each pulling a single job only when it is free to run it:
 * nothing waits in a local buffer while its ack wait runs, and replicas share the queue fairly.
 */
function consumeJobs(args: ConsumeArgs): Subscription {
  const { streams, contract, settings, logger } = args;
  let stopping = false;
  const controller = new AbortController();
  const pulls = new Set<ConsumerMessages>();
  let consumer: Promise<Consumer> | undefined;

  const pullOne = async (): Promise<JsMsg | undefined> => {
    consumer ??= streams.consumer(contract.name, settings);
    const pull = await (await consumer).fetch({ max_messages: 1, expires: PULL_EXPIRES_MS });
    pulls.add(pull);
    // close() only takes effect through the iterator, so never await it before iterating.
    if (stopping) void pull.close();
    try {
      for await (const m of pull) return m;
    } finally {
      pulls.delete(pull);
    }
    return undefined;
  };

  const worker = async (): Promise<void> => {
    while (!stopping) {
      try {
        const msg = await pullOne();
        const pause = msg ? await handleDelivery(msg, args) : 0;
        // After a deferral, this worker waits before pulling again: the jobs behind it may be deferred too.
        if (pause) await delay(pause, undefined, { signal: controller.signal }).catch(() => undefined);
      } catch (e) {
        if (stopping) break;
        consumer = undefined;
        logger?.warn({ err: e, queue: contract.name }, 'job pull failed; retrying');
        await delay(PULL_RETRY_MS, undefined, { signal: controller.signal }).catch(() => undefined);
      }
    }
  };
  const workers = Array.from({ length: settings.concurrency }, worker);

  return {
    async stop() {
      stopping = true;
      controller.abort();
      for (const pull of pulls) void pull.close();
      await Promise.all(workers);
    },
  };
}

/**
 * Run one delivery, then ack, nak (redeliver after the retry delay) or term it as the verdict
 * says. A deferred job is published again as a new message, then acked: JetStream counts every
 * redelivery of a message, and a deferral must not use up an attempt. Returns how long the worker
 * should pause before its next pull (a deferral's delay), else 0.
 */
async function handleDelivery(m: JsMsg, args: ConsumeArgs): Promise<number> {
  const { contract, logger } = args;
  const verdict = await runJob({
    contract,
    body: m.string(),
    requestId: m.headers?.get(REQUEST_ID_HEADER) || undefined,
    jobId: m.headers?.get('Nats-Msg-Id') || String(m.seq),
    attempt: m.info.deliveryCount,
    settings: args.settings,
    handler: args.handler,
    working: () => {
      try {
        m.working();
      } catch (e) {
        logger?.warn({ err: e, queue: contract.name }, 'job lease extension failed');
      }
    },
    logger,
  });
  try {
    // Wait for the server to record the ack, so a drained worker has really finished its job.
    if (verdict.kind === 'ack') await m.ackAck();
    else if (verdict.kind === 'retry') m.nak(verdict.delayMs);
    else if (verdict.kind === 'defer') {
      // Published before the ack: a crash in between leaves the job twice, never lost (handlers are idempotent).
      const requestId = m.headers?.get(REQUEST_ID_HEADER);
      await args.streams.publish(contract.name, m.string(), { msgID: randomUUID(), headers: toNatsHeaders(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) });
      await m.ackAck();
      return verdict.delayMs;
    } else m.term();
  } catch (e) {
    logger?.warn(
      { err: e, queue: contract.name, verdict: verdict.kind },
      'job verdict not delivered; the job comes back after its ack wait',
    );
  }
  return 0;
}
