/**
 * Classification metrics computed from per-example sufficient statistics (see
 * `PredictionRecord` in src/types.ts): accuracy, top-k accuracy, per-class and averaged
 * precision / recall / F1, confusion matrix, expected calibration error and Brier score.
 *
 * Every metric here is a sum over examples, so every function also accepts optional
 * per-example `weights` (multiplicities): the paired bootstrap in ./stats.ts uses them to
 * evaluate a resample without copying records. With no weights every example counts once.
 *
 * Definitions follow scikit-learn 1.2 (`accuracy_score`, `precision_recall_fscore_support`,
 * `confusion_matrix`, `top_k_accuracy_score`); test/unit/metrics-goldens.test.ts checks them
 * against values produced by scikit-learn (scripts/make-metric-goldens.py).
 */

import { UnknownMetricError, type MetricDirection } from './values.js';
import {
  calibrationBins,
  type CalibrationBin,
  CALIBRATION_BINS,
  calibrationBinIndex,
} from './calibration.js';

/**
 * The fields of a prediction record the metrics need. `PredictionRecord` (src/types.ts)
 * satisfies it; tests and suites may pass plain objects.
 */
export interface ClassificationRecord {
  /** True class index, 0 ≤ label < numClasses. */
  label: number;
  /** Predicted class index (argmax), 0 ≤ pred < numClasses. */
  pred: number;
  /** Probability of the predicted class (max probability). */
  conf: number;
  /** Probability given to the true class. */
  pTrue: number;
  /** 0-based rank of the true class by probability (0 = top-1 correct). */
  rank: number;
  /** Σ_j p_j² over the probability vector: the Brier score of the example is sumSq − 2·pTrue + 1. */
  sumSq: number;
}

/** The fields of {@link ClassificationRecord} by column, indexed by row. */
export interface RecordColumns {
  readonly label: ArrayLike<number>;
  readonly pred: ArrayLike<number>;
  readonly rank: ArrayLike<number>;
  readonly conf: ArrayLike<number>;
  readonly pTrue: ArrayLike<number>;
  readonly sumSq: ArrayLike<number>;
}

/** Records by column, all rows or the rows `rows` in that order (a slice, a paired subset). */
export interface RecordRows {
  columns: RecordColumns;
  rows?: ArrayLike<number>;
}

/** What the metric functions accept: record objects, or columns and a row selection. */
export type MetricInput = readonly ClassificationRecord[] | RecordRows;

/** Columns, rows and count of a metric input (record objects are copied into columns). */
export function asRows(input: MetricInput): {
  columns: RecordColumns;
  rows: ArrayLike<number> | undefined;
  length: number;
} {
  if (!Array.isArray(input)) {
    const r = input as RecordRows;
    const length = r.rows?.length ?? r.columns.label.length;
    return { columns: r.columns, rows: r.rows, length };
  }
  const records = input as readonly ClassificationRecord[];
  const col = (f: keyof ClassificationRecord) => Float64Array.from(records, (r) => r[f]);
  return {
    columns: {
      label: col('label'),
      pred: col('pred'),
      rank: col('rank'),
      conf: col('conf'),
      pTrue: col('pTrue'),
      sumSq: col('sumSq'),
    },
    rows: undefined,
    length: records.length,
  };
}

/** Options of {@link computeMetrics}. */
export interface MetricsOptions {
  /** Values of k for top-k accuracy (rank < k). Default `[5]`. Each k must be a positive integer. */
  topK?: readonly number[];
  /**
   * Per-example multiplicities (non-negative, same length as `records`). Default: 1 each. Used by
   * the bootstrap; `n` in the result is then Σ weights.
   */
  weights?: ArrayLike<number>;
}

/** Precision, recall and F1 of one averaging scheme. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Top-k accuracy for one k. */
export interface TopKAccuracy {
  k: number;
  accuracy: number;
}

