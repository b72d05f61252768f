import { defineConfig } from 'vitest/config';

// Two cores here and on CI: native ONNX Runtime and libvips already use threads, so test files
// run in forks with a small pool to avoid oversubscription.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
