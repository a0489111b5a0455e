import { defineConfig } from 'vitest/config';

// Two cores: run test files in two forks. No per-test time limits are asserted anywhere; the
// generous timeouts below only keep a hung process from blocking CI forever.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
