import { defineConfig } from 'vitest/config';
import tsconfigPaths from 'vite-tsconfig-paths';

// Three projects: `unit` (no services), `integration` (real PostgreSQL, Redis and the
// simulators; one fresh schema and key prefix per file), `chaos` (reliability suite).
const integrationFiles = ['**/*.int.test.ts', '**/*.int.test.tsx'];
const chaosFiles = ['test/chaos/**/*.test.ts'];
const ignored = ['**/node_modules/**', 'build/**', '.cache/**'];

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // Separate processes: tests set process.env and start servers; two workers on two cores.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts', '**/*.test.tsx'],
          exclude: [...ignored, ...integrationFiles, ...chaosFiles],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integrationFiles,
          exclude: ignored,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'chaos',
          include: chaosFiles,
          exclude: ignored,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
