// Vitest configuration for the end-to-end tests: a real Chromium against the built site. Each file has
// its own server and browser; files run side by side, one per core, since a file spends much of its
// time waiting on a page (a load, a watchdog's bound) and a Run keeps about one core busy.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
