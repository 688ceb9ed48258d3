// Jest runs the TypeScript sources directly (swc), as native ESM: pdfjs-dist and other
// dependencies are ESM-only, so CommonJS mode is not an option (STACK.md trap 10).
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // Workspace packages resolve to their sources (the `@perceptiq/source` export condition).
  testEnvironmentOptions: { customExportConditions: ['@perceptiq/source', 'node', 'node-addons'] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services,gateway,rest-adapter}/**/test/**/*.test.ts', '<rootDir>/test/deploy/**/*.test.ts', '<rootDir>/test/contract/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
  ],
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
