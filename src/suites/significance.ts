import { asRows, type MetricDefinition, type MetricInput } from '../metrics/classification.js';
import { benjaminiHochberg, mcnemarExact, pairedBootstrapMetric } from '../metrics/stats.js';

/** Settings of the paired statistics (config `statistics:`). */
export interface SignificanceOptions {
  /** Confidence of the bootstrap intervals, e.g. 0.95. */
  confidence: number;
  resamples: number;
  seed: number;
  /** Significance level for the Benjamini-Hochberg-adjusted p-values. */
  alpha: number;
}

/** Uncertainty of one metric delta (candidate − baseline on the same examples). */
export interface DeltaInterval {
  lower: number;
  upper: number;
}

/** Paired statistics of one comparison target (overall or one slice). */
export interface PairedStats {
  /** Bootstrap percentile interval of each metric's delta. */
  intervals: Record<string, DeltaInterval>;
  /** Exact McNemar test on accuracy: b = only the baseline right, c = only the candidate right. */
  mcnemar: { b: number; c: number; p: number };
  /** McNemar p adjusted across all targets of the run (Benjamini-Hochberg); set by {@link adjustAcrossTargets}. */
  pAdjusted?: number;
  /** pAdjusted < alpha. */
  significant?: boolean;
}

/**
 * Paired statistics between aligned candidate and baseline records (same examples, same order).
 * The bootstrap resamples examples jointly for both models, so the interval reflects the paired
 * design; the seed makes it reproducible (see docs/statistics.md).
 */
export function pairedStats(
  cand: MetricInput,
  base: MetricInput,
  defs: readonly MetricDefinition[],
  numClasses: number,
  options: SignificanceOptions,
): PairedStats {
  let b = 0;
  let c = 0;
  const cr = asRows(cand);
  const br = asRows(base);
  for (let i = 0; i < cr.length; i++) {
    const ci = cr.rows ? cr.rows[i]! : i;
    const bi = br.rows ? br.rows[i]! : i;
    const cOk = cr.columns.pred[ci] === cr.columns.label[ci];
    const bOk = br.columns.pred[bi] === br.columns.label[bi];
    if (bOk && !cOk) b++;
    else if (cOk && !bOk) c++;
  }
  const intervals: Record<string, DeltaInterval> = {};
  if (cr.length > 0) {
    for (const def of defs) {
      const iv = pairedBootstrapMetric(cand, base, def, numClasses, {
        resamples: options.resamples,
        confidence: options.confidence,
        seed: options.seed,
      });
      if (Number.isFinite(iv.lower) && Number.isFinite(iv.upper))
        intervals[def.name] = { lower: iv.lower, upper: iv.upper };
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

/**
 * Is a metric's worsening significant? For accuracy, the BH-adjusted exact McNemar test (and
 * the worsening direction); for other metrics, the bootstrap interval of the delta lies wholly
 * on the worse side of 0.
 */
export function isSignificantWorsening(
  stats: PairedStats,
  metric: string,
  higherIsBetter: boolean,
): boolean {
  if (metric === 'accuracy') {
    return stats.significant === true && stats.mcnemar.b > stats.mcnemar.c;
  }
  const iv = stats.intervals[metric];
  if (!iv) return false;
  return higherIsBetter ? iv.upper < 0 : iv.lower > 0;
}
