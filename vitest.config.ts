// Vitest configuration for unit and property tests: 'forklore' resolves to the program library.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { forklore: fileURLToPath(new URL('./sim/api/index.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts', 'sim/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Vitest's default is one worker fewer than the cores: one file at a time on a 2-core machine,
    // while the unit tests are searches that each keep one core busy.
    maxWorkers: availableParallelism(),
  },
});
