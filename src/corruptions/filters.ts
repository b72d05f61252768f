/**
 * Numeric building blocks shared by the corruption families: border rules, 1-D Gaussian filters
 * with scipy's semantics, separable filtering of interleaved float images, ImageMagick's motion
 * blur kernel, scipy's `zoom(order=1)` sampling grid and the float -> uint8 conversion.
 *
 * Images inside this folder are interleaved (HWC) float buffers with `ch` channels (1 or 3),
 * values in [0, 1] unless a function says otherwise.
 */
import { reserve, wasmKernels } from './wasm.js';

/**
 * How a filter reads outside the image, named as scipy.ndimage names them:
 * - `nearest`: a a a | a b c d | d d d (skimage's default for `gaussian`)
 * - `reflect`: c b a | a b c d | d c b (half-sample symmetric)
 * - `mirror`:  d c b | a b c d | c b a (whole-sample symmetric; OpenCV's BORDER_REFLECT_101)
 */
export type Border = 'nearest' | 'reflect' | 'mirror';

/** Map any integer index (however far outside) into [0, n) under a border rule. */
export function borderIndex(i: number, n: number, mode: Border): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (mode === 'nearest') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    let k = i % period;
    if (k < 0) k += period;
    return k < n ? k : period - 1 - k;
  }
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** Normalised 1-D Gaussian taps of scipy's `gaussian_filter1d`: radius = int(truncate·σ + 0.5). */
export function gaussianTaps(sigma: number, truncate = 4): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const taps = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    taps[0] = 1;
    return taps;
  }
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-0.5 * k * k) / (sigma * sigma));
    taps[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < taps.length; k++) taps[k]! /= sum;
  return taps;
}

/**
 * A 1-D filter over a line of length n with the border folded in: output i is
 * Σ_t weights[offset[i] + t] · input[start[i] + t] for t < length[i]. Folding makes every border
 * rule exact for any radius, also radii larger than the line (elastic_transform's σ = 171 px on a
 * 224 px image), and costs at most n taps per output.
 */
export interface FoldedFilter {
  n: number;
  start: Int32Array;
  length: Int32Array;
  offset: Int32Array;
  weights: Float64Array;
  /** The unfolded centred taps (outputs radius..n−1−radius use them as they are). */
  taps: Float64Array;
  radius: number;
  /** Whether taps[radius − k] = taps[radius + k] (lets interiors pair samples). */
  symmetric: boolean;
}

const foldedCache = new Map<string, FoldedFilter>();

/** Fold centred taps (odd length) over a line of n samples under a border rule (cached). */
export function foldFilter(
  taps: Float64Array,
  n: number,
  mode: Border,
  cacheKey?: string,
): FoldedFilter {
  const key = cacheKey === undefined ? undefined : `${cacheKey}|${n}|${mode}`;
  if (key !== undefined) {
    const hit = foldedCache.get(key);
    if (hit) return hit;
  }
  const radius = (taps.length - 1) >> 1;
  const start = new Int32Array(n);
  const length = new Int32Array(n);
  const offset = new Int32Array(n);
  const rows: Float64Array[] = [];
  const scratch = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let lo = n;
    let hi = -1;
    for (let k = -radius; k <= radius; k++) {
      const j = borderIndex(i + k, n, mode);
      scratch[j]! += taps[k + radius]!;
      if (j < lo) lo = j;
      if (j > hi) hi = j;
    }
    const row = scratch.slice(lo, hi + 1);
    scratch.fill(0, lo, hi + 1);
    start[i] = lo;
    length[i] = hi - lo + 1;
    offset[i] = total;
    total += row.length;
    rows.push(row);
  }
  const weights = new Float64Array(total);
  for (let i = 0; i < n; i++) weights.set(rows[i]!, offset[i]);
  let symmetric = true;
  for (let k = 1; k <= radius; k++) if (taps[radius - k] !== taps[radius + k]) symmetric = false;
  const folded = { n, start, length, offset, weights, taps, radius, symmetric };
  if (key !== undefined) {
    if (foldedCache.size > 256) foldedCache.clear();
    foldedCache.set(key, folded);
  }
  return folded;
}

