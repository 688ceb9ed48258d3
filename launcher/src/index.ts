export { startEmbedded, type EmbeddedStack } from './embedded.js';
export { SERVICE_FACTORIES } from './wiring.js';
export { loadConfig } from '@perceptiq/platform';
