export * from './scopes.js';
export * from './errors.js';
export * from './ids.js';
export * from './define.js';
export * from './access.js';
export * from './documents.js';
export * from './services.js';
export * from './access-api.js';
