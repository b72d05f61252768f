/** Working-point metrics, the confusion matrix and newly missed objects on hand-worked images. */
import { describe, expect, it } from 'vitest';
import { detectionChanges } from '../../src/metrics/detection/changes.js';
import {
  imageErrors,
  matchAtWorkingPoint,
  workingPointMetrics,
} from '../../src/metrics/detection/threshold.js';
import {
  DetectionColumnsBuilder,
  GroundTruthColumnsBuilder,
  type Detection,
  type GroundTruthObject,
} from '../../src/tables/detections.js';

const CAT = 0;
const DOG = 1;
type Box = [number, number, number, number];
const obj = (box: Box, classIndex: number, iscrowd = false): GroundTruthObject => ({
  box,
  classIndex,
  iscrowd,
});
const det = (box: Box, classIndex: number, score: number): Detection => ({
  box,
  classIndex,
  score,
});

function gtOf(images: GroundTruthObject[][]) {
  const b = new GroundTruthColumnsBuilder();
  images.forEach((im) => b.push(im));
  return b.finish();
}
function dtOf(images: Detection[][]) {
  const b = new DetectionColumnsBuilder();
  images.forEach((im) => b.push(im));
  return b.finish();
}

const gt = gtOf([
  [obj([0, 0, 10, 10], CAT), obj([20, 20, 30, 30], DOG), obj([50, 50, 60, 60], CAT, true)],
  [obj([0, 0, 10, 10], CAT)],
]);
// Worked by hand (threshold 0.5, IoU 0.5):
// image 0: d0 cat = g0 exactly -> TP; d1 cat IoU 90/110 with g0, already taken -> FP;
//          d2 dog on g0 -> FP (no dog there); d3 cat inside the crowd region -> left out;
//          d4 dog on g1 but score 0.3 -> below the threshold, so g1 is a false negative.
// image 1: d5 dog on the cat, IoU 0.6 -> dog FP and cat FN (a cat-as-dog confusion).
const baseline = dtOf([
  [
    det([0, 0, 10, 10], CAT, 0.9),
    det([1, 0, 11, 10], CAT, 0.8),
    det([0, 0, 10, 10], DOG, 0.7),
    det([52, 52, 58, 58], CAT, 0.6),
    det([20, 20, 30, 30], DOG, 0.3),
  ],
  [det([0, 0, 10, 6], DOG, 0.9)],
]);

describe('working-point metrics', () => {
  it('counts TP / FP / FN per class as worked by hand', () => {
    const m = workingPointMetrics(gt, baseline, 2, { scoreThreshold: 0.5 });
    expect(m.perClass[CAT]).toEqual({
      tp: 1,
      fp: 1,
      fn: 1,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    expect(m.perClass[DOG]).toEqual({ tp: 0, fp: 2, fn: 1, precision: 0, recall: 0, f1: 0 });
    expect(m.overall).toMatchObject({ tp: 1, fp: 3, fn: 2, precision: 0.25, recall: 1 / 3 });
  });

  it('builds the confusion matrix with a background row and column', () => {
    const m = workingPointMetrics(gt, baseline, 2, { scoreThreshold: 0.5 });
    // rows: true cat, dog, background; columns: predicted cat, dog, background.
    // (d0, g0) and (d2, g0) both have IoU 1: the higher score, d0, takes g0.
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 0, 1],
      [1, 1, 0],
    ]);
  });

  it('lowering the threshold lets the 0.3 dog detection find the dog', () => {
    const m = workingPointMetrics(gt, baseline, 2, { scoreThreshold: 0.25 });
    expect(m.perClass[DOG]).toMatchObject({ tp: 1, fp: 2, fn: 0 });
    expect(m.confusion[DOG]).toEqual([0, 1, 0]);
  });

  it('marks an image wrong when it has a miss or a false positive', () => {
    const m = matchAtWorkingPoint(gt, baseline, 2, { scoreThreshold: 0.5 });
    expect(Array.from(imageErrors(gt, baseline, m))).toEqual([1, 1]);
    const perfect = dtOf([
      [det([0, 0, 10, 10], CAT, 0.9), det([20, 20, 30, 30], DOG, 0.9)],
      [det([0, 0, 10, 10], CAT, 0.9)],
    ]);
    const p = matchAtWorkingPoint(gt, perfect, 2, { scoreThreshold: 0.5 });
    expect(Array.from(imageErrors(gt, perfect, p))).toEqual([0, 0]);
  });

  it('weights count images several times or not at all', () => {
    const m = workingPointMetrics(gt, baseline, 2, { scoreThreshold: 0.5, weights: [2, 0] });
    expect(m.perClass[CAT]).toMatchObject({ tp: 2, fp: 2, fn: 0 });
    expect(m.confusion[2]).toEqual([2, 2, 0]);
  });
});

describe('newly missed objects and new false positives', () => {
  it('finds what the candidate newly gets wrong, image by image', () => {
    const candidate = dtOf([
      [
        det([0, 0, 10, 10], DOG, 0.7), // the same false positive as the baseline: not new
        det([70, 70, 80, 80], CAT, 0.9), // a new false positive
        det([20, 20, 30, 30], DOG, 0.95), // finds the dog the baseline missed
      ],
      [det([0, 0, 10, 6], DOG, 0.9)],
    ]);
    const changes = detectionChanges(gt, baseline, candidate, 2, { scoreThreshold: 0.5 });
    expect(changes).toEqual([
      { image: 0, newlyMissed: [0], newlyFound: [1], newFalsePositives: [1] },
    ]);
  });

  it('is empty when the candidate equals the baseline', () => {
    expect(detectionChanges(gt, baseline, baseline, 2, { scoreThreshold: 0.5 })).toEqual([]);
  });
});
