/**
 * What a candidate detector newly gets wrong compared with a baseline on the same images, at
 * the working point (./threshold.ts): the detection analogue of classification's "newly wrong
 * example".
 *
 * - A newly missed object: a counted ground-truth object the baseline found (a baseline
 *   detection of its class with score ≥ the threshold matched it at IoU ≥ 0.5, in the
 *   class-aware one-to-one matching) and the candidate did not.
 * - A new false positive: a candidate detection above the threshold that is a false positive
 *   (matched to no object of its class, nor to an ignored one) and does not repeat a baseline
 *   false positive: no baseline false positive of the same class has IoU ≥ 0.5 with it.
 */
import type { DetectionColumns, GroundTruthColumns } from '../../tables/detections.js';
import { boxIou } from './matching.js';
import {
  matchAtWorkingPoint,
  type WorkingPointMatch,
  type WorkingPointOptions,
} from './threshold.js';

/** The changes of one image (row indices into the ground truth and candidate detections). */
export interface ImageChanges {
  image: number;
  /** Ground-truth rows the baseline found and the candidate misses. */
  newlyMissed: number[];
  /** Ground-truth rows the candidate finds and the baseline missed (the other direction). */
  newlyFound: number[];
  /** Candidate detection rows that are new false positives. */
  newFalsePositives: number[];
}

/**
 * Newly missed objects and new false positives per image, for the images where anything
 * changed (in image order). `baseline` and `candidate` hold the same images as `gt`.
 */
export function detectionChanges(
  gt: GroundTruthColumns,
  baseline: DetectionColumns,
  candidate: DetectionColumns,
  numClasses: number,
  options: WorkingPointOptions,
): ImageChanges[] {
  const iou = options.iouThreshold ?? 0.5;
  const b = matchAtWorkingPoint(gt, baseline, numClasses, options);
  const c = matchAtWorkingPoint(gt, candidate, numClasses, options);
  return changesOfMatches(gt, baseline, candidate, b, c, iou);
}

/** {@link detectionChanges} from matchings already made. */
export function changesOfMatches(
  gt: GroundTruthColumns,
  baseline: DetectionColumns,
  candidate: DetectionColumns,
  b: WorkingPointMatch,
  c: WorkingPointMatch,
  iou = 0.5,
): ImageChanges[] {
  const N = gt.offsets.length - 1;
  const out: ImageChanges[] = [];
  for (let i = 0; i < N; i++) {
    const newlyMissed: number[] = [];
    const newlyFound: number[] = [];
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]!; r++) {
      if (b.objects[r] === 1 && c.objects[r] === 0) newlyMissed.push(r);
      if (b.objects[r] === 0 && c.objects[r] === 1) newlyFound.push(r);
    }
    const newFalsePositives: number[] = [];
    for (let d = candidate.offsets[i]!; d < candidate.offsets[i + 1]!; d++) {
      if (c.detections[d] !== 0) continue;
      let repeated = false;
      for (let e = baseline.offsets[i]!; e < baseline.offsets[i + 1]! && !repeated; e++) {
        repeated =
          b.detections[e] === 0 &&
          baseline.classes[e] === candidate.classes[d] &&
          boxIou(candidate.boxes, d, baseline.boxes, e, false) >= iou;
      }
      if (!repeated) newFalsePositives.push(d);
    }
    if (newlyMissed.length + newlyFound.length + newFalsePositives.length > 0)
      out.push({ image: i, newlyMissed, newlyFound, newFalsePositives });
  }
  return out;
}
