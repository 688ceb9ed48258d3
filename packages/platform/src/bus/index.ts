export type * from './types.js';
export { createMemoryBus } from './memory.js';
export { connectNatsBus } from './nats.js';
export { JobDeferred } from './jobs.js';
