import { randomUUID } from 'node:crypto';
import type { JobOf, QueueContract } from '@perceptiq/contracts';
import type { Logger } from 'pino';
import { isAppError } from '../errors.js';
import { currentRequestId } from '../request-context.js';
import type { Document, Store } from '../store/types.js';
import { consumeSettings, encodeJob, runJob, type JobVerdict } from './jobs.js';
import type { JobContext, Subscription, WorkQueue } from './types.js';

/**
 * A durable job queue on a Store, for the embedded mode: the same contract as the JetStream
 * queue. A delivery is a lease: claiming a job sets `lease_until` and counts an attempt in one
 * atomic `findOneAndUpdate`; acknowledging deletes it. A job whose worker died keeps its lease
 * until it expires and is then claimed again, by this process after a restart or by another.
 */
interface JobDoc extends Document {
  /** The job as JSON text, exactly as it would travel over NATS. */
  data: string;
  attempts: number;
  lease_until: number;
  available_at: number;
  created_at: number;
  request_id?: string;
}

/** Polling catches leases that expired and jobs enqueued by other processes; in-process enqueues wake consumers at once. */
const MAX_POLL_MS = 1_000;

/** Wakes every waiting consumer loop at once. */
class Signal {
  private readonly waiters = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  fire(): void {
    for (const done of [...this.waiters]) done();
  }
}

export function createStoreWorkQueue<C extends QueueContract>(opts: {
  store: Store;
  contract: C;
  logger?: Logger;
  /** False once the owning bus gave up draining: abandoned handlers must then leave their jobs alone, like a dead process. */
  alive(): boolean;
}): WorkQueue<JobOf<C>> {
  const { contract, logger, alive } = opts;
  const jobs = opts.store.collection<JobDoc>(`jobs_${contract.name}`);
  const signal = new Signal();

  return {
    // Acknowledging deletes a job: what is left is waiting or leased.
    depth: () => jobs.countDocuments(),

    async enqueue(job, options) {
      const now = Date.now();
      const requestId = currentRequestId();
      try {
        await jobs.insertOne({
          _id: options?.jobId ?? randomUUID(),
          data: encodeJob(contract, job),
          attempts: 0,
          lease_until: 0,
          available_at: now,
          created_at: now,
          ...(requestId ? { request_id: requestId } : {}),
        });
      } catch (e) {
        // The same jobId is still pending: this enqueue is a duplicate.
        if (isAppError(e) && e.code === 'conflict') return;
        throw e;
      }
      signal.fire();
    },

    consume(handler, options): Subscription {
      const settings = consumeSettings(options);
      const pollMs = Math.min(settings.ackWaitMs, MAX_POLL_MS);
      let stopping = false;

      const claim = (): Promise<JobDoc | null> => {
        const now = Date.now();
        return jobs.findOneAndUpdate(
          { available_at: { $lte: now }, lease_until: { $lte: now } },
          { $set: { lease_until: now + settings.ackWaitMs }, $inc: { attempts: 1 } },
          { sort: { available_at: 1, created_at: 1 }, returnDocument: 'after' },
        );
      };

      const handle = async (doc: JobDoc): Promise<void> => {
        // `attempts` identifies this lease: a worker whose lease expired and was re-claimed matches nothing.
        const lease = { _id: doc._id, attempts: doc.attempts };
        const verdict: JobVerdict = await runJob({
          contract,
          body: doc.data,
          requestId: doc.request_id,
          jobId: doc._id,
          attempt: doc.attempts,
          settings,
          handler: handler as (job: unknown, ctx: JobContext) => Promise<void>,
          working: () => {
            if (!alive()) return;
            jobs
              .updateOne(lease, { $set: { lease_until: Date.now() + settings.ackWaitMs } })
              .catch((e: unknown) => logger?.warn({ err: e, queue: contract.name }, 'job lease extension failed'));
          },
          logger,
        });
        if (!alive()) return;
        if (verdict.kind === 'retry' || verdict.kind === 'defer') {
          // A deferred job gives its attempt back: it was not worked on.
          const attempts = verdict.kind === 'defer' ? { $inc: { attempts: -1 } } : {};
          await jobs.updateOne(lease, { $set: { available_at: Date.now() + verdict.delayMs, lease_until: 0 }, ...attempts });
          setTimeout(() => signal.fire(), verdict.delayMs).unref();
        } else {
          await jobs.deleteOne(lease);
        }
      };

      // One loop per unit of concurrency: each claims a job only when it is free to run it.
      const worker = async (): Promise<void> => {
        while (!stopping) {
          let doc: JobDoc | null = null;
          try {
            doc = await claim();
            if (doc) await handle(doc);
          } catch (e) {
            logger?.error({ err: e, queue: contract.name }, 'work queue loop failed');
          }
          if (!doc && !stopping) await signal.wait(pollMs);
        }
      };
      const workers = Array.from({ length: settings.concurrency }, worker);

      return {
        async stop() {
          stopping = true;
          signal.fire();
          await Promise.all(workers);
        },
      };
    },
  };
}
