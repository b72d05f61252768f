/**
 * Named metric values: what a comparison target (overall, a slice) carries for each model, and
 * what gates read. Task-agnostic: a task decides which names exist and how they are computed.
 */
import { z } from 'zod';

export const metricValuesSchema = z
  .record(z.string(), z.number().nullable())
  .describe(
    'Scalar metrics by name (accuracy, top5_accuracy, macro_f1, ece, brier, ...). null: undefined for this set (e.g. empty).',
  );

/** Metric values by name; null where a metric is undefined for the set (e.g. empty). */
export type MetricValues = z.infer<typeof metricValuesSchema>;

/** candidate − baseline for every metric both have. */
export function subtract(candidate: MetricValues, baseline: MetricValues): MetricValues {
  const out: MetricValues = {};
  for (const [k, v] of Object.entries(candidate)) {
    const b = baseline[k];
    out[k] = v === null || b === null || b === undefined ? null : v - b;
  }
  return out;
}

/** Whether a larger value of a metric is better. */
export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** Thrown by a task for a metric name it does not know; the message lists the known ones. */
export class UnknownMetricError extends Error {
  override readonly name: string = 'UnknownMetricError';
}
