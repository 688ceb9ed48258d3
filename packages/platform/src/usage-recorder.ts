import { ApiUsageRecorded } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import type { Bus } from './bus/types.js';
import type { Lifecycle } from './lifecycle.js';

const FLUSH_INTERVAL_MS = 1_000;

/**
 * Counts authenticated calls at the edge by client, scope and status, and publishes the counts
 * once a second (and on shutdown) as `api.usage.recorded`: one event per client per interval
 * instead of one bus message per API call.
 */
export class UsageRecorder {
  private counts = new Map<string, Map<string, number>>();
  private from = new Date();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
    lifecycle: Lifecycle,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    lifecycle.onStop('usage recorder', async () => {
      clearInterval(this.timer);
      await this.flush();
    });
  }

  record(clientId: string, scope: string, status: number): void {
    let byKey = this.counts.get(clientId);
    if (!byKey) this.counts.set(clientId, (byKey = new Map()));
    const key = `${scope} ${status}`;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = this.counts;
    const from = this.from.toISOString();
    this.counts = new Map();
    this.from = new Date();
    const to = this.from.toISOString();
    await Promise.all(
      [...counts].map(([client_id, byKey]) =>
        this.bus
          .publish(ApiUsageRecorded, {
            client_id,
            from,
            to,
            counts: [...byKey].map(([key, count]) => {
              const [scope, status] = key.split(' ');
              return { scope: scope!, status: Number(status), count };
            }),
          })
          .catch((err: Error) => this.logger.warn({ err: err.message }, 'could not publish API usage')),
      ),
    );
  }
}
