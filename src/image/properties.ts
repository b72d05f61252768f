import type { RgbImage } from '../types.js';
import { LUMA_B, LUMA_G, LUMA_R } from './luma.js';

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

/** {@link ImageProperties} of an 8-bit RGB image, from its BT.601 luma (image/luma.ts). */
export function imageProperties(img: RgbImage): ImageProperties {
  const { width: w, height: h, data } = img;
  const n = w * h;
  if (scratch.length < n) scratch = new Float64Array(n);
  const luma = scratch;
  // Imported bindings copied to locals: the loop runs per pixel of every image of the pass.
  const [wr, wg, wb] = [LUMA_R, LUMA_G, LUMA_B];
  let sum = 0;
  for (let p = 0, s = 0; p < n; p++, s += 3) {
    const y = wr * data[s]! + wg * data[s + 1]! + wb * data[s + 2]!;
    luma[p] = y;
    sum += y;
  }
  return lumaProperties(luma, w, h, sum);
}

/**
 * {@link ImageProperties} of a luma plane (0-255 scale, row-major `width` × `height`), the one
 * implementation the evaluation pass and the data suite share. Two passes: the sum (for the
 * mean; give it as `sum` when it was made with the plane), then the squared deviations and the
 * Laplacian together. Every accumulator adds the same float64 terms in the same order as three
 * separate passes would, so the values are identical to the bit; fusing the last two halves the
 * cost per image. The Laplacian uses interior pixels only (the border has no full neighbourhood).
 */
export function lumaProperties(
  luma: Float64Array,
  width: number,
  height: number,
  sum?: number,
): ImageProperties {
  const w = width;
  const h = height;
  const n = w * h;
  if (sum === undefined) {
    sum = 0;
    for (let p = 0; p < n; p++) sum += luma[p]!;
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
    // A variance: float cancellation must not make it negative.
    sharpness: count > 0 ? Math.max(0, lapSq / count - lapMean * lapMean) : 0,
  };
}
