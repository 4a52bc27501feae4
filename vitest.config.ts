import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` (test/integration and test/e2e) shares one
// real Kafka broker (and schema registry) started once by the global setup and stopped at the end.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // One broker on a 2-core machine: files run one after another so they do not starve each other.
          fileParallelism: false,
        },
      },
    ],
  },
});
