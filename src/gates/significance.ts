/**
 * The significance requirement of a gate rule (`significant: true`): a drop beyond `maxDrop`
 * fails only when the paired statistics of the comparison say the worsening is real.
 */

/** The paired statistics a significance requirement is judged on (see analysis/significance.ts). */
export interface SignificanceEvidence {
  /** Bootstrap interval of each metric's delta. */
  intervals: Record<string, { lower: number; upper: number }>;
  /** Exact McNemar test on the per-example outcome: b = only the baseline right, c = only the candidate. */
  mcnemar: { b: number; c: number; p?: number };
  /** A task's permutation test of its tested metric, when it has one (it is then the adjusted p). */
  permutation?: { metric: string; delta: number };
  /** The paired test's p adjusted across all targets of the run (Benjamini-Hochberg). */
  pAdjusted?: number;
  /** pAdjusted < alpha. */
  significant?: boolean;
}

/**
 * Is a metric's worsening significant? For the paired metric (the one the task's paired test is
 * about: the mean of its per-example outcome, e.g. accuracy, by the exact McNemar test; or the
 * metric of its permutation test, e.g. detection's map), the BH-adjusted test and the worsening
 * direction; for other metrics, the bootstrap interval of the delta lies wholly on the worse
 * side of 0.
 */
export function isSignificantWorsening(
  stats: SignificanceEvidence,
  metric: string,
  higherIsBetter: boolean,
  pairedMetric: string | undefined,
): boolean {
  if (metric === pairedMetric) {
    const t = stats.permutation;
    if (t?.metric === metric)
      return stats.significant === true && (higherIsBetter ? t.delta < 0 : t.delta > 0);
    return stats.significant === true && stats.mcnemar.b > stats.mcnemar.c;
  }
  const iv = stats.intervals[metric];
  if (!iv) return false;
  return higherIsBetter ? iv.upper < 0 : iv.lower > 0;
}
