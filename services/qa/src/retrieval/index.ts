export { ClientIndex, type ChunkHit, type IndexSearchOptions } from './client-index.js';
export { ask, DEFAULT_MIN_CONFIDENCE, notAnswered, type AskOptions } from './ask.js';
export { chunkDocument } from './chunker.js';
export * from './types.js';
