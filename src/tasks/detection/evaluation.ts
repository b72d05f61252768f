/**
 * Detection metrics over rows of a record table. Per table, once: the ground truth of its
 * images (joined by example id), COCOeval's per-image evaluation and the working-point matching;
 * any set of rows (a slice, a bootstrap resample with repeats) is then a vector of image
 * multiplicities, so no matching is redone (metrics/detection/coco-eval.ts, `accumulate`).
 */
import { UserError } from '../../errors.js';
import {
  accumulate,
  COCO_STAT_NAMES,
  evaluateImages,
  summarize,
  type ImageEvaluation,
} from '../../metrics/detection/coco-eval.js';
import { mapOfImages } from '../../metrics/detection/weighted-map.js';
import { matchAtWorkingPoint, type WorkingPointMatch } from '../../metrics/detection/threshold.js';
import type { MetricValues } from '../../metrics/values.js';
import {
  concatDetections,
  selectDetections,
  selectGroundTruth,
  type GroundTruthColumns,
} from '../../tables/detections.js';
import type { TaskContext, TaskMetric } from '../task.js';
import type { DetectionTable } from './records.js';

/** The COCOeval statistics by metric name, in `COCOeval.stats` order. */
export const COCO_METRICS = [
  'map',
  'ap50',
  'ap75',
  'ap_small',
  'ap_medium',
  'ap_large',
  'ar1',
  'ar10',
  'ar100',
  'ar_small',
  'ar_medium',
  'ar_large',
] as const;
/** Working-point metrics (micro-averaged over classes) and the per-image outcome rate. */
export const WORKING_POINT_METRICS = ['precision', 'recall', 'f1', 'image_accuracy'] as const;
export const DETECTION_METRICS = [...COCO_METRICS, ...WORKING_POINT_METRICS] as const;

/** The working point of a config (metrics.detection; defaults as documented there). */
export function workingPoint(ctx: TaskContext): { scoreThreshold: number; iouThreshold: number } {
  const d = ctx.config.metrics.detection;
  return { scoreThreshold: d?.scoreThreshold ?? 0.25, iouThreshold: d?.iou ?? 0.5 };
}

/** What is computed once per table. */
export interface TableEvaluation {
  gt: GroundTruthColumns;
  ev: ImageEvaluation;
  match: WorkingPointMatch;
  /** Per image: true positives, false positives, missed objects at the working point. */
  tp: Uint32Array;
  fp: Uint32Array;
  fn: Uint32Array;
  /** Per image: 1 when something is missed or falsely detected at the working point. */
  wrong: Uint8Array;
}

const cache = new WeakMap<DetectionTable, Map<string, TableEvaluation>>();

/** The ground truth of a table's images, in table order. */
export function groundTruthOf(table: DetectionTable, ctx: TaskContext): GroundTruthColumns {
  const rows = groundTruthRows(table, ctx);
  return selectGroundTruth(ctx.groundTruth!.columns, rows);
}

/** The per-table evaluation (cached per table and working point). */
export function evaluationOf(table: DetectionTable, ctx: TaskContext): TableEvaluation {
  const wp = workingPoint(ctx);
  const key = `${wp.scoreThreshold}/${wp.iouThreshold}`;
  let byKey = cache.get(table);
  if (!byKey) cache.set(table, (byKey = new Map<string, TableEvaluation>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const K = ctx.classes.length;
  const gt = groundTruthOf(table, ctx);
  const dt = table.detections;
  const ev = evaluateImages(gt, dt, K);
  const match = matchAtWorkingPoint(gt, dt, K, wp);
  const N = table.length;
  const tp = new Uint32Array(N);
  const fp = new Uint32Array(N);
  const fn = new Uint32Array(N);
  const wrong = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    for (let r = dt.offsets[i]!; r < dt.offsets[i + 1]!; r++) {
      if (match.detections[r] === 1) tp[i]!++;
      else if (match.detections[r] === 0) fp[i]!++;
    }
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]!; r++) if (match.objects[r] === 0) fn[i]!++;
    wrong[i] = fp[i]! > 0 || fn[i]! > 0 ? 1 : 0;
  }
  const out = { gt, ev, match, tp, fp, fn, wrong };
  byKey.set(key, out);
  return out;
}

/** The ground-truth rows of a table's images in the dataset's ground truth. */
function groundTruthRows(table: DetectionTable, ctx: TaskContext): number[] {
  const g = ctx.groundTruth;
  if (!g) throw new Error('detection needs the dataset ground truth in the task context');
  return table.ids.map((id) => {
    const r = g.rowOf.get(id);
    if (r === undefined)
      throw new UserError(
        'dataset',
        `detection records name image ${id}, which the dataset does not have (a stored baseline of another dataset?)`,
      );
    return r;
  });
}

