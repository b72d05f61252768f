/**
 * Noise family: gaussian_noise, shot_noise, impulse_noise, speckle_noise
 * (reference: `gaussian_noise`, `shot_noise`, `impulse_noise`, `speckle_noise` in
 * ImageNet-C/imagenet_c/imagenet_c/corruptions.py and make_cifar_c.py). Noise is drawn
 * independently per channel value, as the reference draws it over the H×W×3 array; for a gray
 * image (ctx.channels = 1) once per pixel, as it draws it over an H×W array.
 */
import type { RgbImage } from '../types.js';
import type { CorruptionContext, Severity } from './types.js';

/**
 * Apply `noise` to the values noise is drawn for: every channel value, or for a gray image
 * (R = G = B, ctx.channels = 1) one value per pixel, written back to all three channels.
 */
function perValue(
  img: RgbImage,
  ctx: CorruptionContext,
  noise: (values: Uint8Array) => Uint8Array,
): RgbImage {
  const { width, height } = img;
  if (ctx.channels === 3) return { width, height, data: noise(img.data) };
  const plane = new Uint8Array(width * height);
  for (let p = 0; p < plane.length; p++) plane[p] = img.data[3 * p]!;
  const out = noise(plane);
  const data = new Uint8Array(img.data.length);
  for (let p = 0, d = 0; p < out.length; p++, d += 3) {
    data[d] = data[d + 1] = data[d + 2] = out[p]!;
  }
  return { width, height, data };
}

/** x + N(0, c), clipped: c is the std in units of the full range. */
export function gaussianNoise(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const std = ctx.params.gaussian_noise[severity - 1]! * 255;
  return perValue(img, ctx, (src) => {
    const out = new Uint8Array(src.length);
    const z = new Float32Array(src.length);
    ctx.rng.fillNormal(z, 0, std);
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! + z[i]!;
      out[i] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
    return out;
  });
}

/** x + x·N(0, c), clipped (multiplicative noise). */
export function speckleNoise(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const c = ctx.params.speckle_noise[severity - 1]!;
  return perValue(img, ctx, (src) => {
    const out = new Uint8Array(src.length);
    const z = new Float32Array(src.length);
    ctx.rng.fillNormal(z, 0, c);
    for (let i = 0; i < src.length; i++) {
      const x = src[i]!;
      const v = x + x * z[i]!;
      out[i] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
    return out;
  });
}

/**
 * Inverse-CDF tables for Poisson(v/255 · c), one per byte value v, truncated at k = c because
 * every k ≥ c clips to 255. A guide table (Chen & Asau) makes each draw O(1) on average.
 */
interface PoissonTables {
  /** cdf[v] over k = 0..c-1; u ≥ last entry means k ≥ c. */
  cdf: Float64Array[];
  guide: Int32Array[];
  /** output byte for each k = 0..c */
  bytes: Uint8Array;
}

const GUIDE = 64;
const poissonCache = new Map<number, PoissonTables>();

function poissonTables(c: number): PoissonTables {
  const hit = poissonCache.get(c);
  if (hit) return hit;
  const kmax = Math.ceil(c);
  const cdf: Float64Array[] = [];
  const guide: Int32Array[] = [];
  for (let v = 0; v < 256; v++) {
    const lambda = (v / 255) * c;
    const F = new Float64Array(kmax);
    // pmf recursion from k = 0; exp(-λ) ≥ exp(-500) ≈ 7e-218 stays a normal double.
    let p = Math.exp(-lambda);
    let acc = 0;
    for (let k = 0; k < kmax; k++) {
      acc += p;
      F[k] = acc;
      p = (p * lambda) / (k + 1);
    }
    const g = new Int32Array(GUIDE);
    let k = 0;
    for (let j = 0; j < GUIDE; j++) {
      while (k < kmax && F[k]! <= j / GUIDE) k++;
      g[j] = k;
    }
    cdf.push(F);
    guide.push(g);
  }
  const bytes = new Uint8Array(kmax + 1);
  for (let k = 0; k <= kmax; k++) bytes[k] = Math.min(1, k / c) * 255;
  const tables = { cdf, guide, bytes };
  poissonCache.set(c, tables);
  return tables;
}

/** Poisson(x·c)/c, clipped: photon noise with c photons at full scale. */
export function shotNoise(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const c = ctx.params.shot_noise[severity - 1]!;
  const { cdf, guide, bytes } = poissonTables(c);
  const kmax = bytes.length - 1;
  return perValue(img, ctx, (src) => {
    const out = new Uint8Array(src.length);
    const raw = new Int32Array(src.length);
    ctx.rng.fillI32(raw);
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      const F = cdf[v]!;
      const u = (raw[i]! >>> 0) * 2.3283064365386963e-10; // 2^-32
      let k = guide[v]![(u * GUIDE) | 0]!;
      while (k < kmax && F[k]! <= u) k++;
      out[i] = bytes[k]!;
    }
    return out;
  });
}

/**
 * Salt-and-pepper (skimage `random_noise(mode='s&p', amount=c)`): each value is replaced
 * with probability c, by 0 or 255 with equal odds. Replaced positions are found by geometric
 * skips, so the cost is proportional to the number replaced.
 */
export function impulseNoise(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const amount = ctx.params.impulse_noise[severity - 1]!;
  return perValue(img, ctx, (src) => {
    const out = src.slice();
    const rng = ctx.rng;
    const logq = Math.log1p(-amount);
    const n = out.length;
    let i = -1;
    for (;;) {
      i += 1 + Math.floor(Math.log(rng.uniformOpen()) / logq);
      if (i >= n) break;
      out[i] = rng.nextI32() < 0 ? 0 : 255;
    }
    return out;
  });
}
