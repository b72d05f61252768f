import type { RgbImage } from '../types.js';
import { place, resampleKernels, sourceRows, takeImage } from './resample-kernels.js';
import { cropToWindow, wholeImage, type PixelWindow } from './window.js';

/**
 * OpenCV's `cv2.resize(img, (w, h), interpolation=...)` on an 8-bit 3-channel image, bit for
 * bit (checked against OpenCV 4.6 by the goldens in test/fixtures/resize/). Facts from
 * `modules/imgproc/src/resize.cpp`:
 *
 * - INTER_NEAREST: source index `min(floor(i · (1 / (out / in))), in − 1)` in double precision.
 * - INTER_LINEAR and INTER_CUBIC: source coordinate `(i + 0.5) · in/out − 0.5` rounded to float;
 *   weights in 11-bit fixed point (`INTER_RESIZE_COEF_BITS`), rounded half to even. The
 *   horizontal pass keeps integer sums (weight scale 2048); border pixels are replicated, and no
 *   antialiasing is done when shrinking.
 * - Linear's vertical pass: `((b₀·(S₀ >> 4)) >> 16) + ((b₁·(S₁ >> 4)) >> 16) + 2) >> 2`, the same
 *   in its SIMD and scalar code.
 * - Cubic (a = −0.75)'s vertical pass differs by position: whole SIMD runs go through float32
 *   (`round(S₀b₀ + (S₁b₁ + (S₂b₂ + S₃b₃)))` with b scaled by 2⁻²², ties to even), the tail of the
 *   row through integers (`(Σ Sᵢbᵢ + 2²¹) >> 22`, ties up). See CUBIC_SIMD_LANES.
 * - The linear and cubic passes run in WebAssembly (wasm/resample.c cv_h, cv_v_linear,
 *   cv_v_cubic: the same integer sums, the same float32 operations in the same order).
 * - An exact 2× shrink in both directions with INTER_LINEAR runs INTER_AREA's fast path.
 * - INTER_AREA when shrinking both ways: for integer factors the block mean
 *   (`(a + b + c + d + 2) >> 2` for 2×2, else `round(sum · (1/area))` in float32); otherwise
 *   area-weighted sums in float32. When either side grows it is linear with area-style weights.
 */
export type OpenCvInterpolation = 'nearest' | 'linear' | 'cubic' | 'area';

const f32 = Math.fround;
const COEF_SCALE = 2048;
/**
 * Values per iteration of cubic's SIMD vertical loop. 16 is what OpenCV 4.6 on x86-64 does here
 * (the goldens disagree with 8 and 32); a build with other vector widths can round an exact tie
 * the other way (1 level).
 */
const CUBIC_SIMD_LANES = 16;

/** cvRound / saturate_cast: round half to even. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const toShort = (x: number) => Math.max(-32768, Math.min(32767, roundEven(x)));
const toByte = (x: number) => Math.max(0, Math.min(255, roundEven(x)));

/** `interpolateCubic` in float32, A = −0.75. */
function cubicWeights(x: number): [number, number, number, number] {
  const A = -0.75;
  const x1 = f32(x + 1);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) - f32(5 * A)) * x1) + f32(8 * A)) * x1) - f32(4 * A));
  const c1 = f32(f32(f32(f32(f32((A + 2) * x) - (A + 3)) * x) * x) + 1);
  const y = f32(1 - x);
  const c2 = f32(f32(f32(f32(f32((A + 2) * y) - (A + 3)) * y) * y) + 1);
  const c3 = f32(f32(f32(1 - c0) - c1) - c2);
  return [c0, c1, c2, c3];
}

interface Axis {
  /** Source pixel index per output index (before the −1 of the cubic window). */
  ofs: Int32Array;
  /** ksize fixed-point weights per output index. */
  w: Int16Array;
  /** Outputs [xmin, xmax) read their taps without border handling (horizontal linear uses xmax). */
  xmax: number;
}

function axisTaps(
  inSize: number,
  outSize: number,
  scale: number,
  invScale: number,
  ksize: 2 | 4,
  areaMode: boolean,
  horizontal: boolean,
): Axis {
  const ofs = new Int32Array(outSize);
  const w = new Int16Array(outSize * ksize);
  const half = ksize / 2;
  let xmax = outSize;
  for (let d = 0; d < outSize; d++) {
    let f: number;
    let s: number;
    if (!areaMode) {
      f = f32((d + 0.5) * scale - 0.5);
      s = Math.floor(f);
      f = f32(f - s);
    } else {
      s = Math.floor(d * scale);
      f = f32(d + 1 - (s + 1) * invScale);
      f = f <= 0 ? 0 : f32(f - Math.floor(f));
    }
    // Only the horizontal table moves edge taps inwards; rows are clipped when read.
    if (horizontal && s < 0 && ksize === 2) {
      f = 0;
      s = 0;
    }
    if (horizontal && s + half >= inSize) {
      xmax = Math.min(xmax, d);
      if (s >= inSize - 1 && ksize === 2) {
        f = 0;
        s = inSize - 1;
      }
    }
    ofs[d] = s;
    const c = ksize === 4 ? cubicWeights(f) : [f32(1 - f), f];
    for (let k = 0; k < ksize; k++) w[d * ksize + k] = toShort(f32(c[k]! * COEF_SCALE));
  }
  return { ofs, w, xmax };
}

