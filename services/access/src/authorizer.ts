import type { AuthorizeKey, ClientIdentity, ReplyOf } from '@perceptiq/contracts';
import type { Collection, Logger } from '@perceptiq/platform';
import type { ClientDoc, ClientStatus, KeyDoc } from './records.js';
import type { RateCounter } from './rate-counter.js';

const CACHE_MAX_ENTRIES = 10_000;
/** Events are at-most-once: a lost `ClientChanged` must not keep a revoked key alive for long. */
const CACHE_TTL_MS = 60_000;
const LAST_USED_INTERVAL_MS = 60_000;

interface CachedKey {
  identity: ClientIdentity;
  status: ClientStatus;
  /** Epoch ms after which the key no longer works; null for a client's current key. */
  expiresAt: number | null;
  loadedAt: number;
}

export interface AuthorizerOptions {
  clients: Collection<ClientDoc>;
  keys: Collection<KeyDoc>;
  counter: RateCounter;
  logger: Logger;
  now: () => number;
}

/**
 * The hot path of every partner call: a key hash → the client's identity, counted against its
 * per-minute limit. Keys are cached in memory (bounded); `forget` drops a client's entries
 * when a `ClientChanged` event says its keys, scopes or status changed.
 */
export class Authorizer {
  private readonly cache = new Map<string, CachedKey>();
  /** Bumped by every `forget`, so a lookup that raced with an invalidation is not cached. */
  private generation = 0;
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(private readonly options: AuthorizerOptions) {}

  async authorize(keyHash: string): Promise<ReplyOf<typeof AuthorizeKey>> {
    const entry = await this.lookup(keyHash);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.status === 'revoked') return { ok: false, reason: 'revoked' };
    const now = this.options.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now) return { ok: false, reason: 'expired' };
    const { client_id, rate_limit_rpm } = entry.identity;
    const { count, ...rate } = await this.options.counter.hit('client', client_id, rate_limit_rpm);
    this.touch(client_id, now);
    return { ok: true, client: entry.identity, rate, allowed: count <= rate.limit };
  }

  forget(clientId: string): void {
    this.generation++;
    for (const [hash, entry] of this.cache) {
      if (entry.identity.client_id === clientId) this.cache.delete(hash);
    }
  }

  /** Wait for `last_used_at` writes still in flight (before the store closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pendingWrites]);
  }

  private async lookup(keyHash: string): Promise<CachedKey | undefined> {
    const cached = this.cache.get(keyHash);
    if (cached && this.options.now() - cached.loadedAt < CACHE_TTL_MS) return cached;
    const generation = this.generation;
    const key = await this.options.keys.findOne({ _id: keyHash });
    const client = key && (await this.options.clients.findOne({ _id: key.client_id }));
    // Unknown hashes are not cached: guessed keys must not be able to evict real ones.
    if (!key || !client) return undefined;
    const entry: CachedKey = {
      identity: {
        client_id: client._id,
        company: client.company,
        tier: client.tier,
        scopes: client.scopes,
        rate_limit_rpm: client.rate_limit_rpm,
      },
      status: client.status,
      expiresAt: key.expires_at === null ? null : Date.parse(key.expires_at),
      loadedAt: this.options.now(),
    };
    if (generation === this.generation) this.remember(keyHash, entry);
    return entry;
  }

  private remember(keyHash: string, entry: CachedKey): void {
    this.cache.delete(keyHash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(keyHash, entry);
  }

  /** Record `last_used_at` at most once a minute per client, off the hot path. */
  private touch(clientId: string, now: number): void {
    const last = this.lastUsedWritten.get(clientId);
    if (last !== undefined && now - last < LAST_USED_INTERVAL_MS) return;
    this.lastUsedWritten.set(clientId, now);
    const write = this.options.clients
      .updateOne({ _id: clientId }, { $set: { last_used_at: new Date(now).toISOString() } })
      .then(
        () => undefined,
        (err: unknown) => this.options.logger.warn({ err, clientId }, 'could not record last_used_at'),
      );
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }
}
