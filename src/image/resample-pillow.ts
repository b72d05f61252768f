import type { RgbImage } from '../types.js';
import { place, resampleKernels, sourceRows, takeImage } from './resample-kernels.js';
import { cropToWindow, wholeImage, type PixelWindow } from './window.js';

/**
 * Pillow's `Image.resize` on an 8-bit RGB image, bit for bit (checked against Pillow 9.4 by the
 * goldens in test/fixtures/resize/). Facts from Pillow's `src/libImaging/Resample.c` and
 * `Geometry.c`:
 *
 * - Every filter but NEAREST is a separable convolution whose support grows with the shrink
 *   factor (antialiased when shrinking). Output pixel `i` is centred on source coordinate
 *   `(i + 0.5) · in/out`; its taps run from `trunc(centre − support + 0.5)` to
 *   `trunc(centre + support + 0.5)`, clipped to the image.
 * - Weights are normalised in double precision, then rounded to 22-bit fixed point
 *   (`PRECISION_BITS = 32 − 8 − 2`), away from zero.
 * - Each pass adds a rounding half (`1 << 21`) to the integer sum, shifts right by 22 and clamps
 *   to 0-255: the horizontal pass runs first (on the source rows the vertical pass needs) and its
 *   output is stored as 8-bit before the vertical pass. A pass whose size does not change is
 *   skipped. The passes run in WebAssembly (wasm/resample.c pil_h, pil_v: the same 32-bit sums).
 * - NEAREST is an affine scale: source column `trunc(x₀ + k·(in/out))` with `x₀ = (in/out)/2`,
 *   accumulated by repeated addition in double precision, exactly as Pillow steps it.
 */
export type PillowFilter = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

interface Kernel {
  fn: (x: number) => number;
  support: number;
}

const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
// Pillow multiplies by the float constants 0.54f and 0.46f, promoted to double.
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const KERNELS: Record<Exclude<PillowFilter, 'nearest'>, Kernel> = {
  box: { fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0), support: 0.5 },
  bilinear: {
    fn: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
    support: 1,
  },
  hamming: {
    fn: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      return (Math.sin(px) / px) * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
    support: 1,
  },
  bicubic: {
    // Keys' cubic convolution with a = −0.5.
    fn: (x) => {
      const a = Math.abs(x);
      if (a < 1) return (1.5 * a - 2.5) * a * a + 1;
      if (a < 2) return (((a - 5) * a + 8) * a - 4) * -0.5;
      return 0;
    },
    support: 2,
  },
  lanczos: { fn: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0), support: 3 },
};

/** Fixed-point taps of one pass: for output i, `count[i]` weights from source index `first[i]`. */
interface PillowTaps {
  first: Int32Array;
  count: Int32Array;
  /** `ksize` weights per output, 22-bit fixed point. */
  weights: Int32Array;
  ksize: number;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for a resize of `inSize` to `outSize`. */
function pillowTaps(inSize: number, outSize: number, kernel: Kernel): PillowTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < n; x++) {
      const w = kernel.fn((x + xmin - center + 0.5) * invFilterScale);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < n; x++) {
      const w = ww === 0 ? k[x]! : k[x]! / ww;
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    first[xx] = xmin;
    count[xx] = n;
  }
  return { first, count, weights, ksize };
}

/** Pillow NEAREST: the affine scale of `ImagingScaleAffine` (columns outside the source stay 0). */
function nearest(img: RgbImage, ow: number, oh: number, win: PixelWindow): RgbImage {
  const out = new Uint8Array(win.width * win.height * 3);
  const columns = nearestSteps(img.width, ow);
  const rows = nearestSteps(img.height, oh);
  for (let y = 0; y < win.height; y++) {
    const sy = rows[win.top + y]!;
    if (sy < 0) continue;
    const rowIn = sy * img.width * 3;
    for (let x = 0; x < win.width; x++) {
      const sx = columns[win.left + x]!;
      if (sx < 0) continue;
      const i = rowIn + sx * 3;
      const o = (y * win.width + x) * 3;
      out[o] = img.data[i]!;
      out[o + 1] = img.data[i + 1]!;
      out[o + 2] = img.data[i + 2]!;
    }
  }
  return { width: win.width, height: win.height, data: out };
}

