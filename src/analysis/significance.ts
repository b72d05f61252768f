import { z } from 'zod';
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

export const pairedStatsSchema = z
  .object({
    intervals: z
      .record(z.string(), z.object({ lower: z.number(), upper: z.number() }))
      .describe('Paired bootstrap percentile interval of each metric delta.'),
    mcnemar: z
      .object({ b: z.number().int(), c: z.number().int(), p: z.number() })
      .describe(
        'Exact McNemar test on accuracy: b = only baseline right, c = only candidate right.',
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
  const intervals: PairedStats['intervals'] = {};
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