/** Both models' images in one evaluation (see {@link sideBySideOf}). */
export interface SideBySide {
  ev: ImageEvaluation;
  /** Image of each candidate row, and of each baseline row, in `ev`. */
  candidate: Uint32Array;
  baseline: Uint32Array;
}

const sides = new WeakMap<DetectionTable, WeakMap<DetectionTable, SideBySide>>();

/**
 * Both models' images in one COCOeval per-image evaluation (cached per pair of tables), so a mix
 * of the two models' detections per image (the paired permutation test's rearrangements) is a
 * weight vector over it. The images are interleaved: candidate row i, then the baseline record
 * of the same image, in candidate order (then baseline records of no candidate image). A mix
 * then visits images in the candidate's order whichever model each comes from, so COCOeval's
 * tie order (equal scores, by image) and so its mAP are those of a table holding that mix.
 */
export function sideBySideOf(
  candidate: DetectionTable,
  baseline: DetectionTable,
  ctx: TaskContext,
): SideBySide {
  let byBase = sides.get(candidate);
  if (!byBase) sides.set(candidate, (byBase = new WeakMap()));
  const hit = byBase.get(baseline);
  if (hit) return hit;
  const baseOf = baseline.indexById();
  const cand = new Uint32Array(candidate.length);
  const base = new Uint32Array(baseline.length).fill(0xffffffff);
  const order: { table: 0 | 1; row: number }[] = [];
  for (let i = 0; i < candidate.length; i++) {
    cand[i] = order.length;
    order.push({ table: 0, row: i });
    const j = baseOf.get(candidate.ids[i]!);
    if (j !== undefined && base[j] === 0xffffffff) {
      base[j] = order.length;
      order.push({ table: 1, row: j });
    }
  }
  for (let j = 0; j < baseline.length; j++)
    if (base[j] === 0xffffffff) {
      base[j] = order.length;
      order.push({ table: 1, row: j });
    }
  const gtRows = [groundTruthRows(candidate, ctx), groundTruthRows(baseline, ctx)] as const;
  const dets = [candidate.detections, baseline.detections] as const;
  const ev = evaluateImages(
    selectGroundTruth(
      ctx.groundTruth!.columns,
      order.map((o) => gtRows[o.table][o.row]!),
    ),
    concatDetections(order.map((o) => selectDetections(dets[o.table], [o.row]))),
    ctx.classes.length,
  );
  const out = { ev, candidate: cand, baseline: base };
  byBase.set(baseline, out);
  return out;
}

/** Image multiplicities of `rows` over a table of `n` images (all once when undefined). */
export function weightsOf(n: number, rows?: ArrayLike<number>): Uint32Array {
  const w = new Uint32Array(n);
  if (!rows) return w.fill(1);
  for (let t = 0; t < rows.length; t++) w[rows[t]!]!++;
  return w;
}

const defined = (v: number) => (v > -1 && Number.isFinite(v) ? v : null);

/** Metric values of the weighted images of one table; −1 (undefined) becomes null. */
export function valuesOf(
  te: TableEvaluation,
  weights: Uint32Array,
  names: readonly string[],
): MetricValues {
  const out: MetricValues = {};
  const coco = names.filter((n) => (COCO_METRICS as readonly string[]).includes(n));
  if (coco.some((n) => n !== 'map' && n !== 'ap50')) {
    const s = summarize(accumulate(te.ev, { weights }));
    for (const n of coco) out[n] = defined(s[COCO_STAT_NAMES[COCO_METRICS.indexOf(n as never)]!]);
  } else if (coco.length > 0) {
    const m = mapOfImages(te.ev, weights, coco as ('map' | 'ap50')[]);
    for (const n of coco) out[n] = defined(n === 'map' ? m.map : m.ap50);
  }
  if (names.some((n) => (WORKING_POINT_METRICS as readonly string[]).includes(n))) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let right = 0;
    let images = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      tp += w * te.tp[i]!;
      fp += w * te.fp[i]!;
      fn += w * te.fn[i]!;
      right += w * (1 - te.wrong[i]!);
      images += w;
    }
    const precision = tp + fp > 0 ? tp / (tp + fp) : null;
    const recall = tp + fn > 0 ? tp / (tp + fn) : null;
    const wp: Record<string, number | null> = {
      precision,
      recall,
      f1:
        precision === null || recall === null
          ? null
          : precision + recall > 0
            ? (2 * precision * recall) / (precision + recall)
            : 0,
      image_accuracy: images > 0 ? right / images : null,
    };
    for (const n of names) if (n in wp) out[n] = wp[n]!;
  }
  return out;
}

/** Metrics a bootstrap interval is computed for: the cheap ones per resample. */
export function hasInterval(metric: TaskMetric): boolean {
  return metric.name === 'map' || metric.name === 'ap50' || metric.name in WP_SET;
}
const WP_SET = Object.fromEntries(WORKING_POINT_METRICS.map((n) => [n, true]));
