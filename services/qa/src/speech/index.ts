export { createSpeaker, DEFAULT_MAX_CHARS, DEFAULT_TIMEOUT_MS, type Speaker, type SpeakerOptions } from './speaker.js';
export { wavDuration } from './wav.js';