const axisCache = new Map<string, Axis>();

/** {@link axisTaps}, cached: a dataset's images mostly share a few sizes. */
function cachedAxis(
  inSize: number,
  outSize: number,
  ksize: 2 | 4,
  areaMode: boolean,
  horizontal: boolean,
): Axis {
  const key = `${inSize}|${outSize}|${ksize}|${areaMode}|${horizontal}`;
  let axis = axisCache.get(key);
  if (!axis) {
    if (axisCache.size >= 64) axisCache.clear();
    const inv = outSize / inSize;
    axis = axisTaps(inSize, outSize, 1 / inv, inv, ksize, areaMode, horizontal);
    axisCache.set(key, axis);
  }
  return axis;
}

/**
 * The separable fixed-point path (INTER_LINEAR, INTER_CUBIC, INTER_AREA when enlarging), for
 * the output pixels of `win`: the horizontal pass on the source rows they read, then the
 * vertical pass.
 */
function resizeGeneric(
  img: RgbImage,
  ow: number,
  oh: number,
  ksize: 2 | 4,
  areaMode: boolean,
  win: PixelWindow,
): RgbImage {
  const { width: iw, height: ih } = img;
  const { left, top, width: ww, height: wh } = win;
  const xs = cachedAxis(iw, ow, ksize, areaMode, true);
  const ys = cachedAxis(ih, oh, ksize, areaMode, false);
  // Per kept output column: ksize source byte offsets and weights, the border folded in (linear
  // past xmax reads one pixel at full weight; cubic clamps its taps to the image).
  const ofs = new Int32Array(ww * ksize);
  const alpha = new Int32Array(ww * ksize);
  for (let i = 0; i < ww; i++) {
    const dx = left + i;
    const sx = xs.ofs[dx]!;
    const b = i * ksize;
    if (ksize === 2) {
      const inside = dx < xs.xmax;
      ofs[b] = sx * 3;
      ofs[b + 1] = (inside ? sx + 1 : sx) * 3;
      alpha[b] = inside ? xs.w[dx * 2]! : COEF_SCALE;
      alpha[b + 1] = inside ? xs.w[dx * 2 + 1]! : 0;
    } else {
      for (let j = 0; j < 4; j++) {
        ofs[b + j] = Math.min(Math.max(sx - 1 + j, 0), iw - 1) * 3;
        alpha[b + j] = xs.w[dx * 4 + j]!;
      }
    }
  }
  // Source rows per kept output row (a row that leaves the source is clipped to its edge).
  const rowOf = (dy: number, k: number) =>
    Math.min(Math.max(ys.ofs[dy]! - ksize / 2 + 1 + k, 0), ih - 1);
  const r0 = rowOf(top, 0);
  const r1 = rowOf(top + wh - 1, ksize - 1) + 1;
  const rows = new Int32Array(wh * ksize);
  const beta = new Int32Array(wh * ksize);
  for (let y = 0; y < wh; y++)
    for (let k = 0; k < ksize; k++) {
      rows[y * ksize + k] = rowOf(top + y, k) - r0;
      beta[y * ksize + k] = ys.w[(top + y) * ksize + k]!;
    }
  const width = ww * 3;
  const kernels = resampleKernels();
  const [pSrc, pH, pOut, pOfs, pAlpha, pRows, pBeta, pBf] = place(kernels, [
    sourceRows(img, r0, r1),
    4 * (r1 - r0) * width,
    width * wh,
    ofs,
    alpha,
    rows,
    beta,
    // Cubic's float32 weights, b·2⁻²² (exact).
    Float32Array.from(beta, (v) => v * 2 ** -22),
  ]) as [number, number, number, number, number, number, number, number];
  kernels.cv_h(pSrc, iw * 3, pH, r1 - r0, ww, pOfs, pAlpha, ksize);
  if (ksize === 2) kernels.cv_v_linear(pH, width, pOut, wh, pRows, pBeta);
  else {
    // Values handled by cubic's float32 SIMD loop: whole runs of 16 while x ≤ width − 16.
    let simdEnd = 0;
    while (simdEnd <= ow * 3 - CUBIC_SIMD_LANES) simdEnd += CUBIC_SIMD_LANES;
    kernels.cv_v_cubic(pH, width, pOut, wh, pRows, pBeta, pBf, left * 3, simdEnd);
  }
  return takeImage(kernels, pOut, ww, wh);
}

/** INTER_AREA for integer shrink factors kx × ky. */
function areaFast(img: RgbImage, ow: number, oh: number, kx: number, ky: number): RgbImage {
  const { width: iw, data: src } = img;
  const out = new Uint8Array(ow * oh * 3);
  const stride = iw * 3;
  const inv = f32(1 / (kx * ky));
  for (let dy = 0; dy < oh; dy++) {
    for (let dx = 0; dx < ow; dx++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = 0; y < ky; y++)
          for (let x = 0; x < kx; x++) sum += src[(dy * ky + y) * stride + (dx * kx + x) * 3 + c]!;
        out[(dy * ow + dx) * 3 + c] =
          kx === 2 && ky === 2 ? (sum + 2) >> 2 : toByte(f32(sum * inv));
      }
    }
  }
  return { width: ow, height: oh, data: out };
}

