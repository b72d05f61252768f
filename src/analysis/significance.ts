import { z } from 'zod';
import { benjaminiHochberg, mcnemarExact } from '../metrics/stats.js';
import type { Rows, Task, TaskContext, TaskMetric } from '../tasks/task.js';

/** Settings of the paired statistics (config `statistics:`). */
export interface SignificanceOptions {
  /** Confidence of the bootstrap intervals, e.g. 0.95. */
  confidence: number;
  resamples: number;
  seed: number;
  /** Significance level for the Benjamini-Hochberg-adjusted p-values. */
  alpha: number;
}

export const pairedStatsSchema = z
  .object({
    intervals: z
      .record(z.string(), z.object({ lower: z.number(), upper: z.number() }))
      .describe('Paired bootstrap percentile interval of each metric delta.'),
    mcnemar: z
      .object({ b: z.number().int(), c: z.number().int(), p: z.number() })
      .describe(
        "Exact McNemar test on the task's per-example outcome (classification: accuracy): b = only baseline right, c = only candidate right.",
      ),
    pAdjusted: z
      .number()
      .optional()
      .describe('McNemar p after Benjamini-Hochberg across overall and all slices.'),
    significant: z.boolean().optional(),
  })
  .describe('Uncertainty of the deltas (present when a baseline was compared).');

/**
 * Paired statistics of one comparison target (overall or one slice): the bootstrap interval of
 * each metric's delta, the exact McNemar test on accuracy (b = only the baseline right, c = only
 * the candidate right), and its p adjusted across all targets ({@link adjustAcrossTargets}).
 */
export type PairedStats = z.infer<typeof pairedStatsSchema>;

/**
 * Paired statistics between aligned candidate and baseline rows (`candidate.rows[t]` and
 * `baseline.rows[t]` are the same example): the exact McNemar test on the task's per-example
 * outcome, and each metric's bootstrap interval, which the task computes resampling examples
 * jointly for both models, so the interval reflects the paired design; the seed makes it
 * reproducible (see docs/statistics.md).
 */
export function pairedStats(
  candidate: Rows,
  baseline: Rows,
  metrics: readonly TaskMetric[],
  ctx: TaskContext & { task: Task },
  options: SignificanceOptions,
): PairedStats {
  const { task } = ctx;
  let b = 0;
  let c = 0;
  const n = candidate.rows?.length ?? candidate.table.length;
  for (let t = 0; t < n; t++) {
    const ci = candidate.rows ? candidate.rows[t]! : t;
    const bi = baseline.rows ? baseline.rows[t]! : t;
    const cOk = task.correct(candidate.table, ci);
    const bOk = task.correct(baseline.table, bi);
    if (bOk && !cOk) b++;
    else if (cOk && !bOk) c++;
  }
  const intervals: PairedStats['intervals'] = {};
  if (n > 0) {
    for (const metric of metrics) {
      const iv = task.deltaInterval(
        candidate,
        baseline,
        metric,
        { resamples: options.resamples, confidence: options.confidence, seed: options.seed },
        ctx,
      );
      if (iv) intervals[metric.name] = iv;
    }
  }
  return { intervals, mcnemar: { b, c, p: mcnemarExact(b, c).pValue } };
}

/**
 * Control the false discovery rate over all compared targets (overall + every slice): a
 * per-slice p-value is only called significant after Benjamini-Hochberg adjustment, so slicing
 * many ways does not manufacture regressions.
 */
export function adjustAcrossTargets(stats: readonly PairedStats[], alpha: number): void {
  if (stats.length === 0) return;
  const { adjusted } = benjaminiHochberg(
    stats.map((s) => s.mcnemar.p),
    alpha,
  );
  stats.forEach((s, i) => {
    s.pAdjusted = adjusted[i]!;
    s.significant = adjusted[i]! < alpha;
  });
}