/** Folded Gaussian (scipy semantics), cached by its parameters. */
export function gaussianFilter(sigma: number, n: number, mode: Border, truncate = 4): FoldedFilter {
  return foldFilter(gaussianTaps(sigma, truncate), n, mode, `g${sigma}|${truncate}`);
}

type Kernels = ReturnType<typeof wasmKernels>;

/** Byte sizes of a folded filter's tables in the kernels' memory (see {@link placeFilter}). */
function filterSizes(f: FoldedFilter): number[] {
  return [4 * f.n, 4 * f.n, 4 * f.n, 8 * f.weights.length, 8 * f.taps.length];
}

/**
 * Copy a filter's tables to the offsets reserved with {@link filterSizes} and return the
 * arguments the filter kernels take after (src, out, w, h, ch).
 */
function placeFilter(k: Kernels, f: FoldedFilter, at: readonly number[]) {
  const [pStart, pLength, pOffset, pWeights, pTaps] = at as [
    number,
    number,
    number,
    number,
    number,
  ];
  const buf = k.memory.buffer;
  new Int32Array(buf, pStart, f.n).set(f.start);
  new Int32Array(buf, pLength, f.n).set(f.length);
  new Int32Array(buf, pOffset, f.n).set(f.offset);
  new Float64Array(buf, pWeights, f.weights.length).set(f.weights);
  new Float64Array(buf, pTaps, f.taps.length).set(f.taps);
  return [pStart, pLength, pOffset, pWeights, pTaps, f.radius, f.symmetric ? 1 : 0] as const;
}

/**
 * Run one folded filter pass in the WebAssembly kernels (kernels.c: the same double-precision
 * arithmetic, in the same order, as the scalar code it replaced; identical bytes).
 */
function runFilter(
  pass: 'filter_rows' | 'filter_cols',
  src: Float32Array,
  w: number,
  h: number,
  ch: number,
  f: FoldedFilter,
): Float32Array {
  if (ch !== 1 && ch !== 3) throw new Error(`filters take 1 or 3 channels, got ${ch}`);
  const k = wasmKernels();
  const at = reserve(k, [
    src.byteLength,
    src.byteLength,
    // The samples as doubles: filter_rows widens one row at a time, filter_cols the image.
    8 * (pass === 'filter_rows' ? w * ch : src.length),
    ...filterSizes(f),
  ]);
  const [pSrc, pOut, pWide] = at as [number, number, number];
  new Float32Array(k.memory.buffer, pSrc, src.length).set(src);
  const tables = placeFilter(k, f, at.slice(3));
  if (pass === 'filter_rows') k.filter_rows(pSrc, pOut, w, h, ch, ...tables, pWide);
  else k.filter_cols(pSrc, pOut, w, h, ch, ...tables, pWide);
  return new Float32Array(k.memory.buffer, pOut, src.length).slice();
}

/**
 * Apply a folded filter along x (within each row) of an interleaved image (1 or 3 channels);
 * returns a new buffer. Interior positions of a symmetric filter pair the samples at ±k.
 */
export function filterRows(
  src: Float32Array,
  w: number,
  h: number,
  ch: number,
  f: FoldedFilter,
): Float32Array {
  return runFilter('filter_rows', src, w, h, ch, f);
}

/**
 * Apply a folded filter along y (across rows) of an interleaved image (1 or 3 channels); returns
 * a new buffer. Interior rows of a symmetric filter pair rows y ± k, two pairs per sweep.
 */
export function filterCols(
  src: Float32Array,
  w: number,
  h: number,
  ch: number,
  f: FoldedFilter,
): Float32Array {
  return runFilter('filter_cols', src, w, h, ch, f);
}

/** skimage.filters.gaussian on an interleaved image: same σ on both axes, none across channels. */
export function gaussianBlur(
  src: Float32Array,
  w: number,
  h: number,
  ch: number,
  sigma: number,
  mode: Border = 'nearest',
  truncate = 4,
): Float32Array {
  if (Math.trunc(truncate * sigma + 0.5) === 0) return src.slice();
  const rows = filterRows(src, w, h, ch, gaussianFilter(sigma, w, mode, truncate));
  return filterCols(rows, w, h, ch, gaussianFilter(sigma, h, mode, truncate));
}

