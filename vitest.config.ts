import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` (test/integration and test/e2e) shares one
// real Kafka broker (and schema registry) started once by the global setup and stopped at the end.
// Topologies import the package by its name (`cdc-streams`), as a user's do; the `cdc-streams-source`
// export condition points that name at src/ here, so tests run the sources without a build.
const resolve = { conditions: ['cdc-streams-source', 'module', 'node', 'development|production'] };

export default defineConfig({
  resolve,
  ssr: { resolve },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
          setupFiles: ['test/support/kafkajs-fixes-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/kafkajs-fixes-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // One broker on a 2-core machine: files run one after another so they do not starve each other.
          fileParallelism: false,
        },
      },
    ],
  },
});
