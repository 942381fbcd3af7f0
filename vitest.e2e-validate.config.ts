import { defineConfig } from 'vitest/config';

/** The live validation end-to-end test (npm run test:e2e): Maven build, Flink MiniCluster, local Lambda endpoint. */
export default defineConfig({
  test: {
    include: ['test/e2e/validate*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
