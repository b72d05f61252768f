import { pairRecords } from '../../analysis/pairing.js';
import type { RecordSet, RecordTableCore } from '../../tables/records.js';
import type { Task } from '../../tasks/task.js';
import type { Example } from '../../types.js';
import { compareText } from '../../text/compare.js';
import { corruptionVariant, transformVariant, type RobustnessPlan } from './plan.js';

/**
 * Robustness metrics in the sense of Hendrycks & Dietterich (ICLR 2019, "Benchmarking Neural
 * Network Robustness to Common Corruptions and Perturbations"):
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

const accuracyOf = (task: Task, ids: readonly string[], recs: VariantRows | undefined) => {
  if (!recs) return NaN;
  let n = 0;
  let ok = 0;
  for (const id of ids) {
    const i = recs.rowOf.get(id);
    if (i === undefined) continue;
    n++;
    if (task.correct(recs.table, i)) ok++;
  }
  return n > 0 ? ok / n : NaN;
};

function modelRobustness(
  task: Task,
  by: ByVariant,
  ids: readonly string[],
  plan: { corruptions: string[]; severities: number[]; transforms: string[] },
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
      if (!task.samePrediction(clean!.table, a, v!.table, b)) f++;
    }
    return n > 0 ? f / n : NaN;
  };
  for (const c of plan.corruptions) {
    accuracy[c] = plan.severities.map((s) =>
      accuracyOf(task, ids, by.get(corruptionVariant(c, s))),
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
    flipRate[transformVariant(t)] = flips(transformVariant(t));
    transformAccuracy[t] = accuracyOf(task, ids, by.get(transformVariant(t)));
  }
  return {
    cleanAccuracy: accuracyOf(task, ids, clean),
    accuracy,
    meanAccuracy,
    meanError: errCount > 0 ? errSum / errCount : NaN,
    corruptedAccuracy: errCount > 0 ? 1 - errSum / errCount : NaN,
    flipRate,
    transformAccuracy,
  };
}

/**
 * Compute the robustness result from records: a pure function, so merges reproduce it. The
 * task says whether a prediction is right and whether two predictions agree.
 * `candRecords` and `baseRecords` are the two sides' tables (a stored baseline's are its run's
 * candidate tables); `examples` are the sampled examples in report order. Only examples whose
 * clean records pair (same id, same image bytes: see analysis/pairing.ts) are compared.
 */
export function computeRobustness(
  task: Task,
  candRecords: RecordSet,
  baseRecords: RecordSet | undefined,
  plan: RobustnessPlan,
  examples: readonly Example[],
  options: { table: string; sliceColumns: readonly string[]; minSupport: number },
): RobustnessResult {
  const candClean = candRecords.tables.find((t) => t.variant === 'clean');
  const evaluated = new Set(candClean?.ids);
  const ids = examples.filter((e) => plan.sample.has(e.id) && evaluated.has(e.id)).map((e) => e.id);
  const shape = {
    corruptions: plan.corruptions,
    severities: plan.severities,
    transforms: plan.transforms.map((t) => t.name),
  };
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
  const candidate = modelRobustness(task, cand, baseBy ? pairedIds : ids, shape);
  const result: RobustnessResult = {
    ...shape,
    sampleSize: ids.length,
    table: options.table,
    candidate,
    slices: [],
    notes,
  };
  if (baseBy) {
    const baseline = modelRobustness(task, baseBy, pairedIds, shape);
    const missing = plan.corruptions.filter((c) =>
      plan.severities.some((s) => !baseBy.has(corruptionVariant(c, s))),
    );
    if (missing.length > 0)
      notes.push(
        `The baseline has no records for ${missing.join(', ')}: store a baseline made with the same robustness settings.`,
      );
    result.baseline = baseline;
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
      const c = modelRobustness(task, cand, sIds, shape);
      const b = baseBy ? modelRobustness(task, baseBy, sIds, shape) : undefined;
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
