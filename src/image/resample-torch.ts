import type { RgbImage } from '../types.js';
import { place, resampleKernels, sourceRows, takeImage } from './resample-kernels.js';
import { wholeImage, type PixelWindow } from './window.js';

/**
 * torchvision's tensor resize, `F.resize(uint8 tensor, size, interpolation, antialias)`: the image
 * is cast to float32, resized by `torch.nn.functional.interpolate` (align_corners=False), clamped
 * to 0-255 for bicubic, rounded half to even and cast back to uint8. Facts from torchvision
 * `transforms/functional_tensor.py` and PyTorch's CPU kernels (`aten/src/ATen/native/UpSample.h`,
 * `cpu/UpSampleKernel.cpp`), emulated in float32 step by step:
 *
 * - nearest: source `min(floor(i · in/out), in − 1)` (PyTorch's legacy "nearest").
 * - bilinear / bicubic without antialias: source coordinate `(i + 0.5) · in/out − 0.5`; linear
 *   clamps it at 0 and takes the neighbour `min(i₀ + 1, in − 1)`; cubic uses Keys' kernel with
 *   a = −0.75 over 4 taps, clamped to the border. Rows are interpolated from column-interpolated
 *   values, all in float32 (no rounding in between).
 * - antialias: Pillow's separable scheme (support scaled by the shrink factor; bicubic with
 *   a = −0.5) with float32 weights, the width pass first, then the height pass, float32 in between.
 *
 * - Each pass starts from the first tap's float32 product, then adds every further tap as
 *   `float32(v·w + acc)` computed in double: one fused multiply-add (the float32 product is exact
 *   in double, so the sum is rounded once to double, then to float32, as an FMA instruction
 *   does but for double rounding's rare ties). PyTorch's AVX2 / AVX-512 builds of these
 *   kernels, the ones x86-64 machines run, fuse them: with separate roundings 41 values of the
 *   goldens differ, with fused ones 15. The passes run in WebAssembly (wasm/resample.c torch_h,
 *   torch_v) with exactly these operations, rounded half to even to bytes at the end.
 *
 * The exact order of float32 operations inside PyTorch's vectorised loops is not reproduced, so a
 * value that lands within a rounding error of .5 can round the other way: the goldens allow
 * 1 level and report how many values differ (about 1 in 2,500 for bilinear without antialias).
 */
export type TorchInterpolation = 'nearest' | 'bilinear' | 'bicubic';

const f32 = Math.fround;

interface Taps {
  /** Taps per output. */
  count: Int32Array;
  /** `ksize` source indices per output (clamped to the image). */
  index: Int32Array;
  /** `ksize` float32 weights per output. */
  weights: Float32Array;
  ksize: number;
}

/** Non-antialiased linear (2 taps) or cubic (4 taps) weights. */
function plainTaps(inSize: number, outSize: number, cubic: boolean): Taps {
  const ksize = cubic ? 4 : 2;
  const index = new Int32Array(outSize * ksize);
  const weights = new Float32Array(outSize * ksize);
  const scale = f32(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    const b = i * ksize;
    if (!cubic) {
      if (outSize === inSize) {
        index[b] = index[b + 1] = i;
        weights[b] = 1;
        weights[b + 1] = 0;
        continue;
      }
      // PyTorch computes the source coordinate in double here (its CPU accumulate type).
      const real = Math.max(scale * (i + 0.5) - 0.5, 0);
      const i0 = Math.trunc(real);
      index[b] = i0;
      index[b + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
      const l1 = f32(real - i0);
      weights[b + 1] = l1;
      weights[b] = f32(1 - l1);
    } else {
      const real = scale * (i + 0.5) - 0.5;
      const i0 = Math.floor(f32(real));
      const t = f32(real - i0);
      const c = cubicCoefficients(t);
      for (let j = 0; j < 4; j++) {
        index[b + j] = Math.max(Math.min(i0 + j - 1, inSize - 1), 0);
        weights[b + j] = c[j]!;
      }
    }
  }
  return { count: new Int32Array(outSize).fill(ksize), index, weights, ksize };
}

/** PyTorch's get_cubic_upsample_coefficients in float32, A = −0.75. */
function cubicCoefficients(t: number): number[] {
  const A = -0.75;
  const cc1 = (x: number) => f32(f32(f32(f32(f32((A + 2) * x) - (A + 3)) * x) * x) + 1);
  const cc2 = (x: number) =>
    f32(f32(f32(f32(f32(f32(A * x) - f32(5 * A)) * x) + f32(8 * A)) * x) - f32(4 * A));
  const x2 = f32(1 - t);
  return [cc2(f32(t + 1)), cc1(t), cc1(x2), cc2(f32(x2 + 1))];
}

/** Antialiased weights (`_compute_weights_aa`): interpSize 2 (bilinear) or 4 (bicubic). */
function aaTaps(inSize: number, outSize: number, interpSize: 2 | 4): Taps {
  const scale = f32(inSize / outSize);
  const support = f32(scale >= 1 ? interpSize * 0.5 * scale : interpSize * 0.5);
  const ksize = Math.ceil(support) * 2 + 1;
  const invscale = scale >= 1 ? f32(1 / scale) : 1;
  const filter =
    interpSize === 2
      ? (x: number) => {
          const a = Math.abs(x);
          return a < 1 ? f32(1 - a) : 0;
        }
      : (x: number) => {
          // Pillow's bicubic (a = −0.5); the second branch runs in float32 until the last step.
          const a = Math.abs(x);
          if (a < 1) return f32((1.5 * a - 2.5) * a * a + 1);
          if (a < 2) return f32(f32(f32(f32(f32(f32(a - 5) * a) + 8) * a) - 4) * -0.5);
          return 0;
        };
  const count = new Int32Array(outSize);
  const index = new Int32Array(outSize * ksize);
  const weights = new Float32Array(outSize * ksize);
  for (let i = 0; i < outSize; i++) {
    const center = f32(scale * (i + 0.5));
    const xmin = Math.max(Math.trunc(f32(center - support) + 0.5), 0);
    const n = Math.min(Math.trunc(f32(center + support) + 0.5), inSize) - xmin;
    let total = 0;
    const b = i * ksize;
    for (let j = 0; j < n; j++) {
      const w = filter(f32((f32(j + xmin - center) + 0.5) * invscale));
      weights[b + j] = w;
      index[b + j] = xmin + j;
      total = f32(total + w);
    }
    if (total !== 0) for (let j = 0; j < n; j++) weights[b + j] = f32(weights[b + j]! / total);
    count[i] = n;
  }
  return { count, index, weights, ksize };
}

function nearestIndex(inSize: number, outSize: number): Int32Array {
  const scale = f32(inSize / outSize);
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(f32(scale * i)), inSize - 1);
  return idx;
}

