import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when src/ is newer, so tests of the built CLI never run stale code.
    globalSetup: ['test/setup/buildDist.ts'],
    // Git, Python and HTTP-server tests are slow to start but deterministic; keep the
    // timeout generous instead of racing the machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