/**
 * Every metric of {@link ClassificationMetrics} except the confusion matrix: what
 * {@link MetricDefinition.get} reads. Cheap to compute (O(n + numClasses)).
 */
export interface MetricSummary {
  /** Number of examples (Σ weights when weighted). */
  n: number;
  numClasses: number;
  /** Fraction of examples with pred = label. NaN when n = 0. */
  accuracy: number;
  /** Top-k accuracies, one per requested k, in the order requested (duplicates removed). */
  topK: TopKAccuracy[];
  /** Per-class scores, indexed by class. Zero division gives 0 (scikit-learn's default). */
  perClass: {
    precision: number[];
    recall: number[];
    f1: number[];
    /** Number of examples whose true class is this class. */
    support: number[];
    /** Number of examples predicted as this class. */
    predicted: number[];
  };
  /**
   * Unweighted mean over the classes that occur as a true or a predicted label (scikit-learn's
   * default label set when `labels` is not given). NaN when n = 0.
   */
  macro: AveragedScores;
  /** Mean over classes weighted by support. NaN when n = 0. */
  weighted: AveragedScores;
  /** Expected calibration error, 15 equal-width confidence bins (see ./calibration.ts). */
  ece: number;
  /** Reliability diagram data behind `ece`: always {@link CALIBRATION_BINS} bins. */
  calibration: CalibrationBin[];
  /** Multi-class Brier score: mean over examples of Σ_j (p_j − y_j)². In [0, 2]. */
  brier: number;
}

/** Result of {@link computeMetrics}. */
export interface ClassificationMetrics extends MetricSummary {
  /** confusion[t][p] = number of examples of true class t predicted as p (rows true, cols predicted). */
  confusion: number[][];
}

/** Per-example sums everything else is derived from. */
interface Tally {
  n: number;
  correct: number;
  topKCorrect: Float64Array;
  ks: number[];
  support: Float64Array;
  predicted: Float64Array;
  truePositive: Float64Array;
  brierSum: number;
  binCount: Float64Array;
  binConfSum: Float64Array;
  binCorrectSum: Float64Array;
}

function checkNumClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  }
}

function normaliseTopK(topK: readonly number[] | undefined): number[] {
  const ks: number[] = [];
  for (const k of topK ?? [5]) {
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`top-k needs positive integers, got ${k}`);
    if (!ks.includes(k)) ks.push(k);
  }
  return ks;
}

function tally(
  input: MetricInput,
  numClasses: number,
  options: MetricsOptions,
  confusion: number[][] | undefined,
): Tally {
  checkNumClasses(numClasses);
  const ks = normaliseTopK(options.topK);
  const weights = options.weights;
  const { columns: c, rows, length } = asRows(input);
  if (weights !== undefined && weights.length !== length) {
    throw new RangeError(`weights has length ${weights.length}, records has ${length}`);
  }
  const t: Tally = {
    n: 0,
    correct: 0,
    topKCorrect: new Float64Array(ks.length),
    ks,
    support: new Float64Array(numClasses),
    predicted: new Float64Array(numClasses),
    truePositive: new Float64Array(numClasses),
    brierSum: 0,
    binCount: new Float64Array(CALIBRATION_BINS),
    binConfSum: new Float64Array(CALIBRATION_BINS),
    binCorrectSum: new Float64Array(CALIBRATION_BINS),
  };
  for (let i = 0; i < length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (w === 0) continue;
    const at = rows === undefined ? i : (rows[i] as number);
    const label = c.label[at] as number;
    const pred = c.pred[at] as number;
    const rank = c.rank[at] as number;
    const conf = c.conf[at] as number;
    if (!(label >= 0 && label < numClasses && Number.isInteger(label))) {
      throw new RangeError(
        `record ${i}: label ${label} is not a class index in [0, ${numClasses})`,
      );
    }
    if (!(pred >= 0 && pred < numClasses && Number.isInteger(pred))) {
      throw new RangeError(`record ${i}: pred ${pred} is not a class index in [0, ${numClasses})`);
    }
    const hit = pred === label ? 1 : 0;
    t.n += w;
    t.correct += w * hit;
    t.support[label] = (t.support[label] as number) + w;
    t.predicted[pred] = (t.predicted[pred] as number) + w;
    if (hit) t.truePositive[label] = (t.truePositive[label] as number) + w;
    for (let j = 0; j < ks.length; j++) {
      if (rank < (ks[j] as number)) t.topKCorrect[j] = (t.topKCorrect[j] as number) + w;
    }
    // Σ_j (p_j − y_j)² = Σ_j p_j² − 2·p_true + 1 for a one-hot y (Brier 1950, multi-class form).
    t.brierSum += w * ((c.sumSq[at] as number) - 2 * (c.pTrue[at] as number) + 1);
    const b = calibrationBinIndex(conf);
    t.binCount[b] = (t.binCount[b] as number) + w;
    t.binConfSum[b] = (t.binConfSum[b] as number) + w * conf;
    t.binCorrectSum[b] = (t.binCorrectSum[b] as number) + w * hit;
    if (confusion !== undefined) {
      const row = confusion[label] as number[];
      row[pred] = (row[pred] as number) + w;
    }
  }
  return t;
}