const tapCache = new Map<string, Taps>();

/** The taps of one axis, cached: a dataset's images mostly share a few sizes. */
function cachedTaps(inSize: number, outSize: number, cubic: boolean, antialias: boolean): Taps {
  const key = `${inSize}|${outSize}|${cubic}|${antialias}`;
  let taps = tapCache.get(key);
  if (!taps) {
    if (tapCache.size >= 64) tapCache.clear();
    taps = antialias ? aaTaps(inSize, outSize, cubic ? 4 : 2) : plainTaps(inSize, outSize, cubic);
    tapCache.set(key, taps);
  }
  return taps;
}

/**
 * `torchvision.transforms.functional.resize` of a uint8 CHW tensor to (oh, ow); only the pixels
 * of `window` (default: all) are computed and returned.
 */
export function resizeTorch(
  img: RgbImage,
  ow: number,
  oh: number,
  interpolation: TorchInterpolation,
  antialias: boolean,
  window: PixelWindow = wholeImage(ow, oh),
): RgbImage {
  const { width: iw, height: ih, data } = img;
  const { left, top, width: ww, height: wh } = window;
  if (interpolation === 'nearest') {
    const xs = nearestIndex(iw, ow);
    const ys = nearestIndex(ih, oh);
    const out = new Uint8Array(ww * wh * 3);
    for (let y = 0; y < wh; y++)
      for (let x = 0; x < ww; x++)
        for (let c = 0; c < 3; c++)
          out[(y * ww + x) * 3 + c] = data[(ys[top + y]! * iw + xs[left + x]!) * 3 + c]!;
    return { width: ww, height: wh, data: out };
  }
  const cubic = interpolation === 'bicubic';
  const tx = cachedTaps(iw, ow, cubic, antialias);
  const ty = cachedTaps(ih, oh, cubic, antialias);
  // Both orders give the same float32 operations per output: the 2-D kernels without
  // antialias interpolate rows of column-interpolated values, the antialiased one runs the
  // width pass and then the height pass. Only the source rows the kept rows read are passed.
  let r0 = ih;
  let r1 = 0;
  for (let y = top; y < top + wh; y++)
    for (let j = 0; j < ty.count[y]!; j++) {
      const r = ty.index[y * ty.ksize + j]!;
      if (r < r0) r0 = r;
      if (r + 1 > r1) r1 = r + 1;
    }
  const rowIndex = ty.index.slice(top * ty.ksize, (top + wh) * ty.ksize);
  for (let i = 0; i < rowIndex.length; i++) rowIndex[i]! -= r0;
  const width = ww * 3;
  const k = resampleKernels();
  const [pSrc, pH, pOut, xCount, xIndex, xWeights, yCount, yIndex, yWeights] = place(k, [
    sourceRows(img, r0, r1),
    4 * (r1 - r0) * width,
    width * wh,
    tx.count.subarray(left, left + ww),
    tx.index.subarray(left * tx.ksize, (left + ww) * tx.ksize),
    tx.weights.subarray(left * tx.ksize, (left + ww) * tx.ksize),
    ty.count.subarray(top, top + wh),
    rowIndex,
    ty.weights.subarray(top * ty.ksize, (top + wh) * ty.ksize),
  ]) as [number, number, number, number, number, number, number, number, number];
  k.torch_h(pSrc, iw * 3, pH, r1 - r0, ww, xCount, xIndex, xWeights, tx.ksize);
  k.torch_v(pH, width, pOut, wh, yCount, yIndex, yWeights, ty.ksize);
  return takeImage(k, pOut, ww, wh);
}
