import { ClientIndex } from '../retrieval/index.js';
import type { IndexedDocuments } from './indexed-documents.js';

/** Documents indexed between two turns of the event loop while an index is (re)built. */
const YIELD_EVERY = 8;

interface Cached {
  version: number;
  /** The index, with when each document in it was indexed: what the next update compares against. */
  ready: Promise<{ index: ClientIndex; stamps: Map<string, string> }>;
}

/**
 * Each client's search index in memory, brought up to date from QA's store whenever the client's
 * index version there has moved: so a replica that did not index a document itself (another
 * replica did, or this one restarted) answers the same as the one that did, for one version
 * lookup per call. An update reads only what changed (documents added, re-indexed or removed
 * since), not the whole workspace. At most `capacity` clients are kept, the least recently used
 * dropped first.
 */
export class IndexCache {
  private readonly cached = new Map<string, Cached>();

  constructor(
    private readonly store: IndexedDocuments,
    private readonly capacity = 64,
  ) {}

  async for(clientId: string): Promise<ClientIndex> {
    const version = await this.store.version(clientId);
    let entry = this.cached.get(clientId);
    if (!entry || entry.version !== version) {
      // From the previous state when there is one (its failure: from nothing).
      const previous = entry?.ready.catch(() => undefined);
      const next: Cached = { version, ready: previous ? previous.then((p) => this.update(clientId, p)) : this.update(clientId, undefined) };
      // A failed update is not remembered: the next call starts again from nothing.
      next.ready.catch(() => this.cached.get(clientId) === next && this.cached.delete(clientId));
      entry = next;
    }
    // Re-inserted: a Map keeps insertion order, so the first key is the least recently used.
    this.cached.delete(clientId);
    this.cached.set(clientId, entry);
    if (this.cached.size > this.capacity) this.cached.delete(this.cached.keys().next().value!);
    return (await entry.ready).index;
  }

  private async update(clientId: string, from: { index: ClientIndex; stamps: Map<string, string> } | undefined) {
    const stamps = await this.store.stamps(clientId);
    const changed = [...stamps].filter(([id, at]) => from?.stamps.get(id) !== at).map(([id]) => id);
    const docs = await this.store.some(clientId, changed);
    // In place. No call sees it half-updated: every call for this client awaits this update first,
    // and an ask or search runs synchronously once it has the index.
    const index = from?.index ?? new ClientIndex();
    for (const id of from?.stamps.keys() ?? []) if (!stamps.has(id)) index.remove(id);
    for (const [i, doc] of docs.entries()) {
      index.addChunks(doc._id, doc.filename, doc.chunks);
      // A large workspace takes a while to index (about 0.5 ms a page): other clients' calls go on meanwhile.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    return { index, stamps };
  }
}
