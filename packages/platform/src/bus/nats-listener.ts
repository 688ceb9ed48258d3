import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { type BusLifecycle, InFlight } from './lifecycle.js';
import type { Subscription } from './types.js';

/** What the pieces of the NATS bus share. */
export interface NatsContext {
  nc: NatsConnection;
  life: BusLifecycle;
  logger: Logger | undefined;
}

/** A core NATS subscription whose stop drains it and waits for the handlers still running. */
export function listen(
  ctx: NatsContext,
  subject: string,
  queue: string | undefined,
  onMessage: (msg: Msg) => Promise<void>,
): Subscription {
  const { nc, life, logger } = ctx;
  life.assertOpen();
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
  return life.track(async () => {
    if (!nc.isClosed()) await sub.drain();
    await inflight.settled();
  });
}
