import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventContract, EventOf, JobOf, ProcessDocument } from '@perceptiq/contracts';
import { newId, openFsBlobStore, openStore, type BlobStore, type Bus, type Logger, type Store, type WorkQueue } from '@perceptiq/platform';
import { DocumentRepository, queuedDocument, type DocumentRecord } from '../../src/documents.js';
import { PageRepository } from '../../src/pages.js';

/**
 * Small stand-ins for the ports ingest's domain services take, for unit tests: the real
 * repositories on the embedded store in a temp dir (cheap, and the queries are the real ones),
 * and in-memory recorders for the bus, the work queue and the logger.
 */

/** The document repository, remembering every update it was asked for (how stage transitions are seen). */
export class RecordingDocuments extends DocumentRepository {
  readonly updates: Array<{ id: string; set: Partial<DocumentRecord> }> = [];

  override async update(clientId: string, id: string, set: Partial<DocumentRecord>): Promise<void> {
    this.updates.push({ id, set: { ...set } });
    await super.update(clientId, id, set);
  }

  /** The stages a document was moved through, in order. */
  stages(id: string): string[] {
    return this.updates.filter((u) => u.id === id && u.set.stage).map((u) => u.set.stage!);
  }
}

export interface IngestStorage {
  store: Store;
  docs: RecordingDocuments;
  pages: PageRepository;
  blobs: BlobStore;
  close(): Promise<void>;
}

/** Ingest's storage as the service opens it (embedded store and file blobs), in a fresh temp dir. */
export async function openIngestStorage(label: string): Promise<IngestStorage> {
  const dir = await mkdtemp(join(tmpdir(), `perceptiq-${label}-`));
  const store = await openStore({ dataDir: dir, service: 'ingest' });
  const docs = new RecordingDocuments(store);
  const pages = new PageRepository(store);
  await docs.init();
  await pages.init();
  return {
    store,
    docs,
    pages,
    blobs: openFsBlobStore(join(dir, 'blobs')),
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stores the bytes and a queued document of the client for them, as an upload does, for the processor to work on. */
export async function storeQueued(storage: IngestStorage, clientId: string, filename: string, bytes: Buffer, mime = 'application/pdf'): Promise<DocumentRecord> {
  const { sha256, size } = await storage.blobs.put(bytes);
  const record = queuedDocument({
    _id: newId('document'),
    client_id: clientId,
    batch_id: newId('batch'),
    filename,
    mime_type: mime,
    size_bytes: size,
    sha256,
    created_at: new Date().toISOString(),
  });
  await storage.docs.insert(record);
  return record;
}

/**
 * The bus as the domain services use it (they only publish): events kept in order, each checked
 * against its contract's schema as a receiving service would. `down` makes every publish fail.
 */
export class RecordingBus {
  readonly events: Array<{ subject: string; data: Record<string, unknown> }> = [];
  down = false;

  async publish<C extends EventContract>(contract: C, data: EventOf<C>): Promise<void> {
    if (this.down) throw new Error('the bus is down');
    this.events.push({ subject: contract.subject, data: contract.schema.parse(data) as Record<string, unknown> });
  }

  of(subject: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.subject === subject).map((e) => e.data);
  }

  asBus(): Bus {
    return this as unknown as Bus;
  }
}

type Job = JobOf<typeof ProcessDocument>;

/** A work queue (processing by default, or QA's indexing), keeping what was enqueued; jobs are run by the test itself, never consumed here. */
export class RecordingQueue<T = Job> implements WorkQueue<T> {
  readonly jobs: Array<{ job: T; jobId: string | undefined }> = [];

  async enqueue(job: T, options?: { jobId?: string }): Promise<void> {
    this.jobs.push({ job, jobId: options?.jobId });
  }

  consume(): never {
    throw new Error('the domain services enqueue only; the service wiring consumes');
  }

  /** Nothing here is ever acknowledged: every job enqueued is still waiting. */
  async depth(): Promise<number> {
    return this.jobs.length;
  }
}

/** A logger keeping its warnings, the only level the domain services report lost events at. */
export function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  const logger = { warn: (_fields: unknown, message: string) => void warnings.push(message), error: ignore, info: ignore, debug: ignore };
  return { logger: logger as unknown as Logger, warnings };
}
