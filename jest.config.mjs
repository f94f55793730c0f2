import { swcOptions } from './scripts/swc-options.mjs';

const swc = swcOptions();

/** Jest runs in ESM mode (NestJS 12 is ESM-only); SWC compiles TypeScript as the build does. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // @fastify/static (CommonJS) requires content-disposition, which is ESM only: Node 20 loads it
    // with require(esm), Jest's module loader does not, so Jest gets it compiled to CommonJS.
    '/node_modules/content-disposition/.+\\.js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' }, swcrc: false },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/policies/**/*.spec.ts',
    '<rootDir>/retention/**/*.spec.ts',
  ],
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
