import { type Msg, RequestError, TimeoutError } from '@nats-io/transport-node';
import type { ReplyOf } from '@perceptiq/contracts';
import { AppError } from '../errors.js';
import { listen, type NatsContext } from './nats-listener.js';
import { toNatsHeaders, wireMessage } from './nats-wire.js';
import type { Bus } from './types.js';
import { answerRequest, type MessageHandler, noResponders, outgoing, readReply, timedOut } from './wire.js';

function requestFailure(e: unknown, subject: string, timeoutMs: number): AppError {
  if (e instanceof RequestError && e.isNoResponders()) return noResponders(subject);
  if (e instanceof TimeoutError || (e instanceof Error && e.cause instanceof TimeoutError)) return timedOut(subject, timeoutMs);
  return new AppError('unavailable', `Request on "${subject}" failed: ${e instanceof Error ? e.message : String(e)}`, {
    subject,
  });
}

/** Core NATS request/reply; servers of a subject share a queue group, so replicas share the load. */
export function natsRequestReply(ctx: NatsContext, requestTimeoutMs: number): Pick<Bus, 'request' | 'serve'> {
  const { nc, life, logger } = ctx;
  return {
    async request(contract, data, options) {
      life.assertNotClosed();
      const { subject } = contract;
      const { headers, body } = outgoing(subject, data);
      const timeoutMs = options?.timeoutMs ?? requestTimeoutMs;
      let reply: Msg;
      try {
        reply = await nc.request(subject, body, { timeout: timeoutMs, headers: toNatsHeaders(headers) });
      } catch (e) {
        throw requestFailure(e, subject, timeoutMs);
      }
      return readReply(wireMessage(reply)) as ReplyOf<typeof contract>;
    },

    serve(contract, handler, options) {
      return listen(ctx, contract.subject, options?.queue ?? 'q', async (msg) => {
        const answer = await answerRequest(contract, handler as MessageHandler, msg.subject, wireMessage(msg), logger);
        if (msg.reply) msg.respond(answer.body, { headers: toNatsHeaders(answer.headers) });
      });
    },
  };
}