interface AreaTap {
  d: number;
  s: number;
  alpha: number;
}

/** `computeResizeAreaTab`: which source pixels cover each output pixel, with what float weight. */
function areaTable(inSize: number, outSize: number, scale: number): AreaTap[] {
  const tab: AreaTap[] = [];
  for (let d = 0; d < outSize; d++) {
    const fs1 = d * scale;
    const fs2 = fs1 + scale;
    const cell = Math.min(scale, inSize - fs1);
    let s2 = Math.floor(fs2);
    let s1 = Math.ceil(fs1);
    s2 = Math.min(s2, inSize - 1);
    s1 = Math.min(s1, s2);
    if (s1 - fs1 > 1e-3) tab.push({ d, s: s1 - 1, alpha: f32((s1 - fs1) / cell) });
    for (let s = s1; s < s2; s++) tab.push({ d, s, alpha: f32(1 / cell) });
    if (fs2 - s2 > 1e-3)
      tab.push({ d, s: s2, alpha: f32(Math.min(Math.min(fs2 - s2, 1), cell) / cell) });
  }
  return tab;
}

/** INTER_AREA for non-integer shrink factors: float32 area sums, as `ResizeArea_Invoker`. */
function areaGeneral(img: RgbImage, ow: number, oh: number, sx: number, sy: number): RgbImage {
  const { width: iw, height: ih, data: src } = img;
  const xtab = areaTable(iw, ow, sx);
  const ytab = areaTable(ih, oh, sy);
  const width = ow * 3;
  const out = new Uint8Array(width * oh);
  const buf = new Float64Array(width);
  const sum = new Float64Array(width);
  let prev = ytab[0]?.d ?? 0;
  const flush = (dy: number) => {
    for (let x = 0; x < width; x++) out[dy * width + x] = toByte(sum[x]!);
  };
  for (const { d: dy, s: srow, alpha: beta } of ytab) {
    buf.fill(0);
    const row = srow * iw * 3;
    for (const { d, s, alpha } of xtab) {
      for (let c = 0; c < 3; c++)
        buf[d * 3 + c] = f32(buf[d * 3 + c]! + f32(src[row + s * 3 + c]! * alpha));
    }
    if (dy !== prev) {
      flush(prev);
      for (let x = 0; x < width; x++) sum[x] = f32(beta * buf[x]!);
      prev = dy;
    } else {
      for (let x = 0; x < width; x++) sum[x] = f32(sum[x]! + f32(beta * buf[x]!));
    }
  }
  flush(prev);
  return { width: ow, height: oh, data: out };
}

function nearest(img: RgbImage, ow: number, oh: number, win: PixelWindow): RgbImage {
  const { width: iw, height: ih, data: src } = img;
  const ifx = 1 / (ow / iw);
  const ify = 1 / (oh / ih);
  const out = new Uint8Array(win.width * win.height * 3);
  for (let y = 0; y < win.height; y++) {
    const sy = Math.min(Math.floor((win.top + y) * ify), ih - 1);
    for (let x = 0; x < win.width; x++) {
      const sx = Math.min(Math.floor((win.left + x) * ifx), iw - 1);
      const i = (sy * iw + sx) * 3;
      const o = (y * win.width + x) * 3;
      out[o] = src[i]!;
      out[o + 1] = src[i + 1]!;
      out[o + 2] = src[i + 2]!;
    }
  }
  return { width: win.width, height: win.height, data: out };
}

/**
 * `cv2.resize(img, (ow, oh), interpolation=INTER_<interpolation>)`; only the pixels of `window`
 * (default: all) are returned.
 */
export function resizeOpenCv(
  img: RgbImage,
  ow: number,
  oh: number,
  interpolation: OpenCvInterpolation,
  window: PixelWindow = wholeImage(ow, oh),
): RgbImage {
  if (ow === img.width && oh === img.height) return cropToWindow(img, window);
  if (interpolation === 'nearest') return nearest(img, ow, oh, window);
  const invX = ow / img.width;
  const invY = oh / img.height;
  const scaleX = 1 / invX;
  const scaleY = 1 / invY;
  const kx = roundEven(scaleX);
  const ky = roundEven(scaleY);
  const integral = Math.abs(scaleX - kx) < Number.EPSILON && Math.abs(scaleY - ky) < Number.EPSILON;
  let mode = interpolation;
  if (mode === 'linear' && integral && kx === 2 && ky === 2) mode = 'area';
  if (mode === 'area' && scaleX >= 1 && scaleY >= 1) {
    const all = integral ? areaFast(img, ow, oh, kx, ky) : areaGeneral(img, ow, oh, scaleX, scaleY);
    return cropToWindow(all, window);
  }
  return resizeGeneric(img, ow, oh, mode === 'cubic' ? 4 : 2, mode === 'area', window);
}
