import { defineConfig } from 'vitest/config';

/** The live validation against the local endpoint's Azure Functions app (npm run test:e2e:azure). */
export default defineConfig({
  test: {
    include: ['test/e2e/azure-validate.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
