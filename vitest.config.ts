import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'lambda/**/*.test.ts'],
    // Long suites (real Flink, browser) have their own npm scripts and are excluded here.
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
