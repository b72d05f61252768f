/** One comparison target (overall or a slice) measured: values, deltas, paired statistics. */
import type { AnalysisContext } from '../../analysis/suite.js';
import { pairedRows } from '../../analysis/pairing.js';
import { pairedStats, type PairedStats } from '../../analysis/significance.js';
import { subtract, type MetricValues } from '../../metrics/values.js';
import type { TaskMetric } from '../../tasks/task.js';

/** A target's measurements. */
export interface Measured {
  candidate: MetricValues;
  baseline?: MetricValues;
  delta?: MetricValues;
  /** Number of candidate rows paired with a baseline row. */
  paired: number;
  stats?: PairedStats;
}

/**
 * Compute one target's values, baseline, delta and paired statistics: `rows` are candidate rows
 * (all when undefined); the baseline rows are their pairs. The task computes every metric over
 * the rows as a set; `statMetrics` get bootstrap intervals.
 */
export function measureTarget(
  ctx: AnalysisContext,
  rows: ArrayLike<number> | undefined,
  metrics: readonly TaskMetric[],
  statMetrics: readonly TaskMetric[],
  /** Run the task's permutation test (not for a slice that repeats another's examples). */
  permutation = true,
): Measured {
  const { task, pairing, config } = ctx;
  const cand = pairing.candidate;
  const candidate = task.metricValues({ table: cand, ...(rows ? { rows } : {}) }, metrics, ctx);
  if (!pairing.baseline) return { candidate, paired: 0 };
  const { candidate: cRows, baseline: bRows, n: paired } = pairedRows(pairing, rows);
  if (paired === 0) return { candidate, paired };
  const candP = { table: cand, ...(cRows ? { rows: cRows } : {}) };
  const baseP = { table: pairing.baseline, ...(bRows ? { rows: bRows } : {}) };
  const baseline = task.metricValues(baseP, metrics, ctx);
  const delta = subtract(task.metricValues(candP, metrics, ctx), baseline);
  const s = config.statistics;
  const stats = pairedStats(candP, baseP, s.resamples > 0 ? statMetrics : [], ctx, {
    ...s,
    permutation,
  });
  return { candidate, baseline, delta, paired, stats };
}
