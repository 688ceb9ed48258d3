export * from './live-stack.js';
export * from './test-stack.js';
