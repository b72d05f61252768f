/**
 * Pillow's `Image.resize(size, Image.BOX)` on 8-bit RGB, bit for bit (Pillow's Resample.c, as
 * documented in its source: per-axis coefficients in double precision, normalised, converted to
 * 22-bit fixed point, a horizontal pass then a vertical pass with rounding to 8 bits in
 * between). test/unit/corruptions-pil.test.ts checks it against Pillow's own output.
 */

/** Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per-output source ranges and fixed-point weights along one axis. */
interface Coeffs {
  /** First source index of output o. */
  min: Int32Array;
  /** Number of source samples of output o. */
  count: Int32Array;
  /** count[o] weights of output o at o·ksize. */
  weights: Int32Array;
  ksize: number;
  /** Every output reads one sample with weight 1 (up-sampling): the pass is a copy. */
  copy: boolean;
  /** The weight all count[o] taps of output o share, or 0 when they differ. */
  even: Int32Array;
}

const coeffCache = new Map<number, Coeffs>();

/** Pillow's `precompute_coeffs` with the box filter, then `normalize_coeffs_8bpc` (cached). */
function boxCoeffs(inSize: number, outSize: number): Coeffs {
  const key = inSize * 65536 + outSize;
  let c = coeffCache.get(key);
  if (!c) {
    if (coeffCache.size > 64) coeffCache.clear();
    c = computeBoxCoeffs(inSize, outSize);
    coeffCache.set(key, c);
  }
  return c;
}

function computeBoxCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 0.5 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const ss = 1 / filterscale;
  const min = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const even = new Int32Array(outSize);
  let copy = true;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = (x + xmin - center + 0.5) * ss;
      const w = t > -0.5 && t <= 0.5 ? 1 : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[o * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    min[o] = xmin;
    count[o] = xmax;
    const w0 = weights[o * ksize]!;
    let same = xmax > 0;
    for (let x = 1; x < xmax; x++) if (weights[o * ksize + x] !== w0) same = false;
    even[o] = same ? w0 : 0;
    if (xmax !== 1 || weights[o * ksize] !== ONE) copy = false;
  }
  return { min, count, weights, ksize, copy, even };
}

/** Pillow's clip8: fixed-point sum (with the rounding half already added) to a byte. */
function clip8(ss: number): number {
  if (ss >= ONE * 256) return 255;
  if (ss <= 0) return 0;
  return ss >> PRECISION_BITS;
}

function horizontal(src: Uint8Array, w: number, h: number, ow: number, c: Coeffs): Uint8Array {
  const out = new Uint8Array(ow * h * 3);
  const { min, count, weights, ksize, copy, even } = c;
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    const orow = y * ow * 3;
    for (let o = 0; o < ow; o++) {
      const q = orow + o * 3;
      let p = row + min[o]! * 3;
      if (copy) {
        out[q] = src[p]!;
        out[q + 1] = src[p + 1]!;
        out[q + 2] = src[p + 2]!;
        continue;
      }
      const n = count[o]!;
      const k = even[o]!;
      if (k !== 0) {
        // Every tap has the same weight: Σ k·p = k·Σ p exactly (integers).
        let a = 0;
        let b = 0;
        let d = 0;
        for (let x = 0; x < n; x++, p += 3) {
          a += src[p]!;
          b += src[p + 1]!;
          d += src[p + 2]!;
        }
        out[q] = clip8(HALF + k * a);
        out[q + 1] = clip8(HALF + k * b);
        out[q + 2] = clip8(HALF + k * d);
        continue;
      }
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      const k0 = o * ksize;
      for (let x = 0; x < n; x++, p += 3) {
        const kx = weights[k0 + x]!;
        s0 += src[p]! * kx;
        s1 += src[p + 1]! * kx;
        s2 += src[p + 2]! * kx;
      }
      out[q] = clip8(s0);
      out[q + 1] = clip8(s1);
      out[q + 2] = clip8(s2);
    }
  }
  return out;
}

function vertical(src: Uint8Array, w: number, oh: number, c: Coeffs): Uint8Array {
  const stride = w * 3;
  const out = new Uint8Array(oh * stride);
  const { min, count, weights, ksize, copy, even } = c;
  const acc = new Int32Array(stride);
  for (let o = 0; o < oh; o++) {
    const orow = o * stride;
    const first = min[o]! * stride;
    if (copy) {
      out.set(src.subarray(first, first + stride), orow);
      continue;
    }
    const n = count[o]!;
    const k = even[o]!;
    if (k !== 0) {
      // Equal weights: sum whole rows (contiguous), then one multiply per value.
      acc.set(src.subarray(first, first + stride));
      for (let y = 1; y < n; y++) {
        const r = first + y * stride;
        for (let i = 0; i < stride; i++) acc[i]! += src[r + i]!;
      }
      for (let i = 0; i < stride; i++) out[orow + i] = clip8(HALF + k * acc[i]!);
      continue;
    }
    const k0 = o * ksize;
    for (let i = 0; i < stride; i++) {
      let s = HALF;
      for (let y = 0, p = first + i; y < n; y++, p += stride) s += src[p]! * weights[k0 + y]!;
      out[orow + i] = clip8(s);
    }
  }
  return out;
}

/**
 * Resize interleaved RGB bytes from w×h to ow×oh as Pillow's `resize((ow, oh), Image.BOX)`
 * does: horizontal pass when the width changes, then vertical pass when the height changes.
 */
export function resizeBox(
  src: Uint8Array,
  w: number,
  h: number,
  ow: number,
  oh: number,
): Uint8Array {
  const x = ow !== w ? horizontal(src, w, h, ow, boxCoeffs(w, ow)) : src;
  return oh !== h ? vertical(x, ow, oh, boxCoeffs(h, oh)) : x === src ? src.slice() : x;
}
