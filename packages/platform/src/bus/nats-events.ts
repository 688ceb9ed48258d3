import { listen, type NatsContext } from './nats-listener.js';
import { toNatsHeaders, wireMessage } from './nats-wire.js';
import type { Bus } from './types.js';
import { deliverEvent, type MessageHandler, outgoing } from './wire.js';

/** Core NATS publish/subscribe: fire and forget, every plain subscriber gets each event, one member per queue group does. */
export function natsEvents(ctx: NatsContext): Pick<Bus, 'publish' | 'subscribe'> {
  const { nc, life, logger } = ctx;
  return {
    async publish(contract, data) {
      life.assertNotClosed();
      const { headers, body } = outgoing(contract.subject, data);
      nc.publish(contract.subject, body, { headers: toNatsHeaders(headers) });
    },

    subscribe(contract, handler, options) {
      return listen(ctx, contract.subject, options?.queue, (msg) =>
        deliverEvent(contract, handler as MessageHandler, msg.subject, wireMessage(msg), logger),
      );
    },
  };
}
