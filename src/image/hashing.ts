/**
 * Image hashes for duplicate and leakage detection: content hash (sha256 of the file bytes) and
 * two 64-bit perceptual hashes computed from a luma image.
 *
 * - pHash (Zauner 2010, "Implementation and Benchmarking of Perceptual Image Hash Functions",
 *   the pHash library's DCT hash): luma resized to 32×32, 2-D DCT-II, the 8×8 block of lowest
 *   frequencies *excluding* the DC row and column (coefficients u, v ∈ 1..8), each bit = the
 *   coefficient is above the block's median. Robust to rescaling, re-encoding, mild blur and
 *   small brightness/contrast changes.
 * - dHash (Krawetz 2013, "Kind of like that"): luma resized to 9×8, each bit = a pixel is
 *   brighter than its right neighbour. Cheaper, a little more sensitive to crops.
 *
 * By default both hashes are computed on the {@link contentWindow}, not the whole frame: the
 * rectangle holding the middle 98% of the image's "ink" (deviation from the border colour).
 * Padding, letterboxing and slight crops then barely move the hash, and objects with the same
 * outline but different placement stop colliding. This is our addition to the published hashes;
 * docs/data-suite.md has the figures measured on Fashion-MNIST that motivated it.
 *
 * A 64-bit hash is held as two unsigned 32-bit halves ({@link Hash64}) so that Hamming distance
 * is two popcounts, with no BigInt on the hot path.
 */
import { createHash } from 'node:crypto';
import { LUMA_B, LUMA_G, LUMA_R } from './luma.js';

/** A 64-bit hash as two unsigned 32-bit integers; bit k of the hash is bit k of lo (k < 32) or bit k−32 of hi. */
export interface Hash64 {
  hi: number;
  lo: number;
}

/** sha256 of the bytes, lower-case hex. Equal hashes mean byte-identical files. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Number of set bits of a 32-bit integer (Hacker's Delight §5-1). */
export function popcount32(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}

/** Hamming distance between two 64-bit hashes. */
export function hammingDistance(a: Hash64, b: Hash64): number {
  return popcount32(a.hi ^ b.hi) + popcount32(a.lo ^ b.lo);
}

/** 16 lower-case hex digits, most significant first. */
export function hash64ToHex(h: Hash64): string {
  return (h.hi >>> 0).toString(16).padStart(8, '0') + (h.lo >>> 0).toString(16).padStart(8, '0');
}

/** Inverse of {@link hash64ToHex}. */
export function hash64FromHex(hex: string): Hash64 {
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new Error(`not a 64-bit hex hash: ${hex}`);
  return { hi: parseInt(hex.slice(0, 8), 16) >>> 0, lo: parseInt(hex.slice(8), 16) >>> 0 };
}

/** Pack 64 booleans (index 0 = least significant bit) into a {@link Hash64}. */
export function packBits(bits: ArrayLike<boolean>): Hash64 {
  if (bits.length !== 64) throw new Error(`expected 64 bits, got ${bits.length}`);
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 32; k++) if (bits[k]) lo |= 1 << k;
  for (let k = 0; k < 32; k++) if (bits[32 + k]) hi |= 1 << k;
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** A single-channel float image, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Resample by exact area averaging: each output pixel is the mean of the source area it covers,
 * with fractional weights at the edges. For the large reductions hashing needs this is the
 * anti-aliased "box" filter; it is pure and deterministic, so hashes do not depend on a
 * library's resampling kernel. With a window, only that (fractional) rectangle is resampled and
 * area outside the image counts as `window.background`.
 */
