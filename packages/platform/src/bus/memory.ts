import type { JobOf } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { BusLifecycle } from './lifecycle.js';
import { memoryEvents } from './memory-events.js';
import { memoryRequestReply } from './memory-request-reply.js';
import { type MemoryContext, MemoryRouter } from './memory-router.js';
import { createStoreWorkQueue } from './store-work-queue.js';
import type { Bus, WorkQueue } from './types.js';

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
  const life = new BusLifecycle({ drainTimeoutMs: opts.drainTimeoutMs, logger });
  const ctx: MemoryContext = { router: new MemoryRouter(life), life, logger };
  return {
    kind: 'memory',
    ...memoryRequestReply(ctx, opts.requestTimeoutMs),
    ...memoryEvents(ctx),
    workQueue: storeWorkQueues(opts.store, life, logger),
    async ping() {
      life.assertOpen();
    },
    close: () => life.close(),
  };
}

/** One queue per name, so an enqueue wakes this bus's consumers of that queue at once. */
function storeWorkQueues(store: Store, life: BusLifecycle, logger: Logger | undefined): Bus['workQueue'] {
  const queues = new Map<string, WorkQueue<unknown>>();
  return (contract) => {
    let queue = queues.get(contract.name) as WorkQueue<JobOf<typeof contract>> | undefined;
    if (!queue) {
      queue = life.guard(createStoreWorkQueue({ store, contract, logger, alive: () => !life.closed }));
      queues.set(contract.name, queue as WorkQueue<unknown>);
    }
    return queue;
  };
}
