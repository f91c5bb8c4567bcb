import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// One run for the whole workspace. Two workers match this project's 2-core machines;
// property and fuzz tests are CPU-bound, so more workers only add contention.
export default defineConfig({
  resolve: {
    // Tests run against sources, so no build is needed first: `@chorus/x` → packages/x/src/index.ts,
    // `@chorus/x/sub` → packages/x/src/sub.ts.
    alias: [
      { find: /^@chorus\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@chorus\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
