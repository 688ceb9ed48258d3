import type { Worker } from 'node:worker_threads';

export interface SerialWorkerOptions<O> {
  /** What the worker does, for messages: "speech synthesis" → "speech synthesis timed out after 20000 ms". */
  task: string;
  /** Says the worker was closed, to the calls still waiting. */
  closedMessage: string;
  /** A fresh worker: at the first call, and after one timed out or failed. */
  start(): Worker;
  /** A worker's answer as a result, or as the error it reports. */
  decode(message: unknown): O | Error;
  /** The time budget of one call, from the call to its answer, waiting and worker start included. */
  timeoutMs: number;
}

export interface SerialWorker<I, O> {
  run(input: I, options?: { timeoutMs?: number }): Promise<O>;
  /** Rejects the calls still waiting and resolves once the worker thread has ended. */
  close(): Promise<void>;
}

interface Job<I, O> {
  input: I;
  timeoutMs: number;
  timer: NodeJS.Timeout;
  resolve(output: O): void;
  reject(error: Error): void;
}

/**
 * Synchronous CPU work (speech synthesis, summarizing a document) on a worker thread, so it never
 * stalls the event loop: one worker, one input at a time, in order; a call over its time budget
 * or a worker that fails is ended, and a fresh worker takes the next input.
 */
export function createSerialWorker<I, O>(options: SerialWorkerOptions<O>): SerialWorker<I, O> {
  const waiting: Array<Job<I, O>> = [];
  let running: Job<I, O> | undefined;
  let worker: Worker | undefined;
  // Workers let go of but maybe not ended yet, for close() to wait on.
  const ending = new Set<Promise<unknown>>();
  let closed = false;

  function startWorker(): Worker {
    const started = options.start();
    // An idle worker must not keep the process alive; a running job's timer does while it waits.
    started.unref();
    // Events of a worker already let go of (timed out, failed) are stale.
    started.on('message', (message: unknown) => {
      if (started === worker) settle(options.decode(message));
    });
    started.on('error', (error) => {
      if (started === worker) settle(error);
    });
    started.on('exit', (code) => {
      if (started === worker) settle(new Error(`${options.task} worker exited with code ${code}`));
    });
    return started;
  }

  function dropWorker(): void {
    if (!worker) return;
    const end = worker.terminate();
    worker = undefined;
    ending.add(end);
    void end.finally(() => ending.delete(end));
  }

  function next(): void {
    if (running || closed) return;
    running = waiting.shift();
    if (!running) return;
    worker ??= startWorker();
    worker.postMessage(running.input);
  }

  function settle(outcome: O | Error): void {
    // After a failure the worker's state is unknown: the next input gets a fresh one.
    if (outcome instanceof Error) dropWorker();
    const job = running;
    running = undefined;
    if (job) {
      clearTimeout(job.timer);
      if (outcome instanceof Error) job.reject(outcome);
      else job.resolve(outcome);
    }
    next();
  }

  function timeOut(job: Job<I, O>): void {
    const error = new Error(`${options.task} timed out after ${job.timeoutMs} ms`);
    if (job === running) return settle(error);
    waiting.splice(waiting.indexOf(job), 1);
    job.reject(error);
  }

  return {
    run(input, callOptions) {
      if (closed) return Promise.reject(new Error(options.closedMessage));
      return new Promise<O>((resolve, reject) => {
        const budget = callOptions?.timeoutMs ?? options.timeoutMs;
        const job: Job<I, O> = { input, timeoutMs: budget, resolve, reject, timer: setTimeout(() => timeOut(job), budget) };
        waiting.push(job);
        next();
      });
    },
    async close() {
      closed = true;
      for (const job of [...(running ? [running] : []), ...waiting.splice(0)]) {
        clearTimeout(job.timer);
        job.reject(new Error(options.closedMessage));
      }
      running = undefined;
      dropWorker();
      await Promise.all(ending);
    },
  };
}
