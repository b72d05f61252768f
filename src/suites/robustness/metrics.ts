import { pairRecords } from '../../analysis/pairing.js';
import type { RecordSet, RecordTableCore } from '../../tables/records.js';
import { corruptionPerformance } from '../../metrics/detection/robustness.js';
import { pairedBootstrap } from '../../metrics/stats.js';
import type { Task, TaskContext, TaskMetric } from '../../tasks/task.js';
import type { NamedTransform } from '../../transforms/index.js';

/** The task and what its methods know about the run. */
type TaskCtx = TaskContext & { task: Task };
import type { Example } from '../../types.js';
import { compareText } from '../../text/compare.js';
import { corruptionVariant, transformVariant, type RobustnessPlan } from './plan.js';

/**
 * Robustness metrics in the sense of Hendrycks & Dietterich (ICLR 2019, "Benchmarking Neural
 * Network Robustness to Common Corruptions and Perturbations"). Every value is the task's
 * headline metric (`task.presentation.headline`) over the variant's records: accuracy for
 * classification, mAP for detection (the `accuracy` fields then hold mAP; `metric` says so).
 * - E(c, s): top-1 error under corruption c at severity s; E_clean: error on the clean images of
 *   the same sample.
 * - Corruption error CE_c = Σ_s E(c, s) / Σ_s E_ref(c, s) and relative CE_c =
 *   Σ_s (E(c, s) − E_clean) / Σ_s (E_ref(c, s) − E_ref_clean); mCE and relative mCE are their means
 *   over corruptions. The paper normalises by AlexNet; we normalise by the baseline, so 1 means
 *   "as robust as the baseline" and 1.2 means 20% more corruption error.
 * - Without a baseline, `meanError` is the unnormalised mean of E(c, s) over c and s.
 * - Flip rate of a variant: fraction of the sample whose prediction differs from the clean one.
 */
export interface ModelRobustness {
  cleanAccuracy: number;
  /** accuracy[corruption][severity index] in plan.severities order. */
  accuracy: Record<string, number[]>;
  /** Mean accuracy over severities, per corruption. */
  meanAccuracy: Record<string, number>;
  /** Unnormalised mean error over all corruptions and severities. */
  meanError: number;
  /** Mean accuracy over all corrupted images. */
  corruptedAccuracy: number;
  /** Flip rate vs the clean prediction, per variant name. */
  flipRate: Record<string, number>;
  /** Accuracy per transform. */
  transformAccuracy: Record<string, number>;
  /**
   * Tasks with {@link Task.robustness} (detection), after Michaelis et al. 2019 ("Benchmarking
   * Robustness in Object Detection"): mPC, the mean over corruptions of the mean over severities
   * of the metric, and rPC = mPC / clean.
   */
  mPC?: number;
  rPC?: number;
  /** Detection: consistency of the detections under each transform with the clean ones moved. */
  consistency?: Record<string, number>;
}

/** Candidate vs baseline of one of Michaelis et al.'s measures (delta = candidate − baseline). */
export interface RobustnessDelta {
  candidate: number;
  baseline: number;
  delta: number;
  /** Paired image-bootstrap interval of `delta`, where one was asked for. */
  interval?: { lower: number; upper: number; confidence: number };
}

export interface RobustnessSlice {
  key: string;
  n: number;
  candidate: { corruptedAccuracy: number; cleanAccuracy: number };
  baseline?: { corruptedAccuracy: number; cleanAccuracy: number };
}

export interface RobustnessResult {
  corruptions: string[];
  severities: number[];
  transforms: string[];
  sampleSize: number;
  table: string;
  candidate: ModelRobustness;
  baseline?: ModelRobustness;
  /** Baseline-normalised CE and relative CE per corruption, and their means (with a baseline). */
  normalized?: {
    ce: Record<string, number | null>;
    relativeCe: Record<string, number | null>;
    mCE: number | null;
    relativeMCE: number | null;
  };
  /** The metric of the `accuracy` fields when it is not accuracy (detection: map). */
  metric?: string;
  /** With a baseline, for tasks with {@link Task.robustness}: mPC and rPC compared. */
  comparison?: { mPC: RobustnessDelta; rPC: RobustnessDelta };
  slices: RobustnessSlice[];
  notes: string[];
}

/** One model's records on one variant, with the row of each sampled id. */
interface VariantRows {
  table: RecordTableCore;
  rowOf: Map<string, number>;
}
type ByVariant = Map<string, VariantRows>;

/** Each variant table of a record set, indexed by the ids of `sample`. */
function index(records: RecordSet, sample: ReadonlySet<string>): ByVariant {
  const out: ByVariant = new Map();
  for (const table of records.tables) {
    const rowOf = new Map<string, number>();
    table.ids.forEach((id, i) => {
      if (sample.has(id)) rowOf.set(id, i);
    });
    out.set(table.variant, { table, rowOf });
  }
  return out;
}

