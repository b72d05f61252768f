import { z } from 'zod';
import type { PermutationOptions } from '../metrics/permutation.js';
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
  /** Run the task's permutation test, if it has one (default true). */
  permutation?: boolean;
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
    permutation: z
      .object({
        metric: z.string(),
        delta: z.number().describe('The tested delta (candidate − baseline).'),
        p: z.number().describe('Two-sided p-value.'),
        draws: z.number().int().describe('Rearrangements evaluated.'),
      })
      .optional()
      .describe(
        "Paired permutation test of the task's tested metric, for a task whose outcome metric is not what it is judged by (detection: map, each image's detections swapped between the models; docs/statistics.md). When present, its p is the one adjusted.",
      ),
    pAdjusted: z
      .number()
      .optional()
      .describe(
        'p after Benjamini-Hochberg across overall and all slices (of the permutation test when present, else McNemar).',
      ),
    significant: z
      .boolean()
      .optional()
      .describe(
        "pAdjusted < alpha; with a permutation test, also its metric's bootstrap interval (when computed) lies wholly on the side of 0 of the delta.",
      ),
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
    const cOk = task.correct(candidate.table, ci, ctx);
    const bOk = task.correct(baseline.table, bi, ctx);
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
  const tests = task.metricTests;
  // With statistics.resamples 0 (no resampling at all), McNemar's p stands in.
  const permutation =
    tests && n > 0 && options.resamples > 0 && options.permutation !== false
      ? tests.paired(candidate, baseline, permutationOptions(options), ctx)
      : undefined;
  return {
    intervals,
    mcnemar: { b, c, p: mcnemarExact(b, c).pValue },
    ...(permutation && tests && Number.isFinite(permutation.observed)
      ? {
          permutation: {
            metric: tests.metric,
            delta: permutation.observed,
            p: permutation.p,
            draws: permutation.draws,
          },
        }
      : {}),
  };
}

/**
 * Stop a permutation test after this many rearrangements at least as extreme as the observed
 * value (Besag-Clifford): a clearly insignificant slice then costs a few dozen re-evaluations.
 */
const EXCEEDANCES = 20;

/**
 * The permutation tests' settings from the config's: at most `statistics.resamples` random
 * rearrangements (the same budget as a bootstrap interval; the smallest p is 1/(resamples + 1),
 * so 1000 resamples keep a clear drop significant after Benjamini-Hochberg over up to ~50
 * compared targets at α = 0.05), seeded by `statistics.seed`.
 */
export function permutationOptions(
  options: Pick<SignificanceOptions, 'resamples' | 'seed'>,
): PermutationOptions {
  return { maxDraws: options.resamples, exceedances: EXCEEDANCES, seed: options.seed };
}

/**
 * Control the false discovery rate over all compared targets (overall + every slice): a
 * per-slice p-value is only called significant after Benjamini-Hochberg adjustment, so slicing
 * many ways does not manufacture regressions.
 */
export function adjustAcrossTargets(stats: readonly PairedStats[], alpha: number): void {
  if (stats.length === 0) return;
  const { adjusted } = benjaminiHochberg(
    stats.map((s) => s.permutation?.p ?? s.mcnemar.p),
    alpha,
  );
  stats.forEach((s, i) => {
    s.pAdjusted = adjusted[i]!;
    s.significant = adjusted[i]! < alpha && agrees(s);
  });
}

/**
 * A permutation test's significance is claimed only where the metric's bootstrap interval (when
 * it was computed) agrees: wholly on the delta's side of 0. The two resample differently
 * (rearrangements under the null vs the data's own variability) and can disagree at the
 * margin; requiring both can only remove rejections, so the false discovery rate stays
 * controlled, and the comment never marks a delta significant whose interval covers 0.
 */
function agrees(s: PairedStats): boolean {
  const t = s.permutation;
  if (!t) return true;
  const iv = s.intervals[t.metric];
  if (!iv) return true;
  return t.delta < 0 ? iv.upper < 0 : t.delta > 0 ? iv.lower > 0 : false;
}
