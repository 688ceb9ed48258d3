import type { ReplyOf } from '@perceptiq/contracts';
import type { Delivery, MemoryContext } from './memory-router.js';
import type { Bus } from './types.js';
import { answerRequest, type MessageHandler, noResponders, outgoing, readReply, timedOut } from './wire.js';

/** Request/reply inside one process, with NATS's timeouts and "no responders". */
export function memoryRequestReply(ctx: MemoryContext, requestTimeoutMs: number): Pick<Bus, 'request' | 'serve'> {
  const { router, life, logger } = ctx;
  return {
    async request(contract, data, options) {
      life.assertNotClosed();
      const { subject } = contract;
      const delivery: Delivery = outgoing(subject, data);
      const timeoutMs = options?.timeoutMs ?? requestTimeoutMs;
      return new Promise<ReplyOf<typeof contract>>((resolve, reject) => {
        let answered = false;
        delivery.reply = (answer) => {
          if (answered) return;
          answered = true;
          clearTimeout(timer);
          try {
            resolve(readReply(answer) as ReplyOf<typeof contract>);
          } catch (e) {
            reject(e);
          }
        };
        if (router.route(delivery) === 0) {
          reject(noResponders(subject));
          return;
        }
        // Listeners answer on a later turn (see MemoryRouter), so no reply can come before the timer exists.
        const timer = setTimeout(() => {
          answered = true;
          reject(timedOut(subject, timeoutMs));
        }, timeoutMs);
      });
    },

    serve(contract, handler, options) {
      return router.listen(contract.subject, options?.queue ?? 'q', async (d) => {
        const answer = await answerRequest(contract, handler as MessageHandler, d.subject, d, logger);
        d.reply?.(answer);
      });
    },
  };
}
