import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start real servers share 2 cores; keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
