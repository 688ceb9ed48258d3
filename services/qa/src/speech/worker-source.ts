/** Where the worker finds mespeak and the data it must load before it can speak. */
export interface MespeakFiles {
  /** mespeak's main module. */
  mespeak: string;
  /** The eSpeak configuration (phoneme tables, intonation). */
  config: string;
  /** The voice. */
  voice: string;
}

/** What the worker answers for each text: the WAV's bytes (transferred, not copied), or why there are none. */
export type WorkerReply = { wav: ArrayBuffer } | { error: string };

/**
 * The speech worker's code, run with `eval: true` rather than from a file: a file next to this one
 * would be `.ts` under jest (which a worker cannot load) and is not copied to dist by tsc (no
 * `allowJs`). Eval'd code is CommonJS and resolves from the working directory, so it is handed
 * mespeak's absolute paths (`MespeakFiles`) as `workerData`.
 */
export const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
// mespeak talks through the console (a browser-only notice on load, its own recoveries): not the service's log.
console.log = console.warn = () => {};
const mespeak = require(workerData.mespeak);
// Without both, speak() returns null.
mespeak.loadConfig(require(workerData.config));
mespeak.loadVoice(require(workerData.voice));
parentPort.on('message', (text) => {
  try {
    const wav = mespeak.speak(text, { rawdata: 'arraybuffer' });
    if (!(wav instanceof ArrayBuffer)) throw new Error('mespeak returned no audio');
    parentPort.postMessage({ wav }, [wav]);
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;
