/**
 * The Task seam: what differs between classification and (next) detection. A task owns what one
 * prediction record is and how it is read and written, how model outputs become records, which
 * metrics exist and how they are computed over a set of examples, what "an example that newly
 * fails" is, and what a pinned case asserts. Slices, pairing, significance, gates, suites, the
 * report, the comment and the GitHub side ask the task and never read a record's columns.
 * Tasks live in src/tasks/, one folder each, and are listed in src/tasks/registry.ts. See
 * docs/architecture.md, "How to add a task".
 */
import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { PermutationOptions, PermutationResult } from '../metrics/permutation.js';
import type { MetricDirection, MetricValues } from '../metrics/values.js';
import type { ResolvedContract } from '../model/contract.js';
import type { NamedOutput } from '../model/runtime.js';
import type { GroundTruthColumns } from '../tables/detections.js';
import type { HashColumn, RecordTableCore } from '../tables/records.js';
import type { Example, ModelRole, VariantName } from '../types.js';

/** What a task's methods know about the run. */
export interface TaskContext {
  config: Config;
  /** The class list, in model output order. */
  classes: readonly string[];
  /** At plan time: where the class list came from, the config file's name and a key's line. */
  classSource?: string;
  configName?: string;
  lineOf?: (keyPath: readonly (string | number)[]) => number | undefined;
  /**
   * Annotations beyond one label per example (detection's objects), by example id: the
   * dataset's, so records (predictions only) are judged against the current annotations.
   */
  groundTruth?: ExampleGroundTruth;
}

/** Ground-truth objects of a dataset's images; `rowOf` maps an example id to its image row. */
export interface ExampleGroundTruth {
  rowOf: ReadonlyMap<string, number>;
  columns: GroundTruthColumns;
}

/** A metric a task offers: its name (as configs and gates write it) and which way is better. */
export interface TaskMetric {
  name: string;
  direction: MetricDirection;
}

/** Rows of one record table; `rows` may repeat a row (a bootstrap resample) and default to all. */
export interface Rows<T extends RecordTableCore = RecordTableCore> {
  table: T;
  rows?: ArrayLike<number>;
}

/** Appends records to one (model, variant) table of a task. */
export interface RecordBuilder<T extends RecordTableCore = RecordTableCore, R = unknown> {
  readonly length: number;
  /** Append a record; with a hash source, `hashRow` is the row of its image hash there. */
  push(record: R, hashRow?: number): void;
  /** Append row `row` of `from` (same task). */
  copyRow(from: T, row: number): void;
  finish(): T;
}

/** One image of a batch, as the evaluation pass hands it to {@link Task.decode}. */
export interface DecodeItem {
  example: Example;
  /** sha256 of the image bytes. */
  hash: string;
  variant: VariantName;
  /** The decoded image's size before resizing (EXIF orientation applied), for the way back. */
  source?: { width: number; height: number };
}

/** One batch of model output. */
export interface ModelOutput {
  data: Float32Array;
  dims: readonly number[];
  /** Images the model was given (a fixed-batch model gets padding copies at the end). */
  fed: number;
  /** Every output the contract names (a detector's several outputs), each with its own type. */
  outputs?: readonly NamedOutput[];
}

/** Newly failing and newly fixed examples between baseline and candidate. */
export interface ExampleChanges<Change> {
  /** The first `limit` newly failing examples, most surprising first. */
  newlyFailing: Change[];
  /** The first `limit` newly fixed examples. */
  newlyFixed: Change[];
  counts: { newlyFailing: number; newlyFixed: number; bothWrong: number };
}

/** A pinned case: an example named in the config, and whether it holds. */
export interface PinnedOutcome {
  id: string;
  status: 'pass' | 'fail' | 'missing';
}

/** A record read as one class prediction for one example (see {@link Task.classPredictions}). */
export interface ClassPrediction {
  id: string;
  model: ModelRole;
  variant: VariantName;
  label: number;
  pred: number;
  /** Class probabilities, where the pass kept them. */
  probs?: number[];
}

/** A candidate/baseline pairing of rows as the task sees it (see analysis/pairing.ts). */
export interface PairedTables<T extends RecordTableCore> {
  candidate: T;
  baseline: T | undefined;
  /** Baseline row paired with each candidate row; −1 when unpaired. */
  baseRow: Int32Array;
}

