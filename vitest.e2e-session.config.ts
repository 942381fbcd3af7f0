import { defineConfig } from 'vitest/config';

/** npm run test:session: a real Flink session cluster (JobManager + 2 TaskManagers as JVMs) started here. */
export default defineConfig({
  test: {
    include: ['test/e2e/session*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
