/**
 * Detection metrics at a working point: the detections a deployed model would act on (score ≥
 * a threshold) matched to the ground truth at one IoU (0.5 by default).
 *
 * Per class (class-aware matching, the COCOeval rule of ./matching.ts at that IoU, every
 * detection above the threshold, no maxDets cut): a detection matched to a counted object is a
 * true positive, one matched to an ignored object (crowd, difficult) is left out, an unmatched
 * one is a false positive; a counted object no detection matched is a false negative.
 * precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean; 0 where the
 * denominator is 0 (scikit-learn's zero_division=0), with the counts kept to tell.
 *
 * Confusion matrix (class-agnostic, one-to-one): in each image, every pair of an above-threshold
 * detection and a counted object with IoU ≥ the threshold is a candidate; pairs are taken by
 * IoU, highest first (ties: higher detection score, then lower detection row, then lower object
 * row), when neither side is taken yet. A taken pair counts at [true class][predicted class];
 * an object left over at [true class][background]; a detection left over counts at
 * [background][predicted class], unless it overlaps an ignored object by the IoU threshold
 * (intersection over its own area for a crowd region), when it is left out. Rows are true
 * classes, columns predicted, as classification's matrix; index K is background.
 */
import type { DetectionColumns, GroundTruthColumns } from '../../tables/detections.js';
import { boxIou, greedyMatch, matchProblem, rowsByClass, sortByScore } from './matching.js';

/** Options of the working-point metrics. */
export interface WorkingPointOptions {
  /** Minimum score of a detection that counts. */
  scoreThreshold: number;
  /** IoU at which a detection matches an object. Default 0.5. */
  iouThreshold?: number;
}

/** Counts and rates of one class at the working point. */
export interface ClassAtThreshold {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** What {@link workingPointMetrics} returns. */
export interface WorkingPointMetrics {
  scoreThreshold: number;
  iouThreshold: number;
  perClass: ClassAtThreshold[];
  /** Sums over classes, rates from the sums (micro average). */
  overall: ClassAtThreshold;
  /** (K + 1) × (K + 1): rows true class, columns predicted class, index K = background. */
  confusion: number[][];
}

/** Per-image outcome of the class-aware matching at the working point. */
export interface WorkingPointMatch {
  /** Per detection row: 1 true positive, 0 false positive, 2 left out (below the threshold or on an ignored object). */
  detections: Uint8Array;
  /** Per ground-truth row: 1 found, 0 missed, 2 not counted (crowd or ignored). */
  objects: Uint8Array;
}

/**
 * Class-aware matching of every image at the working point (see the module comment): the
 * outcome of each detection and each object, from which per-class counts, newly missed
 * objects and per-image outcomes follow.
 */
export function matchAtWorkingPoint(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  numClasses: number,
  options: WorkingPointOptions,
): WorkingPointMatch {
  const N = gt.offsets.length - 1;
  if (dt.offsets.length - 1 !== N)
    throw new RangeError(
      `ground truth has ${N} images but detections have ${dt.offsets.length - 1}`,
    );
  const iou = options.iouThreshold ?? 0.5;
  const detections = new Uint8Array(dt.scores.length).fill(2);
  const objects = new Uint8Array(gt.classes.length).fill(2);
  const gtBy: number[][] = Array.from({ length: numClasses }, () => []);
  const dtBy: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < N; i++) {
    rowsByClass(gt.classes, gt.offsets[i]!, gt.offsets[i + 1]!, gtBy, 'ground truth', i);
    rowsByClass(dt.classes, dt.offsets[i]!, dt.offsets[i + 1]!, dtBy, 'detection', i);
    for (let k = 0; k < numClasses; k++) {
      const dts = sortByScore(
        dt.scores,
        dtBy[k]!.filter((r) => dt.scores[r]! >= options.scoreThreshold),
      );
      const p = matchProblem(
        gt,
        dt,
        gtBy[k]!,
        dts,
        (r) => gt.iscrowd[r] === 1 || gt.ignore[r] === 1,
      );
      for (let s = 0; s < p.counted; s++) objects[p.gts[s]!] = 0;
      const match = new Int32Array(dts.length);
      greedyMatch(p, iou, match);
      dts.forEach((r, d) => {
        const m = match[d]!;
        if (m < 0) detections[r] = 0;
        else if (m < p.counted) {
          detections[r] = 1;
          objects[p.gts[m]!] = 1;
        }
      });
    }
  }
  return { detections, objects };
}

