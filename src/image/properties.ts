import type { RgbImage } from '../types.js';

/** Cheap per-image properties used to slice by image condition (dim, flat, blurry). */
export interface ImageProperties {
  /** Mean BT.601 luma, 0-1. */
  brightness: number;
  /** RMS contrast: standard deviation of luma, 0-1. */
  contrast: number;
  /** Variance of the 4-neighbour Laplacian of luma (0-255 scale): low means blurry (Pech-Pacheco et al. 2000). */
  sharpness: number;
}

export const PROPERTY_NAMES = ['brightness', 'contrast', 'sharpness'] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** Luma plane scratch, reused across calls (the pass computes properties one image at a time). */
let scratch = new Float64Array(0);

/**
 * Compute {@link ImageProperties} in two passes over the luma plane: the sum (for the mean),
 * then the squared deviations and the Laplacian together. Every accumulator adds the same
 * float64 terms in the same order as three separate passes would, so the values are identical
 * to the bit; fusing the last two and reusing the luma buffer halves the cost per image.
 */
export function imageProperties(img: RgbImage): ImageProperties {
  const { width: w, height: h, data } = img;
  const n = w * h;
  if (scratch.length < n) scratch = new Float64Array(n);
  const luma = scratch;
  let sum = 0;
  for (let p = 0, s = 0; p < n; p++, s += 3) {
    const y = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
    luma[p] = y;
    sum += y;
  }
  const mean = sum / n;
  let sq = 0;
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (y === 0 || y === h - 1 || w < 3) {
      for (let p = row; p < row + w; p++) sq += (luma[p]! - mean) ** 2;
      continue;
    }
    sq += (luma[row]! - mean) ** 2;
    for (let p = row + 1; p < row + w - 1; p++) {
      const l = luma[p]!;
      sq += (l - mean) ** 2;
      const v = luma[p - w]! + luma[p + w]! + luma[p - 1]! + luma[p + 1]! - 4 * l;
      lapSum += v;
      lapSq += v * v;
    }
    count += w - 2;
    sq += (luma[row + w - 1]! - mean) ** 2;
  }
  const lapMean = count > 0 ? lapSum / count : 0;
  return {
    brightness: mean / 255,
    contrast: Math.sqrt(sq / n) / 255,
    sharpness: count > 0 ? lapSq / count - lapMean * lapMean : 0,
  };
}
