/** Classification metric names, their resolution and their values over a set of records. */
import {
  computeMetrics,
  requiredTopK,
  resolveMetric,
  type MetricDefinition,
  type MetricInput,
  type MetricSummary,
} from '../../metrics/classification.js';
import type { MetricValues } from '../../metrics/values.js';

/** The default scalar metrics every report carries, plus any named by gates. */
export function metricNamesFor(topK: readonly number[], extra: readonly string[]): string[] {
  const names = [
    'accuracy',
    ...topK.filter((k) => k > 1).map((k) => `top${k}_accuracy`),
    'macro_precision',
    'macro_recall',
    'macro_f1',
    'weighted_f1',
    'ece',
    'brier',
  ];
  for (const e of extra) if (!names.includes(e)) names.push(e);
  return names;
}

/**
 * Evaluate named metrics on a set of records. `topK` (metrics.topK) plus every k a definition
 * needs: a gate on top3_accuracy is computed even when metrics.topK does not list 3.
 */
export function metricValues(
  records: MetricInput,
  defs: readonly MetricDefinition[],
  numClasses: number,
  topK: readonly number[],
): { values: MetricValues; summary: MetricSummary } {
  const ks = [...new Set([...topK, ...requiredTopK(defs)])];
  const summary = computeMetrics(records, numClasses, { topK: ks.length > 0 ? ks : [1] });
  const values: MetricValues = {};
  for (const d of defs) {
    const v = d.get(summary);
    values[d.name] = Number.isFinite(v) ? v : null;
  }
  return { values, summary };
}

/** Resolve metric names once (throws UnknownMetricError for a bad name). */
export function resolveMetrics(
  names: readonly string[],
  classNames: readonly string[],
): MetricDefinition[] {
  return names.map((n) => resolveMetric(n, { classNames, numClasses: classNames.length }));
}
