/**
 * Pillow's `Image.resize(size, Image.BOX)` on 8-bit RGB, bit for bit (Pillow's Resample.c, as
 * documented in its source: per-axis coefficients in double precision, normalised, converted to
 * 22-bit fixed point, a horizontal pass then a vertical pass with rounding to 8 bits in
 * between). test/unit/corruptions-pil.test.ts checks it against Pillow's own output.
 */

import { reserve, wasmKernels } from './wasm.js';

/** Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits. */
const ONE = 1 << 22;

/** Per-output source ranges and fixed-point weights along one axis. */
interface Coeffs {
  /** First source index of output o. */
  min: Int32Array;
  /** Number of source samples of output o. */
  count: Int32Array;
  /** count[o] weights of output o at o·ksize. */
  weights: Int32Array;
  ksize: number;
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
  }
  return { min, count, weights, ksize };
}

/**
 * Resize interleaved RGB bytes from w×h through each size of `sizes` in turn, each step as
 * Pillow's `resize((ow, oh), Image.BOX)` does it: a horizontal pass when the width changes, then
 * a vertical pass when the height changes. The passes run in the WebAssembly kernels
 * (kernels.c pil_resample_h / _v: the same fixed-point sums and clip8), intermediate images
 * staying in the module's memory.
 */
export function resizeBox(
  src: Uint8Array,
  w: number,
  h: number,
  sizes: readonly (readonly [number, number])[],
): Uint8Array {
  const plan = boxPlan(w, h, sizes);
  if (plan.passes.length === 0) return src.slice();
  const k = wasmKernels();
  // Layout: two ping-pong image buffers, then every pass's coefficients (one block).
  const [pA, pB, pC] = reserve(k, [
    3 * plan.largest + 16,
    3 * plan.largest + 16,
    plan.coeffs.byteLength,
  ]) as [number, number, number];
  const buf = k.memory.buffer;
  new Uint8Array(buf, pA, src.length).set(src);
  new Int32Array(buf, pC, plan.coeffs.length).set(plan.coeffs);
  let from = pA;
  let to = pB;
  for (const p of plan.passes) {
    const [pMin, pCount, pWeights] = [pC + p.min, pC + p.count, pC + p.weights];
    if (p.axis === 'h')
      k.pil_resample_h(from, to, p.w, p.h, p.out, pMin, pCount, pWeights, p.ksize);
    else k.pil_resample_v(from, to, p.w * 3, p.out, pMin, pCount, pWeights, p.ksize);
    [from, to] = [to, from];
  }
  return new Uint8Array(buf, from, plan.width * plan.height * 3).slice();
}

/** The passes of one chain of resizes, their coefficients in one block (byte offsets into it). */
interface BoxPlan {
  passes: {
    axis: 'h' | 'v';
    w: number;
    h: number;
    out: number;
    ksize: number;
    min: number;
    count: number;
    weights: number;
  }[];
  coeffs: Int32Array;
  /** The most pixels any step holds. */
  largest: number;
  width: number;
  height: number;
}

const planCache = new Map<string, BoxPlan>();

/**
 * The passes of {@link resizeBox} (cached: at 32×32 pixelate's whole resize is ~10 µs, and
 * building the tables and their layout per call cost about as much).
 */
function boxPlan(w: number, h: number, sizes: readonly (readonly [number, number])[]): BoxPlan {
  const key = `${w}x${h}:${sizes.join(';')}`;
  const hit = planCache.get(key);
  if (hit) return hit;
  let largest = w * h;
  let [cw, ch] = [w, h];
  const steps: { axis: 'h' | 'v'; c: Coeffs; w: number; h: number; out: number }[] = [];
  for (const [ow, oh] of sizes) {
    if (ow !== cw) steps.push({ axis: 'h', c: boxCoeffs(cw, ow), w: cw, h: ch, out: ow });
    cw = ow;
    largest = Math.max(largest, cw * ch);
    if (oh !== ch) steps.push({ axis: 'v', c: boxCoeffs(ch, oh), w: cw, h: ch, out: oh });
    ch = oh;
    largest = Math.max(largest, cw * ch);
  }
  const total = steps.reduce(
    (n, s) => n + s.c.min.length + s.c.count.length + s.c.weights.length,
    0,
  );
  const coeffs = new Int32Array(total);
  let at = 0;
  const put = (a: Int32Array) => {
    coeffs.set(a, at);
    at += a.length;
    return 4 * (at - a.length);
  };
  const passes = steps.map((s) => ({
    axis: s.axis,
    w: s.w,
    h: s.h,
    out: s.out,
    ksize: s.c.ksize,
    min: put(s.c.min),
    count: put(s.c.count),
    weights: put(s.c.weights),
  }));
  const plan = { passes, coeffs, largest, width: cw, height: ch };
  if (planCache.size >= 64) planCache.clear();
  planCache.set(key, plan);
  return plan;
}
