import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  type JsMsg,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import {
  connect,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  nanos,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import type { QueueContract, ReplyOf } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors.js';
import {
  answerRequest,
  assertPublishable,
  busClosed,
  type ConsumeSettings,
  consumeSettings,
  DEFAULT_DRAIN_TIMEOUT_MS,
  deliverEvent,
  encodeBody,
  encodeJob,
  type Headers,
  InFlight,
  noResponders,
  outgoingHeaders,
  readReply,
  REQUEST_ID_HEADER,
  runJob,
  Subscriptions,
  timedOut,
  type WireMessage,
} from './subjects.js';
import type { Bus, JobContext, MessageMeta, Subscription } from './types.js';

/** `ping()` answers readiness probes, which must not hang on a dead connection. */
const PING_TIMEOUT_MS = 2_000;
/** How long one pull for a job waits on the server; a stop cancels it sooner. */
const PULL_EXPIRES_MS = 10_000;
/** Pause before pulling again after JetStream failed (e.g. while reconnecting). */
const PULL_RETRY_MS = 1_000;
/** The durable pull consumer shared by every worker of a queue, in every process. */
const DURABLE = 'workers';

type AnyHandler = (data: unknown, meta: MessageMeta) => unknown;

const jobStreamName = (queue: string): string => `JOBS_${queue.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
const jobSubject = (queue: string): string => `jobs.${queue}`;

function toNatsHeaders(h: Headers): MsgHdrs | undefined {
  const keys = Object.keys(h);
  if (keys.length === 0) return undefined;
  const out = natsHeaders();
  for (const k of keys) out.set(k, h[k]!);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers {
  const out: Headers = {};
  for (const k of h?.keys() ?? []) out[k] = h!.get(k);
  return out;
}

const wire = (msg: Msg): WireMessage => ({ headers: fromNatsHeaders(msg.headers), body: msg.string() });

function requestFailure(e: unknown, subject: string, timeoutMs: number): AppError {
  if (e instanceof RequestError && e.isNoResponders()) return noResponders(subject);
  if (e instanceof TimeoutError || (e instanceof Error && e.cause instanceof TimeoutError)) return timedOut(subject, timeoutMs);
  return new AppError('unavailable', `Request on "${subject}" failed: ${e instanceof Error ? e.message : String(e)}`, {
    subject,
  });
}

/**
 * The bus over a real NATS server: core request/reply and publish/subscribe, and JetStream
 * work-queue streams for jobs. Reconnects forever; while disconnected, requests time out as
 * `unavailable` and `ping()` rejects, so `/readyz` turns red.
 */
export async function connectNatsBus(opts: {
  url: string;
  name: string;
  requestTimeoutMs: number;
  logger?: Logger;
  /** How long `close()` waits for in-flight handlers before disconnecting anyway. */
  drainTimeoutMs?: number;
}): Promise<Bus> {
  const { logger } = opts;
  const nc = await connect({ servers: opts.url, name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  const js = jetstream(nc);
  const subs = new Subscriptions();
  let state: 'open' | 'draining' | 'closed' = 'open';
  let closing: Promise<void> | undefined;
  let connected = true;

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        logger?.warn({ server: s.server }, 'NATS disconnected');
      } else if (s.type === 'reconnect') {
        connected = true;
        logger?.info({ server: s.server }, 'NATS reconnected');
      } else if (s.type === 'error') {
        logger?.error({ err: s.error }, 'NATS error');
      }
    }
  })();

  // Created on first use, so processes without work queues do not need JetStream.
  let manager: Promise<JetStreamManager> | undefined;
  const streams = new Map<string, Promise<void>>();

  const jsm = (): Promise<JetStreamManager> => {
    if (!manager) {
      manager = jetstreamManager(nc);
      manager.catch(() => (manager = undefined));
    }
    return manager;
  };

  const isApiError = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code;

  function ensureStream(queue: string): Promise<void> {
    const name = jobStreamName(queue);
    let ready = streams.get(name);
    if (!ready) {
      ready = (async () => {
        const m = await jsm();
        try {
          await m.streams.info(name);
        } catch (e) {
          if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
          await m.streams.add({
            name,
            subjects: [jobSubject(queue)],
            retention: RetentionPolicy.Workqueue,
            storage: StorageType.File,
          });
        }
      })();
      ready.catch(() => streams.delete(name));
      streams.set(name, ready);
    }
    return ready;
  }

  async function ensureConsumer(queue: string, settings: ConsumeSettings): Promise<Consumer> {
    await ensureStream(queue);
    const stream = jobStreamName(queue);
    const m = await jsm();
    // One delivery beyond maxDeliveries lets a worker notice a job whose last worker died and give it up (see runJob).
    const wanted = { ack_wait: nanos(settings.ackWaitMs), max_deliver: settings.maxDeliveries + 1 };
    try {
      const { config } = await m.consumers.info(stream, DURABLE);
      if (config.ack_wait !== wanted.ack_wait || config.max_deliver !== wanted.max_deliver) {
        await m.consumers.update(stream, DURABLE, wanted);
      }
    } catch (e) {
      if (!isApiError(e, JetStreamApiCodes.ConsumerNotFound)) throw e;
      await m.consumers.add(stream, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, ...wanted });
    }
    return js.consumers.get(stream, DURABLE);
  }

  function listen(subject: string, queue: string | undefined, onMessage: (msg: Msg) => Promise<void>): Subscription {
    if (state !== 'open') throw busClosed();
    const inflight = new InFlight();
    const sub = nc.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (err, msg) => {
        if (err) {
          logger?.error({ err, subject }, 'NATS subscription failed');
          return;
        }
        inflight.track(onMessage(msg).catch((e: unknown) => logger?.warn({ err: e, subject }, 'bus message not answered')));
      },
    });
    return subs.add(async () => {
      if (!nc.isClosed()) await sub.drain();
      await inflight.settled();
    });
  }

  function consume(
    contract: QueueContract,
    handler: (job: unknown, ctx: JobContext) => Promise<void>,
    settings: ConsumeSettings,
  ): Subscription {
    if (state !== 'open') throw busClosed();
    let stopping = false;
    const controller = new AbortController();
    const pulls = new Set<ConsumerMessages>();
    let consumer: Promise<Consumer> | undefined;

    const handle = async (m: JsMsg): Promise<void> => {
      const verdict = await runJob({
        contract,
        body: m.string(),
        requestId: m.headers?.get(REQUEST_ID_HEADER) || undefined,
        jobId: m.headers?.get('Nats-Msg-Id') || String(m.seq),
        attempt: m.info.deliveryCount,
        settings,
        handler,
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
        else m.term();
      } catch (e) {
        logger?.warn(
          { err: e, queue: contract.name, verdict: verdict.kind },
          'job verdict not delivered; the job comes back after its ack wait',
        );
      }
    };

    // One loop per unit of concurrency, each pulling a single job only when it is free to run it:
    // nothing waits in a local buffer while its ack wait runs, and replicas share the queue fairly.
    const worker = async (): Promise<void> => {
      while (!stopping) {
        try {
          consumer ??= ensureConsumer(contract.name, settings);
          const pull = await (await consumer).fetch({ max_messages: 1, expires: PULL_EXPIRES_MS });
          pulls.add(pull);
          // close() only takes effect through the iterator, so never await it before iterating.
          if (stopping) void pull.close();
          let msg: JsMsg | undefined;
          try {
            for await (const m of pull) {
              msg = m;
              break;
            }
          } finally {
            pulls.delete(pull);
          }
          if (msg) await handle(msg);
        } catch (e) {
          if (stopping) break;
          consumer = undefined;
          logger?.warn({ err: e, queue: contract.name }, 'job pull failed; retrying');
          await delay(PULL_RETRY_MS, undefined, { signal: controller.signal }).catch(() => undefined);
        }
      }
    };
    const workers = Array.from({ length: settings.concurrency }, worker);

    return subs.add(async () => {
      stopping = true;
      controller.abort();
      for (const pull of pulls) void pull.close();
      await Promise.all(workers);
    });
  }

  return {
    kind: 'nats',

    async request(contract, data, options) {
      if (state === 'closed') throw busClosed();
      const { subject } = contract;
      assertPublishable(subject);
      const timeoutMs = options?.timeoutMs ?? opts.requestTimeoutMs;
      let reply: Msg;
      try {
        reply = await nc.request(subject, encodeBody(data), { timeout: timeoutMs, headers: toNatsHeaders(outgoingHeaders()) });
      } catch (e) {
        throw requestFailure(e, subject, timeoutMs);
      }
      return readReply(wire(reply)) as ReplyOf<typeof contract>;
    },

    serve(contract, handler, options) {
      return listen(contract.subject, options?.queue ?? 'q', async (msg) => {
        const answer = await answerRequest(contract, handler as AnyHandler, msg.subject, wire(msg), logger);
        if (msg.reply) msg.respond(answer.body, { headers: toNatsHeaders(answer.headers) });
      });
    },

    async publish(contract, data) {
      if (state === 'closed') throw busClosed();
      assertPublishable(contract.subject);
      nc.publish(contract.subject, encodeBody(data), { headers: toNatsHeaders(outgoingHeaders()) });
    },

    subscribe(contract, handler, options) {
      return listen(contract.subject, options?.queue, (msg) =>
        deliverEvent(contract, handler as AnyHandler, msg.subject, wire(msg), logger),
      );
    },

    workQueue(contract) {
      assertPublishable(jobSubject(contract.name));
      return {
        async enqueue(job, options) {
          if (state === 'closed') throw busClosed();
          const body = encodeJob(contract, job);
          try {
            await ensureStream(contract.name);
            await js.publish(jobSubject(contract.name), body, {
              msgID: options?.jobId ?? randomUUID(),
              headers: toNatsHeaders(outgoingHeaders()),
            });
          } catch (e) {
            if (isAppError(e)) throw e;
            const reason = e instanceof Error ? e.message : String(e);
            throw new AppError('unavailable', `Could not enqueue a job on "${contract.name}": ${reason}`, { queue: contract.name });
          }
        },
        consume(handler, options) {
          return consume(contract, handler as (job: unknown, ctx: JobContext) => Promise<void>, consumeSettings(options));
        },
      };
    },

    async ping() {
      if (state !== 'open' || nc.isClosed() || !connected) throw new AppError('unavailable', 'Not connected to NATS.');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('unavailable', `NATS did not answer within ${PING_TIMEOUT_MS} ms.`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([nc.flush(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    close() {
      closing ??= (async () => {
        state = 'draining';
        const drained = await subs.drain(opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, logger);
        state = 'closed';
        // After a clean drain, flush the last replies and acks; after a missed deadline, drop the
        // connection at once so the abandoned jobs go back to the queue.
        if (drained) await nc.drain().catch(() => nc.close());
        else await nc.close();
      })();
      return closing;
    },
  };
}
