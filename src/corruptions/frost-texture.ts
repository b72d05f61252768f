/**
 * Procedural stand-ins for the reference's frost photographs (ImageNet-C ships frost1.png …
 * frost6.jpg; `frost` picks one of the first five with randint(5) and crops it). We cannot ship
 * those photographs, so we synthesise five textures of the same sizes whose per-channel mean and
 * standard deviation match the measured photographs (see {@link FROST_TARGETS}); the structure is
 * ice needles with ±60° side branches (hexagonal ice grows that way) over a plasma background.
 * Textures are generated once per process from fixed seeds, so they are the same everywhere.
 */
import { gaussianBlur } from './filters.js';
import { plasmaFractal } from './plasma.js';
import { Rng } from './rng.js';

interface FrostTarget {
  /** Height × width of the reference photograph. */
  height: number;
  width: number;
  /** Per-channel (R, G, B) mean and standard deviation measured on the photograph. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Needles per 10 000 px, their length range and the weight of the smooth background. */
  density: number;
  length: readonly [number, number];
  background: number;
  /** Blur of the needle layer (px): lower is crisper. */
  softness: number;
}

/**
 * Measured on hendrycks/robustness ImageNet-C/imagenet_c/imagenet_c/frost/frost{1..5}: size,
 * channel means and standard deviations. frost2 and frost3 have the same statistics.
 */
export const FROST_TARGETS: readonly FrostTarget[] = [
  {
    height: 600,
    width: 900,
    mean: [77.7, 149.1, 165.7],
    std: [26.9, 16.5, 15.3],
    density: 40,
    length: [10, 40],
    background: 0.6,
    softness: 1,
  },
  {
    height: 315,
    width: 560,
    mean: [200.8, 205.4, 214.5],
    std: [21.4, 22.1, 22.6],
    density: 70,
    length: [8, 45],
    background: 0.4,
    softness: 0.8,
  },
  {
    height: 315,
    width: 560,
    mean: [200.8, 205.4, 214.5],
    std: [21.4, 22.1, 22.6],
    density: 70,
    length: [8, 45],
    background: 0.4,
    softness: 0.8,
  },
  {
    height: 350,
    width: 527,
    mean: [137.6, 152.8, 165.2],
    std: [28.5, 28.5, 29.9],
    density: 120,
    length: [5, 25],
    background: 0.5,
    softness: 0.6,
  },
  {
    height: 495,
    width: 660,
    mean: [112.4, 123.4, 134.8],
    std: [44.4, 43.3, 41.7],
    density: 90,
    length: [6, 35],
    background: 0.9,
    softness: 0.6,
  },
];

export interface Texture {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Add `v` at a sub-pixel position with bilinear weights, wrapping around the edges. */
function splat(buf: Float32Array, w: number, h: number, x: number, y: number, v: number): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const xa = ((x0 % w) + w) % w;
  const xb = (xa + 1) % w;
  const ya = ((y0 % h) + h) % h;
  const yb = (ya + 1) % h;
  buf[ya * w + xa]! += v * (1 - fx) * (1 - fy);
  buf[ya * w + xb]! += v * fx * (1 - fy);
  buf[yb * w + xa]! += v * (1 - fx) * fy;
  buf[yb * w + xb]! += v * fx * fy;
}

function needle(
  buf: Float32Array,
  w: number,
  h: number,
  rng: Rng,
  x: number,
  y: number,
  angle: number,
  length: number,
  depth: number,
): void {
  const cx = Math.cos(angle);
  const cy = Math.sin(angle);
  // Mostly faint needles, a few bright ones, as in the photographs.
  const u = rng.uniform();
  const intensity = 0.2 + 0.8 * u * u;
  for (let s = 0; s < length; s += 0.5) {
    splat(buf, w, h, x + cx * s, y + cy * s, intensity * (1 - (0.5 * s) / length));
    if (depth > 0 && s > 2 && rng.uniform() < 0.12) {
      const side = rng.uniform() < 0.5 ? -1 : 1;
      const branch = (length - s) * (0.25 + 0.35 * rng.uniform());
      if (branch > 1.5) {
        needle(
          buf,
          w,
          h,
          rng,
          x + cx * s,
          y + cy * s,
          angle + (side * Math.PI) / 3,
          branch,
          depth - 1,
        );
      }
    }
  }
}

function generate(index: number): Texture {
  const t = FROST_TARGETS[index]!;
  const { width: w, height: h } = t;
  const rng = Rng.fromKey(`visiongate-frost-${index}`);
  const n = w * h;
  // Needles: clustered orientations, as frost grows in domains.
  const needles = new Float32Array(n);
  const count = Math.round((t.density * n) / 10000);
  let domainAngle = rng.uniformRange(0, Math.PI);
  for (let i = 0; i < count; i++) {
    if (i % 25 === 0) domainAngle = rng.uniformRange(0, Math.PI);
    const angle = domainAngle + rng.normal() * 0.6 + (rng.uniform() < 0.5 ? 0 : Math.PI);
    const length = rng.uniformRange(t.length[0], t.length[1]);
    needle(needles, w, h, rng, rng.uniformRange(0, w), rng.uniformRange(0, h), angle, length, 2);
  }
  for (let i = 0; i < n; i++) needles[i] = 1 - Math.exp(-1.5 * needles[i]!);
  const crisp = gaussianBlur(needles, w, h, 1, t.softness, 'reflect');
  // Background: plasma (large-scale thickness of the ice) plus fine grain.
  let size = 2;
  while (size < Math.max(w, h)) size *= 2;
  const plasma = plasmaFractal(size, 2, rng);
  const grain = new Float32Array(n);
  rng.fillNormal(grain, 0, 1);
  const grainBlur = gaussianBlur(grain, w, h, 1, 0.7, 'reflect');
  const s = new Float64Array(n);
  let sum = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = crisp[i]! + t.background * plasma[y * size + x]! + 0.08 * grainBlur[i]!;
      s[i] = v;
      sum += v;
    }
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (s[i]! - mean) ** 2;
  const std = Math.sqrt(sq / n) || 1;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = (s[i]! - mean) / std;
    for (let c = 0; c < 3; c++) {
      const v = t.mean[c]! + t.std[c]! * z + 0.5;
      data[i * 3 + c] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
  }
  return { width: w, height: h, data };
}

/**
 * The reference's CIFAR variant shrinks the photograph with `cv2.resize(fx=0.2, fy=0.2)`
 * (INTER_LINEAR): at exactly 1/5 that samples source pixel 5·i + 2.
 */
function shrinkFifth(t: Texture): Texture {
  const w = Math.round(t.width * 0.2);
  const h = Math.round(t.height * 0.2);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(t.height - 1, 5 * y + 2);
    for (let x = 0; x < w; x++) {
      const sx = Math.min(t.width - 1, 5 * x + 2);
      const s = (sy * t.width + sx) * 3;
      const d = (y * w + x) * 3;
      data[d] = t.data[s]!;
      data[d + 1] = t.data[s + 1]!;
      data[d + 2] = t.data[s + 2]!;
    }
  }
  return { width: w, height: h, data };
}

const cache = new Map<string, Texture>();

/** Frost texture `index` (0–4), full size (`imagenet`) or shrunk by 5 (`cifar`). Cached. */
export function frostTexture(index: number, small: boolean): Texture {
  const key = `${index}|${small}`;
  let t = cache.get(key);
  if (!t) {
    t = small ? shrinkFifth(frostTexture(index, false)) : generate(index);
    cache.set(key, t);
  }
  return t;
}
