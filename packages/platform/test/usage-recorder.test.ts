import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiUsageRecorded, type EventOf } from '@perceptiq/contracts';
import { createMemoryBus } from '../src/bus/memory.js';
import { Lifecycle } from '../src/lifecycle.js';
import { createLogger } from '../src/logger.js';
import { openEmbeddedStore } from '../src/store/embedded.js';
import { UsageRecorder } from '../src/usage-recorder.js';
import type { Bus } from '../src/bus/types.js';
import type { Store } from '../src/store/types.js';

const logger = createLogger({ level: 'silent', name: 'test' });
let dir: string;
let store: Store;
let bus: Bus;
let received: Array<EventOf<typeof ApiUsageRecorded>>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'perceptiq-usage-'));
  store = openEmbeddedStore({ dir, name: 'bus' });
  bus = createMemoryBus({ store, requestTimeoutMs: 1_000 });
  received = [];
  bus.subscribe(ApiUsageRecorded, (e) => void received.push(e));
});

afterEach(async () => {
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the usage event');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('UsageRecorder', () => {
  it('publishes one event per client with counts by scope and status', async () => {
    const lifecycle = new Lifecycle(logger, 1_000);
    const usage = new UsageRecorder(bus, logger, lifecycle);
    usage.record('cli_a', 'summary', 200);
    usage.record('cli_a', 'summary', 200);
    usage.record('cli_a', 'compare', 403);
    usage.record('cli_b', 'me', 429);
    await usage.flush();
    await until(() => received.length === 2);
    const a = received.find((e) => e.client_id === 'cli_a')!;
    expect(a.counts).toEqual(
      expect.arrayContaining([
        { scope: 'summary', status: 200, count: 2 },
        { scope: 'compare', status: 403, count: 1 },
      ]),
    );
    expect(a.counts).toHaveLength(2);
    expect(Date.parse(a.to)).toBeGreaterThanOrEqual(Date.parse(a.from));
    expect(received.find((e) => e.client_id === 'cli_b')!.counts).toEqual([{ scope: 'me', status: 429, count: 1 }]);

    // Nothing recorded since: nothing published.
    await usage.flush();
    await lifecycle.stop();
    expect(received).toHaveLength(2);
  });

  it('flushes what is left when the process stops', async () => {
    const lifecycle = new Lifecycle(logger, 1_000);
    const usage = new UsageRecorder(bus, logger, lifecycle);
    usage.record('cli_c', 'search', 200);
    await lifecycle.stop();
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ client_id: 'cli_c', counts: [{ scope: 'search', status: 200, count: 1 }] });
  });
});
