import { defineConfig } from 'vitest/config';

/** Distributed sweeps end to end (npm run test:e2e:fanout): Lambda fan-out through the local endpoint, shards as processes. */
export default defineConfig({
  test: {
    include: ['test/e2e/fanout*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