/** Source index per output index, −1 where Pillow's stepped coordinate leaves the image. */
function nearestSteps(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const idx = new Int32Array(outSize);
  let pos = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    const s = pos < 0 ? -1 : Math.trunc(pos);
    idx[i] = s >= 0 && s < inSize ? s : -1;
    pos += step;
  }
  return idx;
}

const tapCache = new Map<string, PillowTaps>();

/** {@link pillowTaps}, cached: a dataset's images mostly share a few sizes. */
function cachedTaps(inSize: number, outSize: number, filter: Exclude<PillowFilter, 'nearest'>) {
  const key = `${filter}|${inSize}|${outSize}`;
  let taps = tapCache.get(key);
  if (!taps) {
    if (tapCache.size >= 64) tapCache.clear();
    taps = pillowTaps(inSize, outSize, KERNELS[filter]);
    tapCache.set(key, taps);
  }
  return taps;
}

/** Taps of outputs [from, from + n), source indices shifted by −shift. */
function tapWindow(t: PillowTaps, from: number, n: number, shift: number) {
  const first = t.first.slice(from, from + n);
  if (shift !== 0) for (let i = 0; i < n; i++) first[i]! -= shift;
  return {
    first,
    count: t.count.subarray(from, from + n),
    weights: t.weights.subarray(from * t.ksize, (from + n) * t.ksize),
  };
}

/**
 * `Image.resize((ow, oh), filter)` of an RGB image (what torchvision's Resize does to PIL
 * images); only the pixels of `window` (default: all) are computed and returned.
 */
export function resizePillow(
  img: RgbImage,
  ow: number,
  oh: number,
  filter: PillowFilter,
  window: PixelWindow = wholeImage(ow, oh),
): RgbImage {
  if (ow === img.width && oh === img.height) return cropToWindow(img, window);
  if (filter === 'nearest') return nearest(img, ow, oh, window);
  const { left, top, width: ww, height: wh } = window;
  const needH = ow !== img.width;
  const needV = oh !== img.height;
  // The source rows the kept output rows read (Pillow runs the horizontal pass on just those).
  const vTaps = needV ? cachedTaps(img.height, oh, filter) : undefined;
  const r0 = vTaps ? vTaps.first[top]! : top;
  const r1 = vTaps ? vTaps.first[top + wh - 1]! + vTaps.count[top + wh - 1]! : top + wh;
  const rows = r1 - r0;
  const k = resampleKernels();
  const src = sourceRows(img, r0, r1);
  if (!needV) {
    // Width only: the horizontal pass straight into the output.
    const hTaps = cachedTaps(img.width, ow, filter);
    const h = tapWindow(hTaps, left, ww, 0);
    const [pSrc, pOut, pFirst, pCount, pWeights] = place(k, [
      src,
      ww * rows * 3,
      h.first,
      h.count,
      h.weights,
    ]) as [number, number, number, number, number];
    k.pil_h(pSrc, img.width * 3, pOut, rows, ww, pFirst, pCount, pWeights, hTaps.ksize);
    return takeImage(k, pOut, ww, wh);
  }
  const v = tapWindow(vTaps!, top, wh, r0);
  if (!needH) {
    // Height only: the vertical pass reads the kept columns of the source rows.
    const [pSrc, pOut, pFirst, pCount, pWeights] = place(k, [
      src,
      ww * wh * 3,
      v.first,
      v.count,
      v.weights,
    ]) as [number, number, number, number, number];
    k.pil_v(
      pSrc + left * 3,
      img.width * 3,
      pOut,
      ww * 3,
      wh,
      pFirst,
      pCount,
      pWeights,
      vTaps!.ksize,
    );
    return takeImage(k, pOut, ww, wh);
  }
  const hTaps = cachedTaps(img.width, ow, filter);
  const h = tapWindow(hTaps, left, ww, 0);
  const [pSrc, pMid, pOut, hFirst, hCount, hWeights, vFirst, vCount, vWeights] = place(k, [
    src,
    ww * rows * 3,
    ww * wh * 3,
    h.first,
    h.count,
    h.weights,
    v.first,
    v.count,
    v.weights,
  ]) as [number, number, number, number, number, number, number, number, number];
  k.pil_h(pSrc, img.width * 3, pMid, rows, ww, hFirst, hCount, hWeights, hTaps.ksize);
  k.pil_v(pMid, ww * 3, pOut, ww * 3, wh, vFirst, vCount, vWeights, vTaps!.ksize);
  return takeImage(k, pOut, ww, wh);
}
