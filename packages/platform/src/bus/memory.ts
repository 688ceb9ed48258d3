import type { JobOf, ReplyOf } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { createStoreWorkQueue } from './store-work-queue.js';
import {
  answerRequest,
  assertPublishable,
  busClosed,
  DEFAULT_DRAIN_TIMEOUT_MS,
  deliverEvent,
  encodeBody,
  InFlight,
  noResponders,
  outgoingHeaders,
  readReply,
  subjectMatches,
  Subscriptions,
  timedOut,
  type WireMessage,
} from './subjects.js';
import type { Bus, MessageMeta, Subscription, WorkQueue } from './types.js';

interface Delivery extends WireMessage {
  subject: string;
  /** Set on requests: where the answer goes. */
  reply?: (answer: WireMessage) => void;
}

interface Listener {
  pattern: string;
  queue: string | undefined;
  deliver(delivery: Delivery): void;
}

type AnyHandler = (data: unknown, meta: MessageMeta) => unknown;

/**
 * The in-process bus of the embedded mode, with NATS semantics: subjects with `*`/`>`
 * wildcards, queue groups (one member per group gets each message, round robin), request/reply
 * with timeouts and "no responders", JSON bodies and string headers on the wire (so nothing is
 * shared by reference), and delivery on a later turn of the event loop, never re-entrantly.
 * Work queues live in `store` so they survive restarts. The store belongs to the caller.
 */
export function createMemoryBus(opts: {
  store: Store;
  requestTimeoutMs: number;
  logger?: Logger;
  /** How long `close()` waits for in-flight handlers. */
  drainTimeoutMs?: number;
}): Bus {
  const { logger } = opts;
  const listeners = new Set<Listener>();
  const subs = new Subscriptions();
  const turns = new Map<string, number>();
  const queues = new Map<string, WorkQueue<unknown>>();
  let state: 'open' | 'draining' | 'closed' = 'open';
  let closing: Promise<void> | undefined;

  /** Hand a message to every plain listener and to one member of each queue group; returns how many got it. */
  function route(subject: string, delivery: Delivery): number {
    const groups = new Map<string, Listener[]>();
    let count = 0;
    for (const l of listeners) {
      if (!subjectMatches(l.pattern, subject)) continue;
      if (l.queue === undefined) {
        l.deliver(delivery);
        count++;
      } else {
        groups.set(l.queue, [...(groups.get(l.queue) ?? []), l]);
      }
    }
    for (const [queue, members] of groups) {
      const key = `${queue} ${subject}`;
      const turn = turns.get(key) ?? 0;
      turns.set(key, turn + 1);
      members[turn % members.length]!.deliver(delivery);
      count++;
    }
    return count;
  }

  function listen(pattern: string, queue: string | undefined, onMessage: (d: Delivery) => Promise<void>): Subscription {
    if (state !== 'open') throw busClosed();
    const inflight = new InFlight();
    const listener: Listener = {
      pattern,
      queue,
      // Tracked from the moment it is routed, so a drain also waits for messages not yet dispatched.
      deliver: (d) => inflight.track(new Promise((resolve) => setImmediate(resolve)).then(() => onMessage(d))),
    };
    listeners.add(listener);
    return subs.add(async () => {
      listeners.delete(listener);
      await inflight.settled();
    });
  }

  return {
    kind: 'memory',

    async request(contract, data, options) {
      if (state === 'closed') throw busClosed();
      const { subject } = contract;
      assertPublishable(subject);
      const timeoutMs = options?.timeoutMs ?? opts.requestTimeoutMs;
      const message = { subject, headers: outgoingHeaders(), body: encodeBody(data) };
      return new Promise<ReplyOf<typeof contract>>((resolve, reject) => {
        let answered = false;
        const timer = setTimeout(() => {
          answered = true;
          reject(timedOut(subject, timeoutMs));
        }, timeoutMs);
        const reply = (answer: WireMessage) => {
          if (answered) return;
          answered = true;
          clearTimeout(timer);
          try {
            resolve(readReply(answer) as ReplyOf<typeof contract>);
          } catch (e) {
            reject(e);
          }
        };
        if (route(subject, { ...message, reply }) === 0) {
          answered = true;
          clearTimeout(timer);
          reject(noResponders(subject));
        }
      });
    },

    serve(contract, handler, options) {
      return listen(contract.subject, options?.queue ?? 'q', async (d) => {
        const answer = await answerRequest(contract, handler as AnyHandler, d.subject, d, logger);
        d.reply?.(answer);
      });
    },

    async publish(contract, data) {
      if (state === 'closed') throw busClosed();
      assertPublishable(contract.subject);
      route(contract.subject, { subject: contract.subject, headers: outgoingHeaders(), body: encodeBody(data) });
    },

    subscribe(contract, handler, options) {
      return listen(contract.subject, options?.queue, (d) => deliverEvent(contract, handler as AnyHandler, d.subject, d, logger));
    },

    workQueue(contract) {
      // One queue per name, so an enqueue wakes this bus's consumers of that queue at once.
      let queue = queues.get(contract.name) as WorkQueue<JobOf<typeof contract>> | undefined;
      if (!queue) {
        queue = createStoreWorkQueue({ store: opts.store, contract, logger, alive: () => state !== 'closed' });
        queues.set(contract.name, queue as WorkQueue<unknown>);
      }
      const shared = queue;
      return {
        async enqueue(job, options) {
          if (state === 'closed') throw busClosed();
          await shared.enqueue(job, options);
        },
        consume(handler, options) {
          if (state !== 'open') throw busClosed();
          const sub = shared.consume(handler, options);
          return subs.add(() => sub.stop());
        },
      };
    },

    async ping() {
      if (state !== 'open') throw busClosed();
    },

    close() {
      closing ??= (async () => {
        state = 'draining';
        await subs.drain(opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, logger);
        state = 'closed';
      })();
      return closing;
    },
  };
}
