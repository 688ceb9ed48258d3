import {
  AckPolicy,
  type Consumer,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  type JetStreamPublishOptions,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { ConsumeSettings } from './jobs.js';

/** The durable pull consumer shared by every worker of a queue, in every process. */
const DURABLE = 'workers';

const jobStreamName = (queue: string): string => `JOBS_${queue.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
export const jobSubject = (queue: string): string => `jobs.${queue}`;

const isApiError = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code;

/** The JetStream objects behind work queues: one work-queue stream per queue, with its durable consumer. */
export interface JobStreams {
  publish(queue: string, body: string, options: Partial<JetStreamPublishOptions>): Promise<void>;
  /** The queue's durable consumer, its ack wait and max deliveries brought in line with `settings`. */
  consumer(queue: string, settings: ConsumeSettings): Promise<Consumer>;
  /** Messages in the queue's stream: a work-queue stream drops a message once it is acknowledged. */
  depth(queue: string): Promise<number>;
}

/** Streams and consumers are created on first use, so processes without work queues do not need JetStream. */
export function createJobStreams(nc: NatsConnection): JobStreams {
  const js = jetstream(nc);
  let manager: Promise<JetStreamManager> | undefined;
  const streams = new Map<string, Promise<void>>();

  const jsm = (): Promise<JetStreamManager> => {
    if (!manager) {
      manager = jetstreamManager(nc);
      manager.catch(() => (manager = undefined));
    }
    return manager;
  };

  function ensureStream(queue: string): Promise<void> {
    const name = jobStreamName(queue);
    let ready = streams.get(name);
    if (!ready) {
      ready = (async () => {
        const m = await jsm();
        try {
          await m.streams.info(name);
        } catch (e) {
          if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
          await m.streams.add({
            name,
            subjects: [jobSubject(queue)],
            retention: RetentionPolicy.Workqueue,
            storage: StorageType.File,
          });
        }
      })();
      ready.catch(() => streams.delete(name));
      streams.set(name, ready);
    }
    return ready;
  }

  return {
    async publish(queue, body, options) {
      await ensureStream(queue);
      await js.publish(jobSubject(queue), body, options);
    },

    async depth(queue) {
      await ensureStream(queue);
      return (await (await jsm()).streams.info(jobStreamName(queue))).state.messages;
    },

    async consumer(queue, settings) {
      await ensureStream(queue);
      const stream = jobStreamName(queue);
      const m = await jsm();
      // One delivery beyond maxDeliveries lets a worker notice a job whose last worker died and give it up (see runJob).
      const wanted = { ack_wait: nanos(settings.ackWaitMs), max_deliver: settings.maxDeliveries + 1 };
      try {
        const { config } = await m.consumers.info(stream, DURABLE);
        if (config.ack_wait !== wanted.ack_wait || config.max_deliver !== wanted.max_deliver) {
          await m.consumers.update(stream, DURABLE, wanted);
        }
      } catch (e) {
        if (!isApiError(e, JetStreamApiCodes.ConsumerNotFound)) throw e;
        await m.consumers.add(stream, { durable_name: DURABLE, ack_policy: AckPolicy.Explicit, ...wanted });
      }
      return js.consumers.get(stream, DURABLE);
    },
  };
}