/** The headline metric of the rows of `ids` in a variant's records (NaN when undefined). */
const valueOf = (
  ctx: TaskCtx,
  metric: TaskMetric,
  ids: readonly string[],
  recs: VariantRows | undefined,
  transform?: NamedTransform,
) => {
  const rows = recs ? rowsOf(recs, ids) : [];
  if (rows.length === 0) return NaN;
  const part = { table: recs!.table, rows };
  const values =
    transform && ctx.task.robustness
      ? ctx.task.robustness.transformedValues(part, transform.spec, [metric], ctx)
      : ctx.task.metricValues(part, [metric], ctx);
  return values[metric.name] ?? NaN;
};

/** Rows of the sampled `ids` a variant's records hold, in `ids` order. */
function rowsOf(recs: VariantRows, ids: readonly string[]): number[] {
  const rows: number[] = [];
  for (const id of ids) {
    const i = recs.rowOf.get(id);
    if (i !== undefined) rows.push(i);
  }
  return rows;
}

/** Rows of the `ids` both variants hold, aligned (the same image at each position). */
function pairedRows(a: VariantRows, b: VariantRows, ids: readonly string[]) {
  const ra: number[] = [];
  const rb: number[] = [];
  for (const id of ids) {
    const i = a.rowOf.get(id);
    const j = b.rowOf.get(id);
    if (i === undefined || j === undefined) continue;
    ra.push(i);
    rb.push(j);
  }
  return { a: ra, b: rb };
}

/** The task's headline metric, as the robustness values are of it. */
function headlineMetric(ctx: TaskCtx): TaskMetric {
  const name = ctx.task.presentation.headline;
  const metric = ctx.task.metrics(ctx).find((m) => m.name === name);
  if (!metric) throw new Error(`task ${ctx.task.name} does not list its headline metric ${name}`);
  return metric;
}

function modelRobustness(
  ctx: TaskCtx,
  metric: TaskMetric,
  by: ByVariant,
  ids: readonly string[],
  plan: { corruptions: string[]; severities: number[]; transforms: NamedTransform[] },
  /** Also mPC, rPC and consistency, for a task with its own measures (not needed per slice). */
  extras = true,
): ModelRobustness {
  const clean = by.get('clean');
  const accuracy: Record<string, number[]> = {};
  const meanAccuracy: Record<string, number> = {};
  const flipRate: Record<string, number> = {};
  const transformAccuracy: Record<string, number> = {};
  let errSum = 0;
  let errCount = 0;
  const flips = (variant: string) => {
    const v = by.get(variant);
    let n = 0;
    let f = 0;
    for (const id of ids) {
      const a = clean?.rowOf.get(id);
      const b = v?.rowOf.get(id);
      if (a === undefined || b === undefined) continue;
      n++;
      if (!ctx.task.samePrediction(clean!.table, a, v!.table, b, ctx)) f++;
    }
    return n > 0 ? f / n : NaN;
  };
  for (const c of plan.corruptions) {
    accuracy[c] = plan.severities.map((s) =>
      valueOf(ctx, metric, ids, by.get(corruptionVariant(c, s))),
    );
    meanAccuracy[c] = accuracy[c].reduce((a, b) => a + b, 0) / accuracy[c].length;
    for (const a of accuracy[c]) {
      errSum += 1 - a;
      errCount++;
    }
    for (const s of plan.severities)
      flipRate[corruptionVariant(c, s)] = flips(corruptionVariant(c, s));
  }
  for (const t of plan.transforms) {
    flipRate[transformVariant(t.name)] = flips(transformVariant(t.name));
    transformAccuracy[t.name] = valueOf(ctx, metric, ids, by.get(transformVariant(t.name)), t);
  }
  const cleanAccuracy = valueOf(ctx, metric, ids, clean);
  const out: ModelRobustness = {
    cleanAccuracy,
    accuracy,
    meanAccuracy,
    meanError: errCount > 0 ? errSum / errCount : NaN,
    corruptedAccuracy: errCount > 0 ? 1 - errSum / errCount : NaN,
    flipRate,
    transformAccuracy,
  };
  const robustness = ctx.task.robustness;
  if (robustness && extras) {
    // Undefined values (no object counted) are −1 to corruptionPerformance, left out of means.
    const perSeverity = Object.fromEntries(
      plan.corruptions.map((c) => [
        c,
        Object.fromEntries(
          plan.severities.map((s, i) => [
            s,
            Number.isFinite(accuracy[c]![i]) ? accuracy[c]![i]! : -1,
          ]),
        ),
      ]),
    );
    const perf = corruptionPerformance(cleanAccuracy, perSeverity);
    out.mPC = perf.mPC ?? NaN;
    out.rPC = perf.rPC ?? NaN;
    out.consistency = {};
    for (const t of plan.transforms) {
      const v = by.get(transformVariant(t.name));
      const rows = clean && v ? pairedRows(clean, v, ids) : { a: [], b: [] };
      out.consistency[t.name] =
        rows.a.length > 0
          ? (robustness.consistency(
              { table: clean!.table, rows: rows.a },
              { table: v!.table, rows: rows.b },
              t.spec,
              ctx,
            ) ?? NaN)
          : NaN;
    }
  }
  return out;
}