/** Where each candidate record sits in the example table (−1: not an example). */
export interface ExampleLookup {
  examples: {
    paths: readonly string[];
    metadataOf(row: number): Record<string, string>;
  };
  exRowOfCand: Int32Array;
}

/**
 * Tests of a metric that is not the mean of a per-example outcome (detection's mAP), for a task
 * whose users judge a comparison by such a metric. `candidate.rows[t]` and `baseline.rows[t]`
 * are the same example (all rows in order when `rows` is absent).
 */
export interface MetricTests<T extends RecordTableCore> {
  /** The metric tested. */
  readonly metric: string;
  /** The paired test, in words (the report's footnote). */
  readonly description: string;
  /** Two-sided p-value that the two models are exchangeable on these examples. */
  paired(
    candidate: Rows<T>,
    baseline: Rows<T>,
    options: PermutationOptions,
    ctx: TaskContext,
  ): PermutationResult;
  /**
   * The metric's delta on the examples with `inSlice[t] = 1` and on the others, and the
   * one-sided p-value that the slice got worse than a random set of its size would.
   */
  worseThanRest(
    candidate: Rows<T>,
    baseline: Rows<T>,
    inSlice: Uint8Array,
    options: PermutationOptions,
    ctx: TaskContext,
  ): PermutationResult & { change: number | null; restChange: number | null };
}

/** How a task's own parts of the PR comment are rendered (report/markdown.ts places them). */
export interface TaskRender<Change, Pinned, Overall extends z.ZodObject> {
  /** The order of the newly failing list, in words (the section says it). */
  readonly exampleOrder: string;
  /** The newly failing examples shown, as a markdown table. */
  examples(changes: readonly Change[]): string;
  /** The pinned cases that do not pass, as a markdown table. */
  pinned(cases: readonly Pinned[]): string;
  /** Collapsed detail sections of what the task adds to `overall` (e.g. per-class scores). */
  overall(
    overall: z.output<Overall>,
    options: { maxRows: number; format: (metric: string, value: number | null) => string },
  ): { summary: string; body: string }[];
}

/**
 * A task. `T` is its record table, `M` its metric definition, `R` one record as an object (a
 * records.jsonl line), `Change` an entry of the newly failing / fixed lists, `Pinned` a pinned
 * case's report entry, `Overall` the schema of what it adds to report.json's `overall`.
 */
export interface Task<
  T extends RecordTableCore = RecordTableCore,
  M extends TaskMetric = TaskMetric,
  R = unknown,
  Change = unknown,
  Pinned extends PinnedOutcome = PinnedOutcome,
  Overall extends z.ZodObject = z.ZodObject,
