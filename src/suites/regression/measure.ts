/** One comparison target (overall or a slice) measured: values, deltas, paired statistics. */
import { pairedRows, type Pairing } from '../../analysis/pairing.js';
import { pairedStats, type PairedStats } from '../../analysis/significance.js';
import type { Config } from '../../config/schema.js';
import type { MetricDefinition } from '../../metrics/classification.js';
import { subtract, type MetricValues } from '../../metrics/values.js';
import type { RecordTable } from '../../tables/records.js';
import { metricValues } from './metrics.js';

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
 * (all when undefined); the baseline rows are their pairs.
 */
export function measureTarget(
  rows: ArrayLike<number> | undefined,
  pairing: Pairing<RecordTable>,
  defs: readonly MetricDefinition[],
  statDefs: readonly MetricDefinition[],
  config: Config,
  k: number,
): Measured {
  const topK = config.metrics.topK;
  const cand = pairing.candidate;
  const candidate = metricValues(
    { columns: cand, ...(rows ? { rows } : {}) },
    defs,
    k,
    topK,
  ).values;
  if (!pairing.baseline) return { candidate, paired: 0 };
  const { candidate: cRows, baseline: bRows, n: paired } = pairedRows(pairing, rows);
  if (paired === 0) return { candidate, paired };
  const candP = { columns: cand, ...(cRows ? { rows: cRows } : {}) };
  const baseP = { columns: pairing.baseline, ...(bRows ? { rows: bRows } : {}) };
  const baseline = metricValues(baseP, defs, k, topK).values;
  const delta = subtract(metricValues(candP, defs, k, topK).values, baseline);
  const s = config.statistics;
  const stats = pairedStats(candP, baseP, s.resamples > 0 ? statDefs : [], k, s);
  return { candidate, baseline, delta, paired, stats };
}
