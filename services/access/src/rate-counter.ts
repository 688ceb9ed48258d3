import type { RateState } from '@perceptiq/contracts';
import type { Collection } from '@perceptiq/platform';
import type { CounterDoc } from './records.js';

const WINDOW_MS = 60_000;

/** What is counted: calls of a client, wrong admin tokens from an address, access requests from an address. */
export type CounterBucket = 'client' | 'admin_failure' | 'access_request';

export interface Count extends RateState {
  count: number;
}

/** Fixed one-minute windows aligned to the wall-clock minute. */
export interface RateCounter {
  hit(bucket: CounterBucket, subject: string, limit: number): Promise<Count>;
  /** The current window's count, without counting. */
  peek(bucket: CounterBucket, subject: string, limit: number): Promise<Count>;
  /** Forget windows that have ended; they are never read again. */
  sweep(): Promise<number>;
}

/**
 * Counted in the store (MongoDB), so every access replica shares the counts. One atomic upsert
 * per hit: no read-modify-write race between replicas.
 */
export class StoreRateCounter implements RateCounter {
  constructor(
    private readonly counters: Collection<CounterDoc>,
    private readonly now: () => number,
  ) {}

  async hit(bucket: CounterBucket, subject: string, limit: number): Promise<Count> {
    const now = this.now();
    const start = windowStart(now);
    const doc = await this.counters.findOneAndUpdate(
      { _id: counterId(bucket, subject, start) },
      { $inc: { count: 1 }, $setOnInsert: { expires_at: new Date(start + WINDOW_MS).toISOString() } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!doc) throw new Error('rate counter upsert returned no document');
    return state(doc.count, limit, now);
  }

  async peek(bucket: CounterBucket, subject: string, limit: number): Promise<Count> {
    const now = this.now();
    const doc = await this.counters.findOne({ _id: counterId(bucket, subject, windowStart(now)) });
    return state(doc?.count ?? 0, limit, now);
  }

  async sweep(): Promise<number> {
    const { deletedCount } = await this.counters.deleteMany({ expires_at: { $lte: new Date(this.now()).toISOString() } });
    return deletedCount;
  }
}

/**
 * Counted in this process's memory. Used with the embedded store, whose file belongs to exactly
 * one access process: that process is then the one place every edge replica's calls are counted,
 * and a disk write per API call would buy nothing. Counts do not survive a restart (at worst a
 * client gets one extra window's worth of calls).
 */
export class MemoryRateCounter implements RateCounter {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  async hit(bucket: CounterBucket, subject: string, limit: number): Promise<Count> {
    const now = this.now();
    const start = windowStart(now);
    const id = counterId(bucket, subject, start);
    const entry = this.counts.get(id);
    const count = (entry?.count ?? 0) + 1;
    this.counts.set(id, { count, expiresAt: start + WINDOW_MS });
    return state(count, limit, now);
  }

  async peek(bucket: CounterBucket, subject: string, limit: number): Promise<Count> {
    const now = this.now();
    return state(this.counts.get(counterId(bucket, subject, windowStart(now)))?.count ?? 0, limit, now);
  }

  async sweep(): Promise<number> {
    const now = this.now();
    let deleted = 0;
    for (const [id, entry] of this.counts) {
      if (entry.expiresAt <= now) {
        this.counts.delete(id);
        deleted++;
      }
    }
    return deleted;
  }
}

const windowStart = (now: number): number => Math.floor(now / WINDOW_MS) * WINDOW_MS;

// The window start is last and numeric, so an IPv6 subject's colons cannot make two ids collide.
const counterId = (bucket: CounterBucket, subject: string, start: number): string => `${bucket}:${subject}:${start}`;

function state(count: number, limit: number, now: number): Count {
  const resetSeconds = Math.max(1, Math.ceil((windowStart(now) + WINDOW_MS - now) / 1000));
  return { count, limit, remaining: Math.max(0, limit - count), reset_seconds: resetSeconds };
}