> {
  readonly name: string;

  // --- records: what one prediction is, how it is stored, read and written

  /** A builder of one (model, variant) table; with `hashSource`, records point at its hashes. */
  builder(
    model: ModelRole,
    variant: VariantName,
    capacity?: number,
    hashSource?: HashColumn,
  ): RecordBuilder<T, R>;
  /** A parsed records.jsonl line as a record of this task, or undefined when it is not one. */
  parseRecord(value: unknown): { model: ModelRole; variant: VariantName; record: R } | undefined;

  // --- the evaluation pass

  /**
   * Refuse a model whose output cannot be read as this task's under the class list. `names`
   * say how the message names the model file and where the class list came from.
   */
  checkContract(
    role: ModelRole,
    contract: ResolvedContract,
    classes: readonly string[],
    names?: { model: string; classList: string },
  ): void;
  /**
   * One batch of model output as one record per item (quantised: see tables/records.ts).
   * Messages name the model by its role and, when given, its file.
   */
  decode(
    output: ModelOutput,
    items: readonly DecodeItem[],
    model: { role: ModelRole; contract: ResolvedContract; model?: { path: string } },
    keepScores: (variant: VariantName) => boolean,
  ): R[];

  // --- metrics

  /**
   * The metrics a report carries: the task's defaults plus each one a gate names. Throws
   * UnknownMetricError (metrics/values.ts) for a name the task does not know.
   */
  metrics(ctx: TaskContext): M[];
  /**
   * Metric values over a set of examples. Metrics need not be means of per-example values
   * (detection's mAP is not): the task computes each over the rows as a set, repeats included.
   */
  metricValues(rows: Rows<T>, metrics: readonly M[], ctx: TaskContext): MetricValues;
  /**
   * Paired bootstrap interval of candidate − baseline for one metric, resampling examples
   * jointly (`candidate.rows[t]` and `baseline.rows[t]` are the same example); undefined when
   * it is not finite.
   */
  deltaInterval(
    candidate: Rows<T>,
    baseline: Rows<T>,
    metric: M,
    options: { resamples: number; confidence: number; seed: number },
    ctx: TaskContext,
  ): { lower: number; upper: number } | undefined;
  /**
   * The per-example outcome: is the prediction right? The exact McNemar test, the newly
   * failing examples and slice discovery's error target are made of it.
   */
  correct(table: T, row: number, ctx: TaskContext): boolean;
  /** The metric that is the mean of {@link correct}: the McNemar test decides its significance. */
  readonly outcomeMetric: string;
  /**
   * The tests of a task whose outcome metric is not what users judge it by. With them, the
   * per-slice p-values (adjusted together, and a `significant` gate on this metric) and the
   * findings are about {@link MetricTests.metric}; without, the exact McNemar test and the
   * excess-drop test on {@link correct}. See {@link testedMetricOf}.
   */
  readonly metricTests?: MetricTests<T>;
  /** Slice discovery's error of an example in [0, 1]; default 1 when not {@link correct}. */
  errorOf?(table: T, row: number, ctx: TaskContext): number;
  /**
   * Whether an example regressed, for slice discovery's newly failing target; default: the
   * baseline's record is {@link correct} and the candidate's is not.
   */
  regressed?(candidate: T, i: number, baseline: T, j: number, ctx: TaskContext): boolean;
  /** Whether two records predict the same (a robustness variant's prediction "flips" if not). */
  samePrediction(a: T, i: number, b: T, j: number, ctx: TaskContext): boolean;
  /** Whether examples have one true class to slice by (`slices.classes`). Default true. */
  readonly classSlices?: boolean;

  // --- what the report shows of a task

  /** The task's schemas in report.json (composed by the suites' schemas). */
  readonly schemas: {
    /** Extra fields of `overall` besides the metric values (e.g. confusion, per class). */
    overall: Overall;
    /** One entry of `examples.newlyFailing` / `newlyFixed`. */
    exampleChange: z.ZodType<Change>;
    /** One entry of `pinned`. */
    pinnedCase: z.ZodType<Pinned>;
  };
  /** The extra fields of `overall` for the candidate's records. */
  summarise(table: T, ctx: TaskContext): z.output<Overall>;
  /** Examples that newly fail or are newly fixed on paired records; lists cut to `limit`. */
  exampleChanges(
    pairing: PairedTables<T>,
    lookup: ExampleLookup,
    ctx: TaskContext,
    limit: number,
  ): ExampleChanges<Change>;
  /** Each pinned id checked against the candidate's records, in the order given. */
  checkPinned(ids: readonly string[], candidate: T, ctx: TaskContext): Pinned[];
  /** Why a pinned case does not pass, in words. */
  pinnedReason(pinned: Pinned): string;
  /** What a pinned case asserts, in words (the gate's rule). */
  readonly pinnedRule: string;

  /**
   * The records as one class prediction per example, for checks that need class probabilities
   * (the data suite's label issues and group disparity). A task without one class per example
   * leaves it out, and those checks are skipped.
   */
  classPredictions?(table: T): ClassPrediction[];

  /** Its parts of the PR comment. */
  readonly render: TaskRender<Change, Pinned, Overall>;

  /** How the comment and logs show the task's metrics. */
  readonly presentation: {
    /** The metric of the one-line verdict (CLI, check title). */
    headline: string;
    /** The metrics of the comment's top table, in order, where present. */
    summary: readonly string[];
    /** The metrics of the stored-baseline trend, where present. */
    trend: readonly string[];
    /** Shown as a percentage (a rate) rather than as a decimal. */
    isRate: (metric: string) => boolean;
    /** A rise is a worsening (e.g. calibration error). */
    lowerIsBetter: (metric: string) => boolean;
  };
}

/** The metric a task's paired significance and findings are about. */
export function testedMetricOf(task: Pick<Task, 'metricTests' | 'outcomeMetric'>): string {
  return task.metricTests?.metric ?? task.outcomeMetric;
}
