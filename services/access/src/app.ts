import { AuthorizeAdmin, AuthorizeKey, ClientChanged } from '@perceptiq/contracts';
import type { Bus, Lifecycle, Logger, Store } from '@perceptiq/platform';
import { AccessService } from './access-service.js';
import { Authorizer } from './authorizer.js';
import { accessCollections, createIndexes } from './records.js';
import { IpGuard } from './ip-guard.js';
import { MemoryRateCounter, StoreRateCounter, type RateCounter } from './rate-counter.js';

const SWEEP_INTERVAL_MS = 60_000;

export interface AccessDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  lifecycle: Lifecycle;
  keySecret: string;
  adminToken: string;
  adminFailuresPerIpPerMinute: number;
  accessRequestsPerIpPerMinute: number;
  /** Epoch ms; injectable so tests can move time instead of sleeping. */
  now?: () => number;
}

export interface Access {
  service: AccessService;
  authorizer: Authorizer;
  ipGuard: IpGuard;
  counter: RateCounter;
  /** Create indexes, serve the bus operations, follow `ClientChanged` and sweep old counters; stops go on the lifecycle. */
  start(): Promise<void>;
}

/** Build the access service's parts (nothing runs until `start`). */
export function createAccess(deps: AccessDeps): Access {
  const now = deps.now ?? Date.now;
  const { counters, ...collections } = accessCollections(deps.store);
  // MongoDB may be shared by several access replicas, so counts live there; an embedded store
  // belongs to one process, so counting in its memory is just as shared and avoids a write per call.
  const counter: RateCounter = deps.store.engine === 'mongodb' ? new StoreRateCounter(counters, now) : new MemoryRateCounter(now);
  const service = new AccessService({ collections, bus: deps.bus, keySecret: deps.keySecret, logger: deps.logger, now });
  const authorizer = new Authorizer({ clients: collections.clients, keys: collections.keys, counter, logger: deps.logger, now });
  const ipGuard = new IpGuard({
    counter,
    keySecret: deps.keySecret,
    adminToken: deps.adminToken,
    adminFailuresPerIpPerMinute: deps.adminFailuresPerIpPerMinute,
    accessRequestsPerIpPerMinute: deps.accessRequestsPerIpPerMinute,
  });

  async function start(): Promise<void> {
    await createIndexes({ ...collections, counters });
    const { bus, logger } = deps;
    const subscriptions = [
      bus.serve(AuthorizeKey, ({ key_hash }) => authorizer.authorize(key_hash)),
      bus.serve(AuthorizeAdmin, (request) => ipGuard.authorizeAdmin(request)),
      // No queue group: every replica drops its own cached keys.
      bus.subscribe(ClientChanged, ({ client_id }) => authorizer.forget(client_id)),
    ];
    const sweeper = setInterval(() => {
      counter.sweep().catch((err: unknown) => logger.warn({ err }, 'rate counter sweep failed'));
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
    deps.lifecycle.onStop('access', async () => {
      clearInterval(sweeper);
      await Promise.all(subscriptions.map((s) => s.stop()));
      await authorizer.drain();
    });
  }

  return { service, authorizer, ipGuard, counter, start };
}
