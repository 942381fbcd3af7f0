import { defineConfig } from 'vitest/config';

/** Long end-to-end suites (headless browser, ...), run by their own npm scripts, not by `npm test`. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
