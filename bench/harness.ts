/**
 * Tiny benchmark harness. Each `bench/*.bench.ts` default-exports a {@link Bench}; `npm run bench`
 * runs them all (or those named: `npm run bench -- corruptions`), prints a markdown table per
 * bench and writes `bench/results/<name>.json`. Benches report ratios measured in the same run:
 * the machine is shared and noisy, so a lone absolute time means little.
 */
export interface BenchResult {
  /** Table rows; every row should carry the figures a ratio is computed from. */
  rows: Record<string, string | number>[];
  /** Lines printed under the table (goals, ratios, caveats). */
  notes?: string[];
}

export interface Bench {
  name: string;
  description: string;
  run(options: { quick: boolean }): Promise<BenchResult>;
}

/** Time `fn` repeatedly until `minMs` has passed (after one warm-up); returns ops per second. */
export async function opsPerSecond(
  fn: () => unknown,
  { minMs = 500, minIterations = 3, opsPerCall = 1 } = {},
): Promise<number> {
  await fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || iterations < minIterations) {
    await fn();
    iterations++;
    elapsed = performance.now() - start;
  }
  return (iterations * opsPerCall * 1000) / elapsed;
}

/** Round for display without hiding small values. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const p = 10 ** Math.max(0, digits - Math.ceil(Math.log10(Math.abs(value) || 1)));
  return Math.round(value * p) / p;
}
