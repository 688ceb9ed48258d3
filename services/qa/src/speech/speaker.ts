import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { createSerialWorker } from '../worker/serial-worker.js';
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

/**
 * A text-to-speech engine (mespeak: eSpeak compiled to JavaScript) on a worker thread
 * (serial-worker.ts), since synthesis is synchronous CPU work (about half a second per 1,000
 * characters) that would stall the event loop.
 */
export function createSpeaker(options: SpeakerOptions = {}): Speaker {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const worker = createSerialWorker<string, Buffer>({
    task: 'speech synthesis',
    closedMessage: 'the speaker is closed',
    start: () => new Worker(WORKER_SOURCE, { eval: true, workerData: MESPEAK_FILES, resourceLimits: RESOURCE_LIMITS }),
    decode: (message) => {
      const reply = message as WorkerReply;
      return 'wav' in reply ? Buffer.from(reply.wav) : new Error(`speech synthesis failed: ${reply.error}`);
    },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  return {
    // A leading space: eSpeak reads its text as a command-line argument, where a leading '-' would be an option.
    speak: (text, callOptions) => worker.run(` ${prepareSpeechText(text, maxChars)}`, callOptions),
    close: () => worker.close(),
  };
}
