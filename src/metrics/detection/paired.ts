/**
 * Paired statistics of two detectors on the same images. Paired statistics resample images,
 * not objects (objects of one image are not independent): a resample is a vector of image
 * multiplicities, and each model's mAP on it is one {@link mapOfImages} call on its cached
 * per-image evaluation, so no matching is redone per resample.
 */
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
