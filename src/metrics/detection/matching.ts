/**
 * Matching detections to ground truth within one image and class: the rules of COCOeval's
 * `evaluateImg` (pycocotools), the one home of those rules for the COCO evaluation
 * (./coco-eval.ts), the working-threshold metrics (./threshold.ts) and the newly-missed objects
 * (./changes.ts).
 */
import type { DetectionColumns, GroundTruthColumns } from '../../tables/detections.js';

/**
 * IoU of detection row `di` and ground-truth row `gi` (corner boxes, 4 values a row), as
 * maskApi.c's `bbIou`: for a crowd region the union is the detection's own area.
 */
export function boxIou(
  d: ArrayLike<number>,
  di: number,
  g: ArrayLike<number>,
  gi: number,
  crowd: boolean,
): number {
  const dx1 = d[4 * di]!;
  const dy1 = d[4 * di + 1]!;
  const dx2 = d[4 * di + 2]!;
  const dy2 = d[4 * di + 3]!;
  const gx1 = g[4 * gi]!;
  const gy1 = g[4 * gi + 1]!;
  const gx2 = g[4 * gi + 2]!;
  const gy2 = g[4 * gi + 3]!;
  const w = Math.min(dx2, gx2) - Math.max(dx1, gx1);
  if (!(w > 0)) return 0;
  const h = Math.min(dy2, gy2) - Math.max(dy1, gy1);
  if (!(h > 0)) return 0;
  const inter = w * h;
  const da = (dx2 - dx1) * (dy2 - dy1);
  const union = crowd ? da : da + (gx2 - gx1) * (gy2 - gy1) - inter;
  return inter / union;
}

/**
 * IoU of two COCO [x, y, w, h] boxes (rows `di` of `d`, `gi` of `g`) with the arithmetic of
 * maskApi.c's `bbIou`: corners as x + w, areas as w·h, for a crowd region the union is the
 * detection's area. The COCO evaluation uses it so that IoUs equal pycocotools' to the bit.
 */
export function cocoIou(
  d: ArrayLike<number>,
  di: number,
  g: ArrayLike<number>,
  gi: number,
  crowd: boolean,
): number {
  const D = 4 * di;
  const G = 4 * gi;
  const w = Math.min(d[D + 2]! + d[D]!, g[G + 2]! + g[G]!) - Math.max(d[D]!, g[G]!);
  if (!(w > 0)) return 0;
  const h = Math.min(d[D + 3]! + d[D + 1]!, g[G + 3]! + g[G + 1]!) - Math.max(d[D + 1]!, g[G + 1]!);
  if (!(h > 0)) return 0;
  const inter = w * h;
  const da = d[D + 2]! * d[D + 3]!;
  const union = crowd ? da : da + g[G + 2]! * g[G + 3]! - inter;
  return inter / union;
}

/** Rows sorted by score, highest first; ties keep their order (numpy's mergesort is stable). */
export function sortByScore(scores: ArrayLike<number>, rows: number[]): number[] {
  return rows.sort((p, q) => scores[q]! - scores[p]!);
}

/**
 * One image and class, prepared for matching: detections in score order, ground truth with
 * the ignored objects last, and their IoUs.
 */
export interface MatchProblem {
  /** Detection rows, score order. */
  dts: readonly number[];
  /** Ground-truth rows, counted objects first then ignored ones (each group in input order). */
  gts: readonly number[];
  /** How many of `gts` are counted (not ignored). */
  counted: number;
  /** 1 where gts[s] is a crowd region. */
  crowd: Uint8Array;
  /** IoU of dts[d] and gts[s] at d·G + s. */
  ious: Float64Array;
}

/**
 * Prepare a {@link MatchProblem}: `isIgnored(row)` says which ground-truth objects are not
 * counted (crowd, difficult, outside an area range). `gtRows` in input order, `dtRows` already
 * in score order. `iouOf(dtRow, gtRow, crowd)` defaults to {@link boxIou} on the corner boxes.
 */
export function matchProblem(
  gt: GroundTruthColumns,
  dt: DetectionColumns,
  gtRows: readonly number[],
  dtRows: readonly number[],
  isIgnored: (row: number) => boolean,
  iouOf: (dtRow: number, gtRow: number, crowd: boolean) => number = (d, g, crowd) =>
    boxIou(dt.boxes, d, gt.boxes, g, crowd),
): MatchProblem {
  const gts: number[] = [];
  for (const r of gtRows) if (!isIgnored(r)) gts.push(r);
  const counted = gts.length;
  for (const r of gtRows) if (isIgnored(r)) gts.push(r);
  const G = gts.length;
  const D = dtRows.length;
  const crowd = Uint8Array.from(gts, (r) => gt.iscrowd[r]!);
  const ious = new Float64Array(D * G);
  for (let d = 0; d < D; d++)
    for (let s = 0; s < G; s++) ious[d * G + s] = iouOf(dtRows[d]!, gts[s]!, crowd[s] === 1);
  return { dts: dtRows, gts, counted, crowd, ious };
}

/**
 * Greedy matching at one IoU threshold, exactly as COCOeval's `evaluateImg` loop: each
 * detection in score order takes the not-yet-matched object (crowd regions may be taken again)
 * of highest IoU ≥ min(t, 1 − 1e−10); a later object of equal IoU replaces an earlier one; once
 * matched to a counted object it does not look at ignored ones. Writes into `out[d]` the
 * position in `p.gts` of detection d's match, or −1.
 */
export function greedyMatch(p: MatchProblem, threshold: number, out: Int32Array): void {
  const G = p.gts.length;
  const D = p.dts.length;
  const taken = new Uint8Array(G);
  const start = Math.min(threshold, 1 - 1e-10);
  for (let d = 0; d < D; d++) {
    let best = start;
    let m = -1;
    for (let s = 0; s < G; s++) {
      if (taken[s] && !p.crowd[s]) continue;
      if (m > -1 && m < p.counted && s >= p.counted) break;
      const iou = p.ious[d * G + s]!;
      if (iou < best) continue;
      best = iou;
      m = s;
    }
    out[d] = m;
    if (m > -1) taken[m] = 1;
  }
}

/** Rows of each class in image i, in input order (reuses `lists`, one per class). */
export function rowsByClass(
  classes: Int32Array,
  from: number,
  to: number,
  lists: number[][],
  what: string,
  image: number,
): void {
  for (const l of lists) l.length = 0;
  const K = lists.length;
  for (let r = from; r < to; r++) {
    const k = classes[r]!;
    if (!(Number.isInteger(k) && k >= 0 && k < K))
      throw new RangeError(`${what} of image ${image} has class index ${k}, not in [0, ${K})`);
    lists[k]!.push(r);
  }
}
