import type { MemoryContext } from './memory-router.js';
import type { Bus } from './types.js';
import { deliverEvent, type MessageHandler, outgoing } from './wire.js';

/** Events inside one process: every plain subscriber gets each event, one member per queue group does. */
export function memoryEvents(ctx: MemoryContext): Pick<Bus, 'publish' | 'subscribe'> {
  const { router, life, logger } = ctx;
  return {
    async publish(contract, data) {
      life.assertNotClosed();
      router.route(outgoing(contract.subject, data));
    },

    subscribe(contract, handler, options) {
      return router.listen(contract.subject, options?.queue, (d) =>
        deliverEvent(contract, handler as MessageHandler, d.subject, d, logger),
      );
    },
  };
}