/**
 * `toBytes(gaussianBlur(toFloat(data), …))` in one trip through the kernels (the same
 * arithmetic: identical bytes, without three copies in and out of their memory).
 */
export function gaussianBlurBytes(
  data: Uint8Array,
  w: number,
  h: number,
  ch: number,
  sigma: number,
  mode: Border = 'nearest',
  truncate = 4,
): Uint8Array {
  if (Math.trunc(truncate * sigma + 0.5) === 0) return toBytes(toFloat(data));
  if (ch !== 1 && ch !== 3) throw new Error(`filters take 1 or 3 channels, got ${ch}`);
  const fx = gaussianFilter(sigma, w, mode, truncate);
  const fy = gaussianFilter(sigma, h, mode, truncate);
  const n = data.length;
  const k = wasmKernels();
  const at = reserve(k, [n, 4 * n, 4 * n, 8 * n, ...filterSizes(fx), ...filterSizes(fy)]);
  const [pBytes, pA, pB, pWide] = at as [number, number, number, number];
  new Uint8Array(k.memory.buffer, pBytes, n).set(data);
  const tx = placeFilter(k, fx, at.slice(4, 9));
  const ty = placeFilter(k, fy, at.slice(9));
  k.unit_floats(pBytes, pA, n);
  k.filter_rows(pA, pB, w, h, ch, ...tx, pWide);
  k.filter_cols(pB, pA, w, h, ch, ...ty, pWide);
  k.unit_bytes(pA, pBytes, n);
  return new Uint8Array(k.memory.buffer, pBytes, n).slice();
}

/** Bytes -> floats in [0, 1]. */
export function toFloat(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = UNIT[data[i]!]!;
  return out;
}

/** v / 255 as float32 for every byte v (a table: one load instead of a division per sample). */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Floats in [0, 1] -> bytes the way the reference saves them: `np.uint8(np.clip(x, 0, 1) * 255)`,
 * i.e. clip then truncate (not round). A 1e-4 tolerance keeps float round-off (a blur of a flat
 * area summing to 0.99999994·v) from truncating a whole level down.
 */
export function toBytes(src: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]! * 255 + 1e-4;
    out[i] = v >= 255 ? 255 : v > 0 ? v : 0; // typed-array store truncates
  }
  return out;
}

/**
 * ImageMagick's MotionBlurImage (MagickCore/effect.c): a one-sided Gaussian line kernel of
 * width 2·ceil(radius)+1 with weights exp(-i²/2σ²), i = 0..width-1, normalised; tap i reads the
 * pixel at round(i·(cos θ, sin θ)); out-of-image reads use the edge pixel (IM's default virtual
 * pixel method). Results are rounded to 8 bits, as the reference's PNG round trip does.
 */
