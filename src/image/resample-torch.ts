import type { RgbImage } from '../types.js';

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
 * The exact order of float32 operations inside PyTorch's vectorised loops is not reproduced, so a
 * value that lands within a rounding error of .5 can round the other way: the goldens allow
 * 1 level and report how many values differ (about 1 in 2,500 for bilinear without antialias).
 */
export type TorchInterpolation = 'nearest' | 'bilinear' | 'bicubic';

const f32 = Math.fround;

/** torch.round: half to even. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

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

/**
 * A tap after the first added to the sum: `acc + v · w` as one fused multiply-add (the float32 product is exact in double, so one rounding to float32 is
 * what an FMA instruction gives). PyTorch's AVX2 / AVX-512 builds of these kernels, the ones
 * x86-64 machines run, fuse them: with separate roundings 41 values of the goldens differ,
 * with fused ones 15.
 */
function fma(v: number, w: number, acc: number): number {
  return f32(v * w + acc);
}

/** One separable pass along x (float32 in and out, 3 channels interleaved). */
function passX(src: Float32Array, w: number, h: number, t: Taps): Float32Array {
  const ow = t.count.length;
  const out = new Float32Array(ow * h * 3);
  const { count, index, weights, ksize } = t;
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let i = 0; i < ow; i++) {
      const b = i * ksize;
      const n = count[i]!;
      let p = row + index[b]! * 3;
      let wt = weights[b]!;
      let a0 = f32(src[p]! * wt);
      let a1 = f32(src[p + 1]! * wt);
      let a2 = f32(src[p + 2]! * wt);
      for (let j = 1; j < n; j++) {
        p = row + index[b + j]! * 3;
        wt = weights[b + j]!;
        a0 = fma(src[p]!, wt, a0);
        a1 = fma(src[p + 1]!, wt, a1);
        a2 = fma(src[p + 2]!, wt, a2);
      }
      const o = (y * ow + i) * 3;
      out[o] = a0;
      out[o + 1] = a1;
      out[o + 2] = a2;
    }
  }
  return out;
}

/** One separable pass along y. */
function passY(src: Float32Array, w: number, t: Taps): Float32Array {
  const oh = t.count.length;
  const stride = w * 3;
  const out = new Float32Array(stride * oh);
  const { count, index, weights, ksize } = t;
  for (let i = 0; i < oh; i++) {
    const b = i * ksize;
    const n = count[i]!;
    const o = i * stride;
    const r0 = index[b]! * stride;
    const w0 = weights[b]!;
    for (let x = 0; x < stride; x++) out[o + x] = f32(src[r0 + x]! * w0);
    for (let j = 1; j < n; j++) {
      const r = index[b + j]! * stride;
      const wt = weights[b + j]!;
      for (let x = 0; x < stride; x++) out[o + x] = fma(src[r + x]!, wt, out[o + x]!);
    }
  }
  return out;
}

function nearestIndex(inSize: number, outSize: number): Int32Array {
  const scale = f32(inSize / outSize);
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(f32(scale * i)), inSize - 1);
  return idx;
}

/** `torchvision.transforms.functional.resize` of a uint8 CHW tensor to (oh, ow). */
export function resizeTorch(
  img: RgbImage,
  ow: number,
  oh: number,
  interpolation: TorchInterpolation,
  antialias: boolean,
): RgbImage {
  const { width: iw, height: ih, data } = img;
  if (interpolation === 'nearest') {
    const xs = nearestIndex(iw, ow);
    const ys = nearestIndex(ih, oh);
    const out = new Uint8Array(ow * oh * 3);
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let c = 0; c < 3; c++)
          out[(y * ow + x) * 3 + c] = data[(ys[y]! * iw + xs[x]!) * 3 + c]!;
    return { width: ow, height: oh, data: out };
  }
  const cubic = interpolation === 'bicubic';
  const tx = antialias ? aaTaps(iw, ow, cubic ? 4 : 2) : plainTaps(iw, ow, cubic);
  const ty = antialias ? aaTaps(ih, oh, cubic ? 4 : 2) : plainTaps(ih, oh, cubic);
  // Both orders give the same float32 operations per output: the 2-D kernels without
  // antialias interpolate rows of column-interpolated values, the antialiased one runs the
  // width pass and then the height pass.
  const result = passY(passX(Float32Array.from(data), iw, ih, tx), ow, ty);
  const out = new Uint8Array(result.length);
  for (let i = 0; i < result.length; i++)
    out[i] = Math.max(0, Math.min(255, roundEven(result[i]!)));
  return { width: ow, height: oh, data: out };
}
