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

/** Compute {@link ImageProperties} in one pass over the luma plane. */
export function imageProperties(img: RgbImage): ImageProperties {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const luma = new Float64Array(n);
  let sum = 0;
  for (let p = 0, s = 0; p < n; p++, s += 3) {
    const y = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
    luma[p] = y;
    sum += y;
  }
  const mean = sum / n;
  let sq = 0;
  for (let p = 0; p < n; p++) sq += (luma[p]! - mean) ** 2;
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      const v = luma[p - w]! + luma[p + w]! + luma[p - 1]! + luma[p + 1]! - 4 * luma[p]!;
      lapSum += v;
      lapSq += v * v;
      count++;
    }
  }
  const lapMean = count > 0 ? lapSum / count : 0;
  return {
    brightness: mean / 255,
    contrast: Math.sqrt(sq / n) / 255,
    sharpness: count > 0 ? lapSq / count - lapMean * lapMean : 0,
  };
}
