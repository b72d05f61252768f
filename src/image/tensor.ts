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
  // Precompute per-channel affine: value = x * a + b.
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < c; k++) {
    const mean = spec.mean.length === 1 ? spec.mean[0]! : spec.mean[k]!;
    const std = spec.std.length === 1 ? spec.std[0]! : spec.std[k]!;
    a.push(spec.scale / std);
    b.push(-mean / std);
  }
  const order = spec.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  images.forEach((img, n) => {
    if (img.width !== w || img.height !== h)
      throw new Error('imagesToTensor: images in a batch must share a size');
    const src = img.data;
    const base = n * perImage;
    for (let p = 0; p < plane; p++) {
      const s = p * 3;
      for (let k = 0; k < c; k++) {
        const x =
          c === 1
            ? LUMA[0] * src[s]! + LUMA[1] * src[s + 1]! + LUMA[2] * src[s + 2]!
            : src[s + order[k]!]!;
        const idx = spec.layout === 'NCHW' ? base + k * plane + p : base + p * c + k;
        out[idx] = spec.dtype === 'uint8' ? Math.round(x) : x * a[k]! + b[k]!;
      }
    }
  });
  return out;
}
