import type { RgbImage } from '../types.js';

/** The numeric part of a model input contract, after defaults are applied. */
export interface TensorSpec {
  layout: 'NCHW' | 'NHWC';
  channels: 'rgb' | 'bgr' | 'gray';
  dtype: 'float32' | 'uint8';
  /** Per output channel (1 or 3 values), applied as ((x · scale) − mean) / std for float32. */
  scale: number;
  mean: number[];
  std: number[];
}

/** ITU-R BT.601 luma, as PIL's `convert('L')` uses. Sums to 1, so grey RGB stays exact. */
const LUMA = [0.299, 0.587, 0.114] as const;

/** Number of tensor channels for a channel mode. */
export function channelCount(channels: TensorSpec['channels']): 1 | 3 {
  return channels === 'gray' ? 1 : 3;
}

/**
 * Write a batch of equally sized images into one tensor buffer of shape
 * [N, C, H, W] or [N, H, W, C]. Pure: the golden-tensor tests pin every step.
 */
export function imagesToTensor(
  images: readonly RgbImage[],
  spec: TensorSpec,
): Float32Array | Uint8Array {
  const first = images[0];
  if (!first) return spec.dtype === 'uint8' ? new Uint8Array(0) : new Float32Array(0);
  const { width: w, height: h } = first;
  const c = channelCount(spec.channels);
  const plane = w * h;
  const perImage = plane * c;
  const out =
    spec.dtype === 'uint8'
      ? new Uint8Array(perImage * images.length)
      : new Float32Array(perImage * images.length);
  // Gray first collapses RGB to one 0-255 value; the per-channel affine then maps it.
  const gray = c === 1 ? new Float64Array(plane) : undefined;
  // One 256-entry lookup table per output channel: value = ((x · scale) − mean) / std.
  const luts: Float32Array[] = [];
  for (let k = 0; k < c; k++) {
    const mean = spec.mean.length === 1 ? spec.mean[0]! : spec.mean[k]!;
    const std = spec.std.length === 1 ? spec.std[0]! : spec.std[k]!;
    const lut = new Float32Array(256);
    for (let x = 0; x < 256; x++) lut[x] = (x * spec.scale - mean) / std;
    luts.push(lut);
  }
  const order = spec.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const nchw = spec.layout === 'NCHW';
  images.forEach((img, n) => {
    if (img.width !== w || img.height !== h) {
      throw new Error('imagesToTensor: images in a batch must share a size');
    }
    const src = img.data;
    const base = n * perImage;
    if (gray) {
      for (let p = 0, s = 0; p < plane; p++, s += 3) {
        gray[p] = LUMA[0] * src[s]! + LUMA[1] * src[s + 1]! + LUMA[2] * src[s + 2]!;
      }
      if (out instanceof Uint8Array) {
        for (let p = 0; p < plane; p++) out[base + p] = Math.round(gray[p]!);
      } else {
        const mean = spec.mean[0]!;
        const std = spec.std[0]!;
        for (let p = 0; p < plane; p++) out[base + p] = (gray[p]! * spec.scale - mean) / std;
      }
      return;
    }
    for (let k = 0; k < 3; k++) {
      const from = order[k]!;
      const lut = luts[k]!;
      if (nchw) {
        const dst = base + k * plane;
        if (out instanceof Uint8Array)
          for (let p = 0; p < plane; p++) out[dst + p] = src[p * 3 + from]!;
        else for (let p = 0; p < plane; p++) out[dst + p] = lut[src[p * 3 + from]!]!;
      } else {
        const dst = base + k;
        if (out instanceof Uint8Array)
          for (let p = 0; p < plane; p++) out[dst + p * 3] = src[p * 3 + from]!;
        else for (let p = 0; p < plane; p++) out[dst + p * 3] = lut[src[p * 3 + from]!]!;
      }
    }
  });
  return out;
}
