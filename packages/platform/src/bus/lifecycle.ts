import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { Subscription, WorkQueue } from './types.js';

/** How long `close()` waits for in-flight handlers before disconnecting anyway. */
const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

const busClosed = (): AppError => new AppError('unavailable', 'The message bus is closed.');

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
class Subscriptions {
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

/**
 * Open, then draining, then closed; shared by both adapters so they refuse the same calls at
 * the same stage. While draining nothing new is received, but sending still works so in-flight
 * handlers can reply, publish and enqueue.
 */
export class BusLifecycle {
  private state: 'open' | 'draining' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private readonly subs = new Subscriptions();
  private readonly drainTimeoutMs: number;
  private readonly logger: Logger | undefined;

  constructor(opts: { drainTimeoutMs?: number; logger?: Logger }) {
    this.drainTimeoutMs = opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.logger = opts.logger;
  }

  get open(): boolean {
    return this.state === 'open';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Before receiving: subscribing, serving, consuming. */
  assertOpen(): void {
    if (this.state !== 'open') throw busClosed();
  }

  /** Before sending: requesting, publishing, enqueueing. */
  assertNotClosed(): void {
    if (this.state === 'closed') throw busClosed();
  }

  /** A subscription that `close()` stops and waits for. */
  track(stop: () => Promise<void>): Subscription {
    return this.subs.add(stop);
  }

  /** A work queue whose consumers are drained with the bus. */
  guard<T>(queue: WorkQueue<T>): WorkQueue<T> {
    return {
      enqueue: async (job, options) => {
        this.assertNotClosed();
        await queue.enqueue(job, options);
      },
      consume: (handler, options) => {
        this.assertOpen();
        const sub = queue.consume(handler, options);
        return this.track(() => sub.stop());
      },
      depth: () => queue.depth(),
    };
  }

  /** Drain once, then `disconnect`, told whether every handler finished in time. */
  close(disconnect?: (drained: boolean) => Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'draining';
      const drained = await this.subs.drain(this.drainTimeoutMs, this.logger);
      this.state = 'closed';
      await disconnect?.(drained);
    })();
    return this.closing;
  }
}