export function motionBlur(
  src: Uint8Array,
  w: number,
  h: number,
  ch: number,
  radius: number,
  sigma: number,
  angleDeg: number,
): Uint8Array {
  const width = 2 * Math.ceil(radius) + 1;
  const kernel: number[] = [];
  let norm = 0;
  for (let i = 0; i < width; i++) {
    const k = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel.push(k);
    norm += k;
  }
  const a = (angleDeg * Math.PI) / 180;
  const px = width * Math.sin(a);
  const py = width * Math.cos(a);
  const hyp = Math.hypot(px, py);
  // Taps below 1e-12 of the total change no output byte; dropping them saves work for small σ.
  const dx: number[] = [];
  const dy: number[] = [];
  const wk: number[] = [];
  for (let i = 0; i < width; i++) {
    const k = kernel[i]! / norm;
    if (k < 1e-12) continue;
    dx.push(Math.ceil((i * py) / hyp - 0.5));
    dy.push(Math.ceil((i * px) / hyp - 0.5));
    wk.push(k);
  }
  const taps = wk.length;
  const weights = Float64Array.from(wk);
  const flat = Int32Array.from(dx.map((x, i) => (dy[i]! * w + x) * ch));
  const minX = Math.min(...dx);
  const maxX = Math.max(...dx);
  const minY = Math.min(...dy);
  const maxY = Math.max(...dy);
  const out = new Uint8Array(src.length);
  const acc = new Float64Array(ch);
  for (let y = 0; y < h; y++) {
    const yInside = y + minY >= 0 && y + maxY < h;
    for (let x = 0; x < w; x++) {
      const base = (y * w + x) * ch;
      acc.fill(0);
      if (yInside && x + minX >= 0 && x + maxX < w) {
        if (ch === 3) {
          let r = 0;
          let g = 0;
          let b = 0;
          for (let t = 0; t < taps; t++) {
            const p = base + flat[t]!;
            const k = weights[t]!;
            r += k * src[p]!;
            g += k * src[p + 1]!;
            b += k * src[p + 2]!;
          }
          out[base] = r + 0.5;
          out[base + 1] = g + 0.5;
          out[base + 2] = b + 0.5;
          continue;
        }
        for (let t = 0; t < taps; t++) {
          const p = base + flat[t]!;
          for (let c = 0; c < ch; c++) acc[c]! += weights[t]! * src[p + c]!;
        }
      } else {
        for (let t = 0; t < taps; t++) {
          let sx = x + dx[t]!;
          let sy = y + dy[t]!;
          sx = sx < 0 ? 0 : sx >= w ? w - 1 : sx;
          sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
          const p = (sy * w + sx) * ch;
          for (let c = 0; c < ch; c++) acc[c]! += weights[t]! * src[p + c]!;
        }
      }
      for (let c = 0; c < ch; c++) {
        const v = acc[c]! + 0.5;
        out[base + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return out;
}

/** Python's round(): half to even (scipy uses it for the output shape of `zoom`). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Linear sampling positions of the reference's `clipped_zoom` along one axis of length n:
 * crop ceil(n/z) centred samples, scipy `zoom(order=1)` them (corner-aligned grid:
 * in = out·(m-1)/(M-1)), and trim the centre n back out. Returns, for each output index, the two
 * source indices and the weight of the second.
 */
export interface LinearAxis {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
}

export function clippedZoomAxis(n: number, zoom: number): LinearAxis {
  const m = Math.ceil(n / zoom);
  const top = Math.floor((n - m) / 2);
  const M = roundHalfEven(m * zoom);
  const trim = Math.floor((M - n) / 2);
  const scale = M > 1 ? (m - 1) / (M - 1) : 0;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float32Array(n);
  for (let o = 0; o < n; o++) {
    const s = Math.min((o + trim) * scale, m - 1);
    const a = Math.floor(s);
    const b = Math.min(a + 1, m - 1);
    i0[o] = top + a;
    i1[o] = top + b;
    f[o] = s - a;
  }
  return { i0, i1, f };
}

/** Separable linear resampling of an interleaved image with per-axis sampling positions. */
export function resampleLinear(
  src: Float32Array,
  w: number,
  ch: number,
  ys: LinearAxis,
  xs: LinearAxis,
): Float32Array {
  const oh = ys.i0.length;
  const ow = xs.i0.length;
  // Only the source rows that are read need the horizontal pass.
  let rmin = Infinity;
  let rmax = -1;
  for (let o = 0; o < oh; o++) {
    rmin = Math.min(rmin, ys.i0[o]!);
    rmax = Math.max(rmax, ys.i1[o]!);
  }
  const rows = rmax - rmin + 1;
  const tmp = new Float32Array(rows * ow * ch);
  for (let r = 0; r < rows; r++) {
    const sb = (r + rmin) * w * ch;
    const tb = r * ow * ch;
    for (let x = 0; x < ow; x++) {
      const a = sb + xs.i0[x]! * ch;
      const b = sb + xs.i1[x]! * ch;
      const f = xs.f[x]!;
      for (let c = 0; c < ch; c++) {
        const va = src[a + c]!;
        tmp[tb + x * ch + c] = va + f * (src[b + c]! - va);
      }
    }
  }
  const out = new Float32Array(oh * ow * ch);
  const stride = ow * ch;
  for (let y = 0; y < oh; y++) {
    const a = (ys.i0[y]! - rmin) * stride;
    const b = (ys.i1[y]! - rmin) * stride;
    const f = ys.f[y]!;
    const ob = y * stride;
    for (let i = 0; i < stride; i++) {
      const va = tmp[a + i]!;
      out[ob + i] = va + f * (tmp[b + i]! - va);
    }
  }
  return out;
}
