import { defineConfig } from 'vitest/config';

// Two cores here and on CI: native ONNX Runtime and libvips already use threads, so test files
// run in forks with a small pool to avoid oversubscription.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Generous bounds: a timeout here catches a hang, not slowness (speed is measured by
    // `npm run bench`). Whole-example tests take ~70 s on a busy 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
