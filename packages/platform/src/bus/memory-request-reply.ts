import type { ReplyOf } from '@perceptiq/contracts';
import type { MemoryContext } from './memory-router.js';
import type { Bus } from './types.js';
import { answerRequest, type MessageHandler, noResponders, outgoing, readReply, timedOut, type WireMessage } from './wire.js';

/** Request/reply inside one process, with NATS's timeouts and "no responders". */
export function memoryRequestReply(ctx: MemoryContext, requestTimeoutMs: number): Pick<Bus, 'request' | 'serve'> {
  const { router, life, logger } = ctx;
  return {
    async request(contract, data, options) {
      life.assertNotClosed();
      const { subject } = contract;
      const message = { subject, ...outgoing(subject, data) };
      const timeoutMs = options?.timeoutMs ?? requestTimeoutMs;
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
        if (router.route(subject, { ...message, reply }) === 0) {
          answered = true;
          clearTimeout(timer);
          reject(noResponders(subject));
        }
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