export function resizeArea(
  src: GrayImage,
  width: number,
  height: number,
  window?: Window,
): GrayImage {
  if (src.width < 1 || src.height < 1) throw new Error('cannot resize an empty image');
  const win = window ?? { x0: 0, y0: 0, x1: src.width, y1: src.height, background: 0 };
  const xw = axisWeights(win.x0, win.x1, src.width, width);
  const yw = axisWeights(win.y0, win.y1, src.height, height);
  const bg = win.background;
  // Horizontal pass: every source row → `width` columns (row −1 stands for "outside").
  const tmp = new Float64Array(width * src.height);
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width;
    for (let x = 0; x < width; x++) {
      const w = xw[x]!;
      let acc = w.outside * bg;
      for (let k = 0; k < w.index.length; k++) acc += src.data[row + w.index[k]!]! * w.weight[k]!;
      tmp[y * width + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const w = yw[y]!;
    for (let x = 0; x < width; x++) {
      let acc = w.outside * bg;
      for (let k = 0; k < w.index.length; k++) acc += tmp[w.index[k]! * width + x]! * w.weight[k]!;
      out[y * width + x] = acc;
    }
  }
  return { width, height, data: out };
}

interface AxisWeight {
  index: number[];
  weight: number[];
  /** Weight of the part of the cell outside the image. */
  outside: number;
}

/** Weights of source pixels for `dstSize` equal cells spanning [start, end) of a `srcSize` axis. */
function axisWeights(start: number, end: number, srcSize: number, dstSize: number): AxisWeight[] {
  const scale = (end - start) / dstSize;
  const result: AxisWeight[] = [];
  for (let i = 0; i < dstSize; i++) {
    const a = start + i * scale;
    const b = a + scale;
    const index: number[] = [];
    const weight: number[] = [];
    let inside = 0;
    for (let s = Math.max(0, Math.floor(a)); s < Math.min(srcSize, Math.ceil(b)); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 1e-12) {
        index.push(s);
        weight.push(overlap / scale);
        inside += overlap;
      }
    }
    result.push({ index, weight, outside: Math.max(0, (scale - inside) / scale) });
  }
  return result;
}

const DCT_SIZE = 32;
const LOW = 8;
/** cos((2x+1)·u·π / 64) for u = 1..8 (row u−1) and x = 0..31: only the coefficients pHash keeps. */
const DCT_COS: Float64Array = (() => {
  const table = new Float64Array(LOW * DCT_SIZE);
  for (let u = 1; u <= LOW; u++) {
    for (let x = 0; x < DCT_SIZE; x++) {
      table[(u - 1) * DCT_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * DCT_SIZE));
    }
  }
  return table;
})();

/**
 * pHash of a luma image (any size, any scale of values), of the whole frame or of a window.
 * Only the 8×8 coefficients that are kept are computed (separable DCT, 32×8 then 8×8), so the
 * DCT normalisation factors, which are the same for every kept coefficient, can be left out: they
 * do not change the median comparison.
 */
export function pHash(gray: GrayImage, window?: Window): Hash64 {
  return pHashOfResized(resizeArea(gray, PHASH_SIDE, PHASH_SIDE, window));
}

/** Side of the area-averaged image pHash transforms. */
export const PHASH_SIDE = DCT_SIZE;

/** pHash of an image already area-averaged to {@link PHASH_SIDE}², as {@link pHash} does first. */
export function pHashOfResized(resized: GrayImage): Hash64 {
  if (resized.width !== DCT_SIZE || resized.height !== DCT_SIZE) {
    throw new Error(`pHash needs a ${DCT_SIZE}×${DCT_SIZE} image`);
  }
  const small = resized.data;
  // Row transform: for each image row y, coefficients v = 1..8 along x.
  const rows = new Float64Array(DCT_SIZE * LOW);
  for (let y = 0; y < DCT_SIZE; y++) {
    for (let v = 0; v < LOW; v++) {
      let acc = 0;
      for (let x = 0; x < DCT_SIZE; x++)
        acc += small[y * DCT_SIZE + x]! * DCT_COS[v * DCT_SIZE + x]!;
      rows[y * LOW + v] = acc;
    }
  }
  // Column transform: coefficients u = 1..8 along y.
  const coeffs = new Float64Array(LOW * LOW);
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let acc = 0;
      for (let y = 0; y < DCT_SIZE; y++) acc += rows[y * LOW + v]! * DCT_COS[u * DCT_SIZE + y]!;
      coeffs[u * LOW + v] = acc;
    }
  }
  const median = medianOf(coeffs);
  const bits: boolean[] = [];
  for (let k = 0; k < 64; k++) bits.push(coeffs[k]! > median);
  return packBits(bits);
}

