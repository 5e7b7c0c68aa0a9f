import { defineConfig } from 'vitest/config';

// Mutation testing runs only the pure unit suite: integration, infra and e2e tests need emulators or
// synth and are far too slow to run once per mutant on a two-core machine.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
