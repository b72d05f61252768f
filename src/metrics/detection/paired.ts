/**
 * Paired statistics of two detectors on the same images. Paired statistics resample images,
 * not objects (objects of one image are not independent): a resample is a vector of image
 * multiplicities, and each model's mAP on it is one {@link mapOfImages} call on its cached
 * per-image evaluation, so no matching is redone per resample. The permutation tests of mAP
 * (a swap of the models per image; a slice against the rest) work the same way.
 */
import {
  membershipPValue,
  pairedSwapPValue,
  type PermutationOptions,
  type PermutationResult,
} from '../permutation.js';
import { pairedBootstrap, type BootstrapInterval, type BootstrapOptions } from '../stats.js';
import type { ImageEvaluation } from './coco-eval.js';
import { mapOfImages } from './weighted-map.js';

/** The two summary numbers a detection comparison gates on. */
export type DetectionMetricName = 'map' | 'ap50';

/**
 * Paired percentile bootstrap of metric(candidate) − metric(baseline) over the images `rows`
 * (default all): each resample draws |rows| images with replacement, the same draws for both
 * models. Uses the bootstrap of ../stats.ts, so seeds and intervals behave as classification's.
 */
export function pairedDetectionBootstrap(
  candidate: ImageEvaluation,
  baseline: ImageEvaluation,
  metric: DetectionMetricName,
  options: BootstrapOptions & { rows?: ArrayLike<number> } = {},
): BootstrapInterval {
  const N = candidate.numImages;
  if (baseline.numImages !== N)
    throw new RangeError(
      `paired bootstrap needs the same images, got ${N} candidate and ${baseline.numImages} baseline`,
    );
  const rows = options.rows ?? Uint32Array.from({ length: N }, (_, i) => i);
  const full = new Uint32Array(N);
  return pairedBootstrap(
    rows.length,
    (w) => {
      full.fill(0);
      for (let t = 0; t < rows.length; t++) full[rows[t]!]! += w[t]!;
      const c = mapOfImages(candidate, full, [metric])[metric];
      const b = mapOfImages(baseline, full, [metric])[metric];
      // −1 is COCOeval's "undefined" (no counted object drawn): leave the resample out.
      return c < 0 || b < 0 ? NaN : c - b;
    },
    options,
  );
}

/**
 * Two-sided paired permutation test of mAP(candidate) − mAP(baseline) on the paired records
 * `cRows[t]` / `bRows[t]`: each image's two sets of detections are swapped between the models
 * at random (the null: the models are exchangeable on every image). `sides.ev` evaluates both
 * models' images at once, `sides.candidate[i]` / `sides.baseline[j]` being where candidate row i
 * and baseline row j sit in it, so every rearrangement is a pair of weight vectors and no
 * matching is redone. With the images in a common order (interleaved by pair), each side's mAP
 * equals COCOeval's on a table holding that mix of detections, ties included.
 */
export function mapSwapTest(
  sides: { ev: ImageEvaluation; candidate: ArrayLike<number>; baseline: ArrayLike<number> },
  cRows: ArrayLike<number>,
  bRows: ArrayLike<number>,
  options: PermutationOptions,
): PermutationResult {
  const n = cRows.length;
  const wc = new Uint32Array(sides.ev.numImages);
  const wb = new Uint32Array(sides.ev.numImages);
  return pairedSwapPValue(
    n,
    (swap) => {
      wc.fill(0);
      wb.fill(0);
      for (let t = 0; t < n; t++) {
        const c = sides.candidate[cRows[t]!]!;
        const b = sides.baseline[bRows[t]!]!;
        if (swap[t]) {
          wc[b]!++;
          wb[c]!++;
        } else {
          wc[c]!++;
          wb[b]!++;
        }
      }
      const c = mapOfImages(sides.ev, wc, ['map']).map;
      const b = mapOfImages(sides.ev, wb, ['map']).map;
      return c < 0 || b < 0 ? NaN : c - b;
    },
    options,
  );
}

/**
 * Did a slice's mAP drop more than the rest's? Over the paired images `cRows[t]` / `bRows[t]`
 * (the slice S: `inSlice[t] = 1`, the rest R: the others), the statistic is the slice's
 * mAP_c(S) − mAP_b(S), tested one-sided by permutation of slice membership: under the null the
 * slice is a random set of images of its size, so its delta is compared with the deltas of
 * random sets of the same size (which is what "the rest of the data" offers), and the test
 * needs no model of how mAP varies on a subset. Returns the slice's and the rest's mAP deltas
 * with the p-value.
 */
export function mapExcessTest(
  candidate: ImageEvaluation,
  baseline: ImageEvaluation,
  cRows: ArrayLike<number>,
  bRows: ArrayLike<number>,
  inSlice: Uint8Array,
  options: PermutationOptions,
): PermutationResult & { change: number | null; restChange: number | null } {
  const n = cRows.length;
  const wc = new Uint32Array(candidate.numImages);
  const wb = new Uint32Array(baseline.numImages);
  /** The mAP delta on the images with mask[t] === side. */
  const delta = (mask: Uint8Array, side: number): number => {
    wc.fill(0);
    wb.fill(0);
    for (let t = 0; t < n; t++)
      if (mask[t] === side) {
        wc[cRows[t]!]!++;
        wb[bRows[t]!]!++;
      }
    const c = mapOfImages(candidate, wc, ['map']).map;
    const b = mapOfImages(baseline, wb, ['map']).map;
    return c < 0 || b < 0 ? NaN : c - b;
  };
  const change = delta(inSlice, 1);
  const restChange = delta(inSlice, 0);
  // With the sizes fixed, a random set's mAP delta is the reference a slice's is compared with;
  // the rest's delta need not be recomputed per draw (half the cost of the difference in
  // differences, which for a mean would rank the draws identically).
  const result = membershipPValue(inSlice, (mask) => delta(mask, 1), options);
  const orNull = (x: number) => (Number.isNaN(x) ? null : x);
  return { ...result, change: orNull(change), restChange: orNull(restChange) };
}