/** dHash of a luma image: 9×8 area-averaged, bit = left pixel brighter than its right neighbour. */
export function dHash(gray: GrayImage, window?: Window): Hash64 {
  const small = resizeArea(gray, 9, 8, window).data;
  const bits: boolean[] = [];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) bits.push(small[y * 9 + x]! > small[y * 9 + x + 1]!);
  }
  return packBits(bits);
}

/**
 * Luma (ITU-R BT.601 weights, as PIL's `convert('L')` and OpenCV's `cvtColor` use) of an 8-bit
 * interleaved image with `channels` ≥ 3 (extra channels ignored) or 1 (copied).
 */
export function lumaFromInterleaved(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): GrayImage {
  const n = width * height;
  const out = new Float32Array(n);
  if (channels < 3) {
    for (let i = 0; i < n; i++) out[i] = data[i * channels]!;
  } else {
    const [wr, wg, wb] = [LUMA_R, LUMA_G, LUMA_B];
    for (let i = 0; i < n; i++) {
      const o = i * channels;
      out[i] = wr * data[o]! + wg * data[o + 1]! + wb * data[o + 2]!;
    }
  }
  return { width, height, data: out };
}

/** Share of the content mass cut away on each side by {@link contentWindow}. */
const CONTENT_QUANTILE = 0.01;

/**
 * The part of the image holding the content, for hashing. The background level is the median of
 * the outermost pixels; each pixel weighs |luma − background|; the window spans the 1% to 99%
 * quantiles of that weight along x and along y (fractional pixels). Being made of sums, it moves
 * little under resampling or JPEG noise (unlike a threshold-based trim); it ignores uniform
 * padding; and a slight crop moves it by about the crop. Returns the whole image when every
 * pixel equals the background.
 */
export function contentWindow(gray: GrayImage): Window {
  const { width: w, height: h, data } = gray;
  const background = borderMedian(gray);
  const colMass = new Float64Array(w);
  const rowMass = new Float64Array(h);
  let total = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.abs(data[y * w + x]! - background);
      colMass[x]! += v;
      rowMass[y]! += v;
      total += v;
    }
  }
  if (!(total > 0)) return { x0: 0, y0: 0, x1: w, y1: h, background };
  const [x0, x1] = massQuantiles(colMass, total, CONTENT_QUANTILE);
  const [y0, y1] = massQuantiles(rowMass, total, CONTENT_QUANTILE);
  // Never shrink below one source pixel per axis.
  return {
    x0,
    y0,
    x1: Math.max(x1, x0 + 1),
    y1: Math.max(y1, y0 + 1),
    background,
  };
}

/** A fractional rectangle of a source image, and the value of pixels outside the image. */
export interface Window {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  background: number;
}

/** Positions where the cumulative mass first reaches q·total from the left and from the right. */
function massQuantiles(mass: Float64Array, total: number, q: number): [number, number] {
  const target = q * total;
  let lo = 0;
  let acc = 0;
  for (let i = 0; i < mass.length; i++) {
    const m = mass[i]!;
    if (acc + m >= target && m > 0) {
      lo = i + (target - acc) / m;
      break;
    }
    acc += m;
  }
  let hi = mass.length;
  acc = 0;
  for (let i = mass.length - 1; i >= 0; i--) {
    const m = mass[i]!;
    if (acc + m >= target && m > 0) {
      hi = i + 1 - (target - acc) / m;
      break;
    }
    acc += m;
  }
  return hi > lo ? [lo, hi] : [0, mass.length];
}

function borderMedian(gray: GrayImage): number {
  const { width: w, height: h, data } = gray;
  const border: number[] = [];
  for (let x = 0; x < w; x++) border.push(data[x]!, data[(h - 1) * w + x]!);
  for (let y = 1; y < h - 1; y++) border.push(data[y * w]!, data[y * w + w - 1]!);
  border.sort((a, b) => a - b);
  return border[border.length >> 1]!;
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
