import type { Logger } from 'pino';
import { type BusLifecycle, InFlight } from './lifecycle.js';
import { tokensMatch } from './subjects.js';
import type { Subscription } from './types.js';
import type { SubjectMessage, WireMessage } from './wire.js';

export interface Delivery extends SubjectMessage {
  /** Set on requests: where the answer goes. */
  reply?: (answer: WireMessage) => void;
}

/** What the pieces of the in-memory bus share. */
export interface MemoryContext {
  router: MemoryRouter;
  life: BusLifecycle;
  logger: Logger | undefined;
}

interface Listener {
  /** The pattern split once at subscribe time, not on every message. */
  tokens: string[];
  queue: string | undefined;
  deliver(delivery: Delivery): void;
}

/**
 * Message delivery inside one process, with NATS semantics: subjects with `*`/`>` wildcards,
 * queue groups (one member per group gets each message, round robin), and delivery on a later
 * turn of the event loop, never re-entrantly.
 */
export class MemoryRouter {
  private readonly listeners = new Set<Listener>();
  private readonly turns = new Map<string, number>();
  private readonly life: BusLifecycle;

  constructor(life: BusLifecycle) {
    this.life = life;
  }

  /** Hand a message to every plain listener and to one member of each queue group; returns how many got it. */
  route(delivery: Delivery): number {
    const { subject } = delivery;
    const tokens = subject.split('.');
    const groups = new Map<string, Listener[]>();
    let count = 0;
    for (const l of this.listeners) {
      if (!tokensMatch(l.tokens, tokens)) continue;
      if (l.queue === undefined) {
        l.deliver(delivery);
        count++;
      } else {
        const members = groups.get(l.queue);
        if (members) members.push(l);
        else groups.set(l.queue, [l]);
      }
    }
    for (const [queue, members] of groups) {
      const key = `${queue} ${subject}`;
      const turn = this.turns.get(key) ?? 0;
      this.turns.set(key, turn + 1);
      members[turn % members.length]!.deliver(delivery);
      count++;
    }
    return count;
  }

  listen(pattern: string, queue: string | undefined, onMessage: (d: Delivery) => Promise<void>): Subscription {
    this.life.assertOpen();
    const inflight = new InFlight();
    const listener: Listener = {
      tokens: pattern.split('.'),
      queue,
      // Tracked from the moment it is routed, so a drain also waits for messages not yet dispatched.
      deliver: (d) => inflight.track(new Promise((resolve) => setImmediate(resolve)).then(() => onMessage(d))),
    };
    this.listeners.add(listener);
    return this.life.track(async () => {
      this.listeners.delete(listener);
      await inflight.settled();
    });
  }
}