/**
 * Paired image-bootstrap interval of mPC(candidate) − mPC(baseline): each resample draws the
 * paired images with replacement and recomputes every corruption × severity's metric on both
 * models (mAP is not a mean of per-image values). Costs 2 × corruptions × severities metric
 * evaluations per resample, so it is made only when a gate asks for it. Undefined when a
 * variant lacks an image's record, or the interval is not finite.
 */
function mpcInterval(
  ctx: TaskCtx,
  metric: TaskMetric,
  cand: ByVariant,
  base: ByVariant,
  ids: readonly string[],
  plan: RobustnessPlan,
  options: { resamples: number; confidence: number; seed: number },
): RobustnessDelta['interval'] {
  const n = ids.length;
  if (n === 0 || options.resamples === 0) return undefined;
  const variants = plan.corruptions.flatMap((c) =>
    plan.severities.map((s) => ({ c, s, name: corruptionVariant(c, s) })),
  );
  const sides = [cand, base].map((by) =>
    variants.map((v) => {
      const recs = by.get(v.name);
      const rows = ids.map((id) => recs?.rowOf.get(id) ?? -1);
      return { recs, rows };
    }),
  );
  if (sides.some((side) => side.some((v) => !v.recs || v.rows.includes(-1)))) return undefined;
  const expanded = new Uint32Array(n);
  const mPCOf = (side: (typeof sides)[number], w: Uint32Array) => {
    const perSeverity: Record<string, Record<number, number>> = {};
    side.forEach(({ recs, rows }, k) => {
      let m = 0;
      for (let t = 0; t < n; t++) for (let r = 0; r < w[t]!; r++) expanded[m++] = rows[t]!;
      const v = ctx.task.metricValues({ table: recs!.table, rows: expanded }, [metric], ctx)[
        metric.name
      ];
      const { c, s } = variants[k]!;
      (perSeverity[c] ??= {})[s] = v ?? -1;
    });
    return corruptionPerformance(1, perSeverity).mPC ?? NaN;
  };
  const iv = pairedBootstrap(n, (w) => mPCOf(sides[0]!, w) - mPCOf(sides[1]!, w), options);
  return Number.isFinite(iv.lower) && Number.isFinite(iv.upper)
    ? { lower: iv.lower, upper: iv.upper, confidence: options.confidence }
    : undefined;
}

/**
 * Compute the robustness result from records: a pure function, so merges reproduce it. The
 * task says whether a prediction is right and whether two predictions agree.
 * `candRecords` and `baseRecords` are the two sides' tables (a stored baseline's are its run's
 * candidate tables); `examples` are the sampled examples in report order. Only examples whose
 * clean records pair (same id, same image bytes: see analysis/pairing.ts) are compared.
 */
