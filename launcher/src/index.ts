export { startEmbedded, type EmbeddedStack } from './embedded.js';
export { loadStackConfig as loadConfig, SERVICE_FACTORIES, StackEnvSchema, type StackConfig } from './wiring.js';
