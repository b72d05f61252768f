import type { RgbImage } from '../types.js';

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
 *   skipped.
 * - NEAREST is an affine scale: source column `trunc(x₀ + k·(in/out))` with `x₀ = (in/out)/2`,
 *   accumulated by repeated addition in double precision, exactly as Pillow steps it.
 */
export type PillowFilter = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

interface Kernel {
  fn: (x: number) => number;
  support: number;
}

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
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

/** Pillow's clip8: the sum's integer part (arithmetic shift), clamped to 0-255. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass over rows [y0, y0 + rows) of `src` (width `sw`) into `rows × out` pixels. */
function horizontal(
  src: Uint8Array,
  sw: number,
  y0: number,
  rows: number,
  taps: PillowTaps,
): Uint8Array {
  const ow = taps.count.length;
  const out = new Uint8Array(ow * rows * 3);
  const { first, count, weights, ksize } = taps;
  for (let y = 0; y < rows; y++) {
    const rowIn = (y0 + y) * sw * 3;
    const rowOut = y * ow * 3;
    for (let xx = 0; xx < ow; xx++) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      const kb = xx * ksize;
      let p = rowIn + first[xx]! * 3;
      const n = count[xx]!;
      for (let x = 0; x < n; x++, p += 3) {
        const w = weights[kb + x]!;
        s0 = (s0 + Math.imul(src[p]!, w)) | 0;
        s1 = (s1 + Math.imul(src[p + 1]!, w)) | 0;
        s2 = (s2 + Math.imul(src[p + 2]!, w)) | 0;
      }
      const o = rowOut + xx * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return out;
}

/** Vertical pass: `src` rows (width `w`) start at source row `rowOffset`. */
function vertical(src: Uint8Array, w: number, rowOffset: number, taps: PillowTaps): Uint8Array {
  const oh = taps.count.length;
  const stride = w * 3;
  const out = new Uint8Array(stride * oh);
  const acc = new Int32Array(stride);
  const { first, count, weights, ksize } = taps;
  for (let yy = 0; yy < oh; yy++) {
    acc.fill(HALF);
    const kb = yy * ksize;
    const base = (first[yy]! - rowOffset) * stride;
    const n = count[yy]!;
    for (let y = 0; y < n; y++) {
      const w8 = weights[kb + y]!;
      const row = base + y * stride;
      // Int32 sums: Pillow's own 32-bit accumulator has two bits of headroom for this.
      for (let i = 0; i < stride; i++) acc[i] = (acc[i]! + Math.imul(src[row + i]!, w8)) | 0;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

/** Pillow NEAREST: the affine scale of `ImagingScaleAffine` (columns outside the source stay 0). */
function nearest(img: RgbImage, ow: number, oh: number): RgbImage {
  const out = new Uint8Array(ow * oh * 3);
  const columns = nearestSteps(img.width, ow);
  const rows = nearestSteps(img.height, oh);
  for (let y = 0; y < oh; y++) {
    const sy = rows[y]!;
    if (sy < 0) continue;
    const rowIn = sy * img.width * 3;
    for (let x = 0; x < ow; x++) {
      const sx = columns[x]!;
      if (sx < 0) continue;
      const i = rowIn + sx * 3;
      const o = (y * ow + x) * 3;
      out[o] = img.data[i]!;
      out[o + 1] = img.data[i + 1]!;
      out[o + 2] = img.data[i + 2]!;
    }
  }
  return { width: ow, height: oh, data: out };
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

/** `Image.resize((ow, oh), filter)` of an RGB image (what torchvision's Resize does to PIL images). */
export function resizePillow(
  img: RgbImage,
  ow: number,
  oh: number,
  filter: PillowFilter,
): RgbImage {
  if (ow === img.width && oh === img.height) return img;
  if (filter === 'nearest') return nearest(img, ow, oh);
  const kernel = KERNELS[filter];
  const needH = ow !== img.width;
  const needV = oh !== img.height;
  const vTaps = pillowTaps(img.height, oh, kernel);
  let data = img.data;
  let rowOffset = 0;
  if (needH) {
    // Only the source rows the vertical pass reads, as Pillow does.
    const firstRow = vTaps.first[0]!;
    const lastRow = vTaps.first[oh - 1]! + vTaps.count[oh - 1]!;
    data = horizontal(
      img.data,
      img.width,
      firstRow,
      lastRow - firstRow,
      pillowTaps(img.width, ow, kernel),
    );
    rowOffset = firstRow;
  }
  if (needV) data = vertical(data, ow, rowOffset, vTaps);
  return { width: ow, height: oh, data };
}
