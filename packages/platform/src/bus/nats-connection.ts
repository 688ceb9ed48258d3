import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';

/** `ping()` answers readiness probes, which must not hang on a dead connection. */
const PING_TIMEOUT_MS = 2_000;

export const notConnected = (): AppError => new AppError('unavailable', 'Not connected to NATS.');

export interface NatsLink {
  readonly nc: NatsConnection;
  /** Rejects while disconnected, or when the server does not answer in time. */
  ping(): Promise<void>;
  /** `drained`: every handler finished, so the last replies and acks are worth flushing. */
  disconnect(drained: boolean): Promise<void>;
}

/** Connects and reconnects forever, tracking whether the connection is up for `ping()`. */
export async function openNatsLink(opts: { url: string; name: string; logger?: Logger }): Promise<NatsLink> {
  const { logger } = opts;
  // noAsyncTraces: otherwise every request builds an Error (a stack capture) up front, in case it times out.
  const nc = await connect({ servers: opts.url, name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, noAsyncTraces: true });
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

  return {
    nc,

    async ping() {
      if (nc.isClosed() || !connected) throw notConnected();
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

    async disconnect(drained) {
      // After a clean drain, flush the last replies and acks; after a missed deadline, drop the
      // connection at once so the abandoned jobs go back to the queue.
      if (drained) await nc.drain().catch(() => nc.close());
      else await nc.close();
    },
  };
}