export function computeRobustness(
  ctx: TaskCtx,
  candRecords: RecordSet,
  baseRecords: RecordSet | undefined,
  plan: RobustnessPlan,
  examples: readonly Example[],
  options: {
    table: string;
    sliceColumns: readonly string[];
    minSupport: number;
    /** A paired image-bootstrap interval of the mPC delta (tasks with their own measures). */
    interval?: { resamples: number; confidence: number; seed: number };
  },
): RobustnessResult {
  const candClean = candRecords.tables.find((t) => t.variant === 'clean');
  const evaluated = new Set(candClean?.ids);
  const ids = examples.filter((e) => plan.sample.has(e.id) && evaluated.has(e.id)).map((e) => e.id);
  const shape = {
    corruptions: plan.corruptions,
    severities: plan.severities,
    transforms: plan.transforms.map((t) => t.name),
  };
  const metric = headlineMetric(ctx);
  const measured = { ...shape, transforms: plan.transforms };
  const cand = index(candRecords, plan.sample);
  const baseBy = baseRecords ? index(baseRecords, plan.sample) : undefined;
  const notes: string[] = [];
  // Only examples the baseline saw with the same image bytes are compared.
  let pairedIds = ids;
  if (baseRecords && candClean) {
    const pairing = pairRecords(
      candClean,
      baseRecords.tables.find((t) => t.variant === 'clean'),
    );
    const candRow = candClean.indexById();
    pairedIds = ids.filter((id) => pairing.baseRow[candRow.get(id)!]! >= 0);
  }
  if (baseBy && pairedIds.length < ids.length)
    notes.push(
      `${ids.length - pairedIds.length} sampled example(s) have no baseline record of the same image and are left out of the comparison.`,
    );
  const candidate = modelRobustness(ctx, metric, cand, baseBy ? pairedIds : ids, measured);
  const result: RobustnessResult = {
    ...shape,
    sampleSize: ids.length,
    table: options.table,
    candidate,
    ...(metric.name !== 'accuracy' ? { metric: metric.name } : {}),
    slices: [],
    notes,
  };
  if (baseBy) {
    const baseline = modelRobustness(ctx, metric, baseBy, pairedIds, measured);
    const missing = plan.corruptions.filter((c) =>
      plan.severities.some((s) => !baseBy.has(corruptionVariant(c, s))),
    );
    if (missing.length > 0)
      notes.push(
        `The baseline has no records for ${missing.join(', ')}: store a baseline made with the same robustness settings.`,
      );
    result.baseline = baseline;
    // Corruption error is a top-1 error (Hendrycks & Dietterich); a task with its own
    // robustness measures (detection: mPC, rPC) is compared by those instead.
    if (!ctx.task.robustness) {
      const ce: Record<string, number | null> = {};
      const relativeCe: Record<string, number | null> = {};
      for (const c of plan.corruptions) {
        const eC = candidate.accuracy[c]!.map((a) => 1 - a);
        const eB = baseline.accuracy[c]!.map((a) => 1 - a);
        const sumC = eC.reduce((a, b) => a + b, 0);
        const sumB = eB.reduce((a, b) => a + b, 0);
        ce[c] = sumB > 0 && Number.isFinite(sumC) ? sumC / sumB : null;
        const relC = eC.reduce((a, e) => a + (e - (1 - candidate.cleanAccuracy)), 0);
        const relB = eB.reduce((a, e) => a + (e - (1 - baseline.cleanAccuracy)), 0);
        // Relative CE is undefined when the baseline does not degrade at all under c.
        relativeCe[c] = relB > 0 && Number.isFinite(relC) ? relC / relB : null;
      }
      const mean = (xs: (number | null)[]) => {
        const v = xs.filter((x): x is number => x !== null);
        return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const undefinedRel = plan.corruptions.filter((c) => relativeCe[c] === null);
      if (undefinedRel.length > 0)
        notes.push(
          `Relative CE is undefined (the baseline does not degrade) for: ${undefinedRel.join(', ')}; left out of the relative mCE.`,
        );
      result.normalized = {
        ce,
        relativeCe,
        mCE: mean(Object.values(ce)),
        relativeMCE: mean(Object.values(relativeCe)),
      };
    }
    if (candidate.mPC !== undefined && baseline.mPC !== undefined) {
      const delta = (a: number, b: number) => ({ candidate: a, baseline: b, delta: a - b });
      result.comparison = {
        mPC: delta(candidate.mPC, baseline.mPC),
        rPC: delta(candidate.rPC!, baseline.rPC!),
      };
      const iv =
        options.interval &&
        mpcInterval(ctx, metric, cand, baseBy, pairedIds, plan, options.interval);
      if (iv) result.comparison.mPC.interval = iv;
    }
  }
  // Per metadata value, where support allows: clean and corrupted accuracy.
  const pairedSet = new Set(pairedIds);
  for (const col of options.sliceColumns) {
    const values = new Map<string, string[]>();
    for (const e of examples) {
      const v = e.metadata[col];
      if (v === undefined || !pairedSet.has(e.id)) continue;
      values.set(v, [...(values.get(v) ?? []), e.id]);
    }
    for (const [v, sIds] of [...values].sort((a, b) => compareText(a[0], b[0]))) {
      if (sIds.length < options.minSupport) continue;
      const c = modelRobustness(ctx, metric, cand, sIds, measured, false);
      const b = baseBy ? modelRobustness(ctx, metric, baseBy, sIds, measured, false) : undefined;
      result.slices.push({
        key: `${col}=${v}`,
        n: sIds.length,
        candidate: { corruptedAccuracy: c.corruptedAccuracy, cleanAccuracy: c.cleanAccuracy },
        ...(b
          ? { baseline: { corruptedAccuracy: b.corruptedAccuracy, cleanAccuracy: b.cleanAccuracy } }
          : {}),
      });
    }
  }
  return result;
}
