import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node: main-process code, the simulator over real loopback HTTP,
// real files and real pseudo-terminals. The renderer is tested in real Chromium by Playwright (e2e/).
export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'preload/**/*.test.ts',
      'renderer/**/*.test.ts',
      'scripts/**/*.test.ts',
      'hq/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
