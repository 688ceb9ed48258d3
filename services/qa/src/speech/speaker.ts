import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { prepareSpeechText } from './speech-text.js';
import { WORKER_SOURCE, type MespeakFiles, type WorkerReply } from './worker-source.js';

export interface Speaker {
  /**
   * `text` spoken in American English, as a RIFF/WAVE (`audio/wav`) buffer: 16-bit mono, 22,050 Hz.
   * Text past the speaker's `maxChars` is cut at a sentence end. Empty or whitespace-only text
   * gives a valid WAV of a few milliseconds of silence, not an error: "nothing to say" is an
   * answer a caller can play. Rejects when the time budget (the speaker's `timeoutMs`, or this
   * call's) runs out, the worker fails, or the speaker is closed.
   */
  speak(text: string, options?: { timeoutMs?: number }): Promise<Buffer>;
  /** Ends the worker (resolving once no worker thread is left); calls not answered yet reject. */
  close(): Promise<void>;
}

export interface SpeakerOptions {
  /** The time budget of one call, from the call to its WAV, waiting and worker start included. */
  timeoutMs?: number;
  /** The most characters spoken per call (about 55 s of speech per 1,000). */
  maxChars?: number;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_CHARS = 4_000;
/**
 * mespeak holds its output as arrays of numbers, a few dozen bytes per WAV byte: measured, a
 * 4,000-character text (220 s of audio, a 9.7 MB WAV) peaks near 300 MB of heap.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 };

const localRequire = createRequire(import.meta.url);
const MESPEAK_FILES: MespeakFiles = {
  mespeak: localRequire.resolve('mespeak'),
  config: localRequire.resolve('mespeak/src/mespeak_config.json'),
  voice: localRequire.resolve('mespeak/voices/en/en-us.json'),
};

interface Job {
  text: string;
  timeoutMs: number;
  timer: NodeJS.Timeout;
  resolve(wav: Buffer): void;
  reject(error: Error): void;
}

/**
 * A text-to-speech engine (mespeak: eSpeak compiled to JavaScript) on a worker thread, since
 * synthesis is synchronous CPU work (about half a second per 1,000 characters) that would stall
 * the event loop. One worker, one text at a time; a worker that runs out of time or fails is
 * terminated and a fresh one started for the next text.
 */
export function createSpeaker(options: SpeakerOptions = {}): Speaker {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const waiting: Job[] = [];
  let running: Job | undefined;
  let worker: Worker | undefined;
  // Workers let go of but maybe not ended yet, for close() to wait on.
  const ending = new Set<Promise<unknown>>();
  let closed = false;

  function startWorker(): Worker {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: MESPEAK_FILES, resourceLimits: RESOURCE_LIMITS });
    // An idle worker must not keep the process alive; a running job's timer does while it waits.
    started.unref();
    // Events of a worker already let go of (timed out, failed) are stale.
    started.on('message', (reply: WorkerReply) => {
      if (started === worker) settle('wav' in reply ? Buffer.from(reply.wav) : new Error(`speech synthesis failed: ${reply.error}`));
    });
    started.on('error', (error) => {
      if (started === worker) settle(error);
    });
    started.on('exit', (code) => {
      if (started === worker) settle(new Error(`speech worker exited with code ${code}`));
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
    // A leading space: eSpeak reads its text as a command-line argument, where a leading '-' would be an option.
    worker.postMessage(` ${running.text}`);
  }

  function settle(outcome: Buffer | Error): void {
    // After a failure the engine's state is unknown: the next text gets a fresh worker.
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

  function timeOut(job: Job): void {
    const error = new Error(`speech synthesis timed out after ${job.timeoutMs} ms`);
    if (job === running) return settle(error);
    waiting.splice(waiting.indexOf(job), 1);
    job.reject(error);
  }

  return {
    speak(text, callOptions) {
      if (closed) return Promise.reject(new Error('the speaker is closed'));
      return new Promise<Buffer>((resolve, reject) => {
        const budget = callOptions?.timeoutMs ?? timeoutMs;
        const job: Job = { text: prepareSpeechText(text, maxChars), timeoutMs: budget, resolve, reject, timer: setTimeout(() => timeOut(job), budget) };
        waiting.push(job);
        next();
      });
    },
    async close() {
      closed = true;
      for (const job of [...(running ? [running] : []), ...waiting.splice(0)]) {
        clearTimeout(job.timer);
        job.reject(new Error('the speaker is closed'));
      }
      running = undefined;
      dropWorker();
      await Promise.all(ending);
    },
  };
}
