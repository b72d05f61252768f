/**
 * Image classification: one record per (model, variant, example) holding the sufficient
 * statistics of one class prediction (records.ts), metrics that follow scikit-learn
 * (metrics/classification.ts), "correct" meaning the predicted class is the label.
 */
import { computeMetrics, type MetricDefinition } from '../../metrics/classification.js';
import { pairedBootstrapMetric } from '../../metrics/stats.js';
import type { Rows, Task } from '../task.js';
import { exampleChanges } from './changes.js';
import { checkClassCount, decodeScores } from './decode.js';
import { checkMetricNames } from './check-metrics.js';
import { metricNamesFor, metricValues, resolveMetrics } from './metrics.js';
import { checkPinned } from './pinned.js';
import { render } from './render.js';
import {
  ClassificationTableBuilder,
  parseRecord,
  type ClassificationTable,
  type PredictionRecord,
} from './records.js';
import {
  exampleChangeSchema,
  overallExtrasSchema,
  pinnedCaseSchema,
  type ExampleChange,
  type PinnedCase,
} from './schema.js';

/** Rows as the classification metric functions take them. */
const columns = ({ table, rows }: Rows<ClassificationTable>) => ({
  columns: table,
  ...(rows ? { rows } : {}),
});

/**
 * Calibration metrics are shown as decimals and a rise is a worsening; every other
 * classification metric (and the per-class scores) is a rate where higher is better.
 */
const CALIBRATION = new Set(['ece', 'brier']);

export const classificationTask: Task<
  ClassificationTable,
  MetricDefinition,
  PredictionRecord,
  ExampleChange,
  PinnedCase,
  typeof overallExtrasSchema
> = {
  name: 'classification',

  builder: (model, variant, capacity, hashSource) =>
    new ClassificationTableBuilder(model, variant, capacity, hashSource),
  parseRecord(value) {
    const record = parseRecord(value);
    return record && { model: record.model, variant: record.variant, record };
  },

  checkContract: checkClassCount,
  decode: decodeScores,

  metrics(ctx) {
    const { config, classes } = ctx;
    // At plan time, before any inference: top-k against the class count, with the key's line.
    if (ctx.lineOf && ctx.configName)
      checkMetricNames(
        { config, configName: ctx.configName, lineOf: ctx.lineOf },
        classes,
        ctx.classSource ?? 'the class list',
      );
    return resolveMetrics(
      metricNamesFor(
        config.metrics.topK,
        config.gates.map((g) => g.metric),
      ),
      classes,
    );
  },
  metricValues: (rows, metrics, { config, classes }) =>
    metricValues(columns(rows), metrics, classes.length, config.metrics.topK).values,
  deltaInterval(candidate, baseline, metric, options, { classes }) {
    const iv = pairedBootstrapMetric(
      columns(candidate),
      columns(baseline),
      metric,
      classes.length,
      options,
    );
    return Number.isFinite(iv.lower) && Number.isFinite(iv.upper)
      ? { lower: iv.lower, upper: iv.upper }
      : undefined;
  },
  correct: (table, i) => table.pred[i] === table.label[i],
  outcomeMetric: 'accuracy',
  samePrediction: (a, i, b, j) => a.pred[i] === b.pred[j],

  schemas: {
    overall: overallExtrasSchema,
    exampleChange: exampleChangeSchema,
    pinnedCase: pinnedCaseSchema,
  },
  summarise(table, { classes }) {
    const summary = computeMetrics({ columns: table }, classes.length, { topK: [1] });
    return {
      confusion: summary.confusion,
      perClass: classes.map((c, i) => ({
        class: c,
        precision: summary.perClass.precision[i]!,
        recall: summary.perClass.recall[i]!,
        f1: summary.perClass.f1[i]!,
        support: summary.perClass.support[i]!,
      })),
    };
  },
  exampleChanges: (pairing, lookup, { classes }, limit) =>
    exampleChanges(pairing, lookup, classes, limit),
  checkPinned: (ids, candidate, { classes }) => checkPinned(ids, candidate, classes),
  pinnedRule: 'pinned case classified correctly',
  pinnedReason: (p) =>
    p.status === 'missing'
      ? `pinned example ${p.id} is not in the evaluated dataset`
      : `pinned example ${p.id} (${p.label}) predicted as ${p.pred}`,

  classPredictions: (table) => Array.from({ length: table.length }, (_, i) => table.at(i)),

  render,

  presentation: {
    headline: 'accuracy',
    summary: ['accuracy', 'top5_accuracy', 'macro_f1', 'macro_recall', 'ece', 'brier'],
    trend: ['accuracy', 'macro_f1', 'ece'],
    isRate: (metric) => !CALIBRATION.has(metric),
    lowerIsBetter: (metric) => CALIBRATION.has(metric),
  },
};