function rates(tp: number, fp: number, fn: number): ClassAtThreshold {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Precision, recall and F1 per class and overall, and the confusion matrix, at the working
 * point, over the images with nonzero weight (each counted `weights[i]` times; default all once).
 */
export function workingPointMetrics(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  numClasses: number,
  options: WorkingPointOptions & { weights?: ArrayLike<number> },
): WorkingPointMetrics {
  const N = gt.offsets.length - 1;
  const iouThreshold = options.iouThreshold ?? 0.5;
  const w = options.weights ?? new Uint32Array(N).fill(1);
  const m = matchAtWorkingPoint(gt, dt, numClasses, options);
  const tp = new Array<number>(numClasses).fill(0);
  const fp = new Array<number>(numClasses).fill(0);
  const fn = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < N; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let r = dt.offsets[i]!; r < dt.offsets[i + 1]!; r++) {
      if (m.detections[r] === 1) tp[dt.classes[r]!]! += wi;
      else if (m.detections[r] === 0) fp[dt.classes[r]!]! += wi;
    }
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]!; r++)
      if (m.objects[r] === 0) fn[gt.classes[r]!]! += wi;
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    scoreThreshold: options.scoreThreshold,
    iouThreshold,
    perClass: tp.map((_, k) => rates(tp[k]!, fp[k]!, fn[k]!)),
    overall: rates(sum(tp), sum(fp), sum(fn)),
    confusion: confusionMatrix(gt, dt, numClasses, { ...options, weights: w }),
  };
}

/** The class-agnostic confusion matrix of the module comment. */
export function confusionMatrix(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  numClasses: number,
  options: WorkingPointOptions & { weights?: ArrayLike<number> },
): number[][] {
  const K = numClasses;
  const iou = options.iouThreshold ?? 0.5;
  const N = gt.offsets.length - 1;
  const M = Array.from({ length: K + 1 }, () => new Array<number>(K + 1).fill(0));
  for (let i = 0; i < N; i++) {
    const wi = options.weights?.[i] ?? 1;
    if (wi === 0) continue;
    const dts: number[] = [];
    for (let r = dt.offsets[i]!; r < dt.offsets[i + 1]!; r++)
      if (dt.scores[r]! >= options.scoreThreshold) dts.push(r);
    const counted: number[] = [];
    const ignored: number[] = [];
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]!; r++)
      (gt.iscrowd[r] === 1 || gt.ignore[r] === 1 ? ignored : counted).push(r);
    const pairs: { d: number; g: number; iou: number }[] = [];
    for (const d of dts)
      for (const g of counted) {
        const v = boxIou(dt.boxes, d, gt.boxes, g, false);
        if (v >= iou) pairs.push({ d, g, iou: v });
      }
    pairs.sort(
      (a, b) => b.iou - a.iou || dt.scores[b.d]! - dt.scores[a.d]! || a.d - b.d || a.g - b.g,
    );
    const takenD = new Set<number>();
    const takenG = new Set<number>();
    for (const p of pairs) {
      if (takenD.has(p.d) || takenG.has(p.g)) continue;
      takenD.add(p.d);
      takenG.add(p.g);
      M[gt.classes[p.g]!]![dt.classes[p.d]!]! += wi;
    }
    for (const g of counted) if (!takenG.has(g)) M[gt.classes[g]!]![K]! += wi;
    for (const d of dts) {
      if (takenD.has(d)) continue;
      const onIgnored = ignored.some(
        (g) => boxIou(dt.boxes, d, gt.boxes, g, gt.iscrowd[g] === 1) >= iou,
      );
      if (!onIgnored) M[K]![dt.classes[d]!]! += wi;
    }
  }
  return M;
}

/**
 * Per image, whether the working point got it wrong: some counted object missed or some false
 * positive. The detection analogue of a wrong classification, for McNemar's test on paired
 * images and for slice discovery (an error rate per image).
 */
export function imageErrors(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  match: WorkingPointMatch,
): Uint8Array {
  const N = gt.offsets.length - 1;
  const out = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]! && !out[i]; r++)
      if (match.objects[r] === 0) out[i] = 1;
    for (let r = dt.offsets[i]!; r < dt.offsets[i + 1]! && !out[i]; r++)
      if (match.detections[r] === 0) out[i] = 1;
  }
  return out;
}
