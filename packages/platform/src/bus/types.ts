import type {
  EventContract,
  EventOf,
  JobOf,
  QueueContract,
  ReplyOf,
  RequestContract,
  RequestOf,
} from '@perceptiq/contracts';

/**
 * The bus: NATS semantics whichever adapter runs underneath (real NATS, or the in-process one
 * used by the embedded mode). Payloads are validated against the contract's zod schema on the
 * receiving side. The request id of the current request travels in the `x-request-id` header
 * and is restored around every handler.
 */
export interface MessageMeta {
  subject: string;
  requestId?: string;
}

export interface Subscription {
  /** Stop receiving; in-flight handlers finish. */
  stop(): Promise<void>;
}

export interface RequestOptions {
  /** Default: the bus's configured request timeout. A timeout is `AppError('unavailable')`. */
  timeoutMs?: number;
}

export interface ServeOptions {
  /** Queue group: one member of a group answers each request. Default `"q"`, so replicas share the load. */
  queue?: string;
}

export interface SubscribeOptions {
  /** Without a queue every subscriber gets every event (cache invalidation); with one, one member per group does. */
  queue?: string;
}

export interface JobContext {
  /** 1 for the first delivery. */
  attempt: number;
  jobId: string;
  /** Tell the queue the job is still being worked on, so it is not handed to another worker. */
  working(): void;
}

export interface ConsumeOptions {
  /** Jobs handled at once by this consumer. Default 1. */
  concurrency?: number;
  /** Deliveries before a job is given up. Default 5. */
  maxDeliveries?: number;
  /** A job not acknowledged (or `working()`-extended) within this time is handed out again. Default 30 s. */
  ackWaitMs?: number;
  /** Called once when a job has failed its last delivery; the job is then dropped. */
  onGiveUp?(job: unknown, error: Error, ctx: JobContext): Promise<void> | void;
}

export interface WorkQueue<T> {
  enqueue(job: T, options?: { jobId?: string }): Promise<void>;
  /** Handle jobs until the subscription is stopped. A handler that resolves acknowledges the job; one that throws has it redelivered later (with backoff) until `maxDeliveries`. */
  consume(handler: (job: T, ctx: JobContext) => Promise<void>, options?: ConsumeOptions): Subscription;
  /** Jobs not acknowledged yet: waiting, or being worked on. */
  depth(): Promise<number>;
}

export interface Bus {
  readonly kind: 'memory' | 'nats';
  request<C extends RequestContract>(contract: C, data: RequestOf<C>, options?: RequestOptions): Promise<ReplyOf<C>>;
  serve<C extends RequestContract>(
    contract: C,
    handler: (data: RequestOf<C>, meta: MessageMeta) => Promise<ReplyOf<C>> | ReplyOf<C>,
    options?: ServeOptions,
  ): Subscription;
  publish<C extends EventContract>(contract: C, data: EventOf<C>): Promise<void>;
  subscribe<C extends EventContract>(
    contract: C,
    handler: (data: EventOf<C>, meta: MessageMeta) => Promise<void> | void,
    options?: SubscribeOptions,
  ): Subscription;
  workQueue<C extends QueueContract>(contract: C): WorkQueue<JobOf<C>>;
  /** Resolves when the bus is connected (drives `/readyz`). */
  ping(): Promise<void>;
  /** Drain: stop subscriptions, let in-flight handlers finish, then disconnect. */
  close(): Promise<void>;
}
