import type { Logger } from 'pino';
import { BusLifecycle } from './lifecycle.js';
import { notConnected, openNatsLink } from './nats-connection.js';
import { natsEvents } from './nats-events.js';
import { createJobStreams } from './nats-job-streams.js';
import type { NatsContext } from './nats-listener.js';
import { natsRequestReply } from './nats-request-reply.js';
import { createNatsWorkQueue } from './nats-work-queue.js';
import type { Bus } from './types.js';

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
  const link = await openNatsLink(opts);
  const life = new BusLifecycle({ drainTimeoutMs: opts.drainTimeoutMs, logger });
  const ctx: NatsContext = { nc: link.nc, life, logger };
  const streams = createJobStreams(link.nc);
  return {
    kind: 'nats',
    ...natsRequestReply(ctx, opts.requestTimeoutMs),
    ...natsEvents(ctx),
    workQueue: (contract) => life.guard(createNatsWorkQueue({ streams, contract, logger })),
    async ping() {
      if (!life.open) throw notConnected();
      await link.ping();
    },
    close: () => life.close((drained) => link.disconnect(drained)),
  };
}