/** a / b, or 0 when b = 0 (scikit-learn's `zero_division` default). */
function divOrZero(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function summarise(t: Tally, numClasses: number): MetricSummary {
  const { n } = t;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = Array.from(t.support);
  const predicted: number[] = Array.from(t.predicted);
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let present = 0;
  let weightedP = 0;
  let weightedR = 0;
  let weightedF = 0;
  for (let c = 0; c < numClasses; c++) {
    const tp = t.truePositive[c] as number;
    const sup = support[c] as number;
    const pre = predicted[c] as number;
    const p = divOrZero(tp, pre);
    const r = divOrZero(tp, sup);
    // F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (predicted + support): the harmonic mean of
    // precision and recall when TP > 0, and 0 otherwise, as scikit-learn returns it.
    const f = divOrZero(2 * tp, pre + sup);
    precision.push(p);
    recall.push(r);
    f1.push(f);
    if (sup > 0 || pre > 0) {
      present++;
      macroP += p;
      macroR += r;
      macroF += f;
    }
    weightedP += p * sup;
    weightedR += r * sup;
    weightedF += f * sup;
  }
  const ratio = (a: number): number => (n === 0 ? NaN : a / n);
  const { bins, ece } = calibrationBins(t.binCount, t.binConfSum, t.binCorrectSum);
  return {
    n,
    numClasses,
    accuracy: ratio(t.correct),
    topK: t.ks.map((k, j) => ({ k, accuracy: ratio(t.topKCorrect[j] as number) })),
    perClass: { precision, recall, f1, support, predicted },
    macro:
      present === 0
        ? { precision: NaN, recall: NaN, f1: NaN }
        : { precision: macroP / present, recall: macroR / present, f1: macroF / present },
    weighted: { precision: ratio(weightedP), recall: ratio(weightedR), f1: ratio(weightedF) },
    ece,
    calibration: bins,
    brier: ratio(t.brierSum),
  };
}

/**
 * All metrics except the confusion matrix, in O(n + numClasses): what the bootstrap evaluates
 * per resample. Same options and semantics as {@link computeMetrics}.
 */
export function summariseMetrics(
  records: MetricInput,
  numClasses: number,
  options: MetricsOptions = {},
): MetricSummary {
  return summarise(tally(records, numClasses, options, undefined), numClasses);
}

/**
 * Compute every classification and calibration metric of a set of predictions.
 *
 * - accuracy = #(pred = label) / n
 * - top-k accuracy = #(rank < k) / n, for each k in `options.topK` (default [5])
 * - per class c: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), each 0 when
 *   its denominator is 0 (scikit-learn's default `zero_division`); support = #(label = c)
 * - macro = unweighted mean over classes present as a true or predicted label; weighted = mean
 *   weighted by support (scikit-learn `average='macro'` / `'weighted'` without `labels`)
 * - confusion[t][p], rows = true class, cols = predicted class
 * - ECE and reliability bins: see ./calibration.ts; Brier: mean of Σ_j (p_j − y_j)²
 *
 * Empty input gives n = 0 and NaN for every rate. Throws RangeError on a label or pred outside
 * [0, numClasses).
 */
export function computeMetrics(
  records: MetricInput,
  numClasses: number,
  options: MetricsOptions = {},
): ClassificationMetrics {
  checkNumClasses(numClasses);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const summary = summarise(tally(records, numClasses, options, confusion), numClasses);
  return { ...summary, confusion };
}

// ---------------------------------------------------------------------------------------------
// Metric names: how configs and gates refer to one scalar.

/** One scalar metric that gates can reference by name. */
export interface MetricDefinition {
  /** Canonical name, e.g. `accuracy`, `top5_accuracy`, `recall[cat]`. */
  name: string;
  description: string;
  direction: MetricDirection;
  /** Read the value from computed metrics. Throws RangeError if a needed top-k was not computed. */
  get(metrics: MetricSummary): number;
  /**
   * Present when the metric is the mean of a per-example value (accuracy, top-k, Brier): the
   * bootstrap then resamples these values directly instead of recomputing all metrics.
   */
  perExample?: (record: ClassificationRecord) => number;
  /** {@link perExample} of row `i` of record columns. */
  perRow?: (columns: RecordColumns, i: number) => number;
  /** The k this metric needs in `MetricsOptions.topK`, for top-k metrics. */
  topK?: number;
}

function topKAccuracyMetric(k: number): MetricDefinition {
  return {
    name: `top${k}_accuracy`,
    description: `Fraction of examples whose true class is among the ${k} most probable`,
    direction: 'higher-is-better',
    topK: k,
    get(m) {
      const entry = m.topK.find((e) => e.k === k);
      if (entry === undefined) {
        throw new RangeError(`top${k}_accuracy was not computed: pass ${k} in options.topK`);
      }
      return entry.accuracy;
    },
    perExample: (r) => (r.rank < k ? 1 : 0),
    perRow: (c, i) => ((c.rank[i] as number) < k ? 1 : 0),
  };
}

/**
 * The fixed-name scalar metrics. Further names are resolved by {@link resolveMetric}:
 * `top<k>_accuracy` for any k ≥ 1 and per-class `precision[<class>]`, `recall[<class>]`,
 * `f1[<class>]`.
 */
export const METRICS: readonly MetricDefinition[] = [
  {
    name: 'accuracy',
    description: 'Fraction of examples whose predicted class is the true class',
    direction: 'higher-is-better',
    get: (m) => m.accuracy,
    perExample: (r) => (r.pred === r.label ? 1 : 0),
    perRow: (c, i) => (c.pred[i] === c.label[i] ? 1 : 0),
  },
  topKAccuracyMetric(5),
  {
    name: 'macro_precision',
    description: 'Precision averaged over classes, unweighted',
    direction: 'higher-is-better',
    get: (m) => m.macro.precision,
  },
  {
    name: 'macro_recall',
    description: 'Recall averaged over classes, unweighted (balanced accuracy)',
    direction: 'higher-is-better',
    get: (m) => m.macro.recall,
  },
  {
    name: 'macro_f1',
    description: 'F1 averaged over classes, unweighted',
    direction: 'higher-is-better',
    get: (m) => m.macro.f1,
  },
  {
    name: 'weighted_precision',
    description: 'Precision averaged over classes, weighted by support',
    direction: 'higher-is-better',
    get: (m) => m.weighted.precision,
  },
  {
    name: 'weighted_recall',
    description: 'Recall averaged over classes, weighted by support (equals accuracy)',
    direction: 'higher-is-better',
    get: (m) => m.weighted.recall,
  },
  {
    name: 'weighted_f1',
    description: 'F1 averaged over classes, weighted by support',
    direction: 'higher-is-better',
    get: (m) => m.weighted.f1,
  },
  {
    name: 'ece',
    description: 'Expected calibration error, 15 equal-width confidence bins',
    direction: 'lower-is-better',
    get: (m) => m.ece,
  },
  {
    name: 'brier',
    description: 'Multi-class Brier score, mean of Σ_j (p_j − y_j)²',
    direction: 'lower-is-better',
    get: (m) => m.brier,
    perExample: (r) => r.sumSq - 2 * r.pTrue + 1,
    perRow: (c, i) => (c.sumSq[i] as number) - 2 * (c.pTrue[i] as number) + 1,
  },
];

const KIND_LABEL = { precision: 'Precision', recall: 'Recall', f1: 'F1' } as const;
const PER_CLASS = /^(precision|recall|f1)\[(.+)\]$/;
const TOP_K = /^top([1-9][0-9]*)_accuracy$/;

/**
 * Turn a metric name from a config into its definition.
 *
 * Names: those of {@link METRICS}; `top<k>_accuracy` for any k ≥ 1; `precision[<class>]`,
 * `recall[<class>]`, `f1[<class>]` where `<class>` is a class name from `classNames` (matched
 * first, exactly) or, failing that, a class index `0 … numClasses−1` written in decimal.
 * Throws {@link UnknownMetricError} naming the allowed forms.
 */
export function resolveMetric(
  name: string,
  classes: { classNames?: readonly string[]; numClasses?: number } = {},
): MetricDefinition {
  const fixed = METRICS.find((m) => m.name === name);
  if (fixed !== undefined) return fixed;
  const top = TOP_K.exec(name);
  if (top !== null) return topKAccuracyMetric(Number(top[1]));
  const per = PER_CLASS.exec(name);
  if (per !== null) {
    const kind = per[1] as 'precision' | 'recall' | 'f1';
    const className = per[2] as string;
    const index = classIndex(className, classes);
    if (index === undefined) {
      const known =
        classes.classNames !== undefined
          ? `one of the class names (${classes.classNames.slice(0, 10).join(', ')}${classes.classNames.length > 10 ? ', …' : ''})`
          : `a class index 0…${classes.numClasses === undefined ? 'numClasses−1' : classes.numClasses - 1}`;
      throw new UnknownMetricError(`metric "${name}": unknown class "${className}"; use ${known}`);
    }
    return {
      name,
      description: `${KIND_LABEL[kind]} of class ${className}`,
      direction: 'higher-is-better',
      get: (m) => {
        const value = m.perClass[kind][index];
        if (value === undefined) {
          throw new RangeError(
            `metric "${name}": class index ${index} ≥ numClasses ${m.numClasses}`,
          );
        }
        return value;
      },
    };
  }
  throw new UnknownMetricError(
    `unknown metric "${name}"; use one of ${METRICS.map((m) => m.name).join(', ')}, ` +
      'top<k>_accuracy, precision[<class>], recall[<class>], f1[<class>]',
  );
}

function classIndex(
  className: string,
  { classNames, numClasses }: { classNames?: readonly string[]; numClasses?: number },
): number | undefined {
  if (classNames !== undefined) {
    const i = classNames.indexOf(className);
    if (i >= 0) return i;
  }
  if (/^(0|[1-9][0-9]*)$/.test(className)) {
    const i = Number(className);
    const limit = numClasses ?? classNames?.length;
    if (limit === undefined || i < limit) return i;
  }
  return undefined;
}

/** The k values that a list of metric definitions needs computed (for `MetricsOptions.topK`). */
export function requiredTopK(metrics: readonly MetricDefinition[]): number[] {
  const ks = new Set<number>();
  for (const m of metrics) if (m.topK !== undefined) ks.add(m.topK);
  return [...ks].sort((a, b) => a - b);
}
