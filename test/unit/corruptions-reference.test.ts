// Worked examples: each corruption checked against numbers computed by hand from the published
// parameters (ImageNet-C/imagenet_c/imagenet_c/corruptions.py, ImageNet-C/create_c/make_cifar_c.py).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  applyCorruption,
  CIFAR_PARAMS,
  IMAGENET_PARAMS,
  type CorruptionName,
  type Severity,
} from '../../src/corruptions/index.js';
import { FROST_TARGETS, frostTexture } from '../../src/corruptions/frost-texture.js';
import { quantTable } from '../../src/corruptions/jpeg.js';
import { Rng } from '../../src/corruptions/rng.js';
import type { RgbImage } from '../../src/types.js';

function solid(w: number, h: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width: w, height: h, data };
}

/** Black image with one white pixel in the middle (odd size). */
function impulse(size: number): RgbImage {
  const img = solid(size, size, [0, 0, 0]);
  const c = ((size >> 1) * size + (size >> 1)) * 3;
  img.data.fill(255, c, c + 3);
  return img;
}

function px(img: RgbImage, x: number, y: number): [number, number, number] {
  const p = (y * img.width + x) * 3;
  return [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
}

function stats(values: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let q = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]!;
    q += values[i]! ** 2;
  }
  const mean = s / values.length;
  return { mean, std: Math.sqrt(q / values.length - mean * mean) };
}

function maxOf(d: Uint8Array): number {
  let m = 0;
  for (const v of d) if (v > m) m = v;
  return m;
}

function minOf(d: Uint8Array): number {
  let m = 255;
  for (const v of d) if (v < m) m = v;
  return m;
}

const run = (
  img: RgbImage,
  name: CorruptionName,
  s: Severity,
  table: 'imagenet' | 'cifar' = 'imagenet',
) => applyCorruption(img, name, s, { seedKey: 'worked', table });

describe('noise', () => {
  it('gaussian_noise: sample std on mid-grey is c·255', async () => {
    for (const [s, table, c] of [
      [1, 'imagenet', 0.08],
      [2, 'imagenet', 0.12],
      [5, 'cifar', 0.1],
    ] as const) {
      expect(
        IMAGENET_PARAMS.gaussian_noise[s - 1] === c || CIFAR_PARAMS.gaussian_noise[s - 1] === c,
      ).toBe(true);
      const out = await run(solid(200, 200, [128, 128, 128]), 'gaussian_noise', s, table);
      const { mean, std } = stats(out.data);
      expect(std / (c * 255)).toBeGreaterThan(0.98);
      expect(std / (c * 255)).toBeLessThan(1.02);
      expect(Math.abs(mean - 127.5)).toBeLessThan(0.3); // truncation lowers the mean by ~0.5
    }
  });

  it('shot_noise: Poisson(x·c)/c — mean x, std 255·√(x·c)/c, values on the k·255/c grid', async () => {
    // ImageNet severity 1: c = 60; x = 128/255 → λ = 30.12, std = 4.25·√λ = 23.32
    const out = await run(solid(200, 200, [128, 128, 128]), 'shot_noise', 1);
    const lambda = (128 / 255) * 60;
    const { mean, std } = stats(out.data);
    expect(Math.abs(mean - 128)).toBeLessThan(0.6);
    expect(std / ((255 * Math.sqrt(lambda)) / 60)).toBeGreaterThan(0.98);
    expect(std / ((255 * Math.sqrt(lambda)) / 60)).toBeLessThan(1.02);
    const grid = new Set(
      Array.from({ length: 61 }, (_, k) => Math.trunc((Math.min(k, 60) / 60) * 255)),
    );
    expect(out.data.every((v) => grid.has(v))).toBe(true);
    // λ = 0 for black: no photons, stays black.
    expect((await run(solid(20, 20, [0, 0, 0]), 'shot_noise', 5)).data.every((v) => v === 0)).toBe(
      true,
    );
  });

  it('impulse_noise: c/2 of the values become 0 and c/2 become 255', async () => {
    const out = await run(solid(200, 200, [128, 128, 128]), 'impulse_noise', 3); // c = 0.09
    const n = out.data.length;
    const zeros = out.data.filter((v) => v === 0).length / n;
    const full = out.data.filter((v) => v === 255).length / n;
    const same = out.data.filter((v) => v === 128).length / n;
    expect(Math.abs(zeros - 0.045)).toBeLessThan(0.003);
    expect(Math.abs(full - 0.045)).toBeLessThan(0.003);
    expect(zeros + full + same).toBe(1);
  });

  it('speckle_noise: x + x·N(0, c), std x·c', async () => {
    const out = await run(solid(200, 200, [100, 100, 100]), 'speckle_noise', 1); // c = 0.15
    const { mean, std } = stats(out.data);
    expect(Math.abs(std / 15 - 1)).toBeLessThan(0.02);
    expect(Math.abs(mean - 99.5)).toBeLessThan(0.3);
  });
});

describe('blur', () => {
  it('gaussian_blur: impulse response of σ = 1, radius int(4σ + 0.5) = 4', async () => {
    // 1-D taps e^(−k²/2)/Σ, Σ over k = −4..4 = 2.50662; w0 = 0.398943, w1 = 0.241971
    const sum = 1 + 2 * (Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5) + Math.exp(-8));
    const w0 = 1 / sum;
    const w1 = Math.exp(-0.5) / sum;
    const out = await run(impulse(15), 'gaussian_blur', 1);
    expect(px(out, 7, 7)).toEqual([40, 40, 40]); // 255·w0² = 40.58
    expect(Math.trunc(255 * w0 * w0)).toBe(40);
    expect(px(out, 8, 7)[0]).toBe(Math.trunc(255 * w0 * w1)); // 24
    expect(px(out, 8, 8)[0]).toBe(Math.trunc(255 * w1 * w1)); // 14
    expect(px(out, 12, 7)[0]).toBe(0); // beyond the radius
  });

  it('defocus_blur: ImageNet severity 1 is the 29-pixel disk of radius 3', async () => {
    // X² + Y² ≤ 9: 7 + 2·5 + 2·5 + 2·1 = 29 points, each 255/29 = 8.79; alias σ = 0.1 is a no-op
    const out = await run(impulse(21), 'defocus_blur', 1);
    const lit = [];
    for (let y = 0; y < 21; y++)
      for (let x = 0; x < 21; x++) if (px(out, x, y)[0] > 0) lit.push([x - 10, y - 10]);
    expect(lit).toHaveLength(29);
    expect(lit.every(([dx, dy]) => dx! * dx! + dy! * dy! <= 9)).toBe(true);
    expect(px(out, 10, 10)).toEqual([8, 8, 8]);
  });

  it('defocus_blur: CIFAR severity 1 (r = 0.3) is just the 3×3 anti-alias Gaussian of σ = 0.4', async () => {
    const e = Math.exp(-1 / (2 * 0.4 * 0.4));
    const w0 = 1 / (1 + 2 * e);
    const w1 = e / (1 + 2 * e);
    const out = await run(impulse(9), 'defocus_blur', 1, 'cifar');
    expect(px(out, 4, 4)[0]).toBe(Math.trunc(255 * w0 * w0)); // 215
    expect(px(out, 5, 4)[0]).toBe(Math.trunc(255 * w0 * w1)); // 9
    expect(px(out, 5, 5)[0]).toBe(Math.trunc(255 * w1 * w1)); // 0
  });

  it('glass_blur: CIFAR severity 1 (σ = 0.05 → no blur) only copies each pixel from (y+dy, x+dx), dx, dy ∈ {−1, 0}', async () => {
    const rng = Rng.fromKey('glass');
    const img = solid(32, 32, [0, 0, 0]);
    for (let i = 0; i < img.data.length; i++) img.data[i] = rng.nextU32() & 255;
    const out = await run(img, 'glass_blur', 1, 'cifar');
    let moved = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const v = px(out, x, y).join();
        const inRange = y >= 2 && x >= 2; // the reference loops h, w from 31 down to δ + 1 = 2
        const candidates = inRange
          ? [px(img, x, y), px(img, x - 1, y), px(img, x, y - 1), px(img, x - 1, y - 1)].map((c) =>
              c.join(),
            )
          : [px(img, x, y).join()];
        expect(candidates).toContain(v);
        if (v !== px(img, x, y).join()) moved++;
      }
    }
    expect(moved).toBeGreaterThan(500); // ¾ of the 900 shuffled pixels draw a non-zero offset
  });

  it('motion_blur: ImageMagick kernel, tap i weighs e^(−i²/2σ²)/Σ; the impulse keeps tap 0', async () => {
    // CIFAR severity 3: radius 6, σ 2 → width 13. Output pixel p reads p + round(i·(cos θ, sin θ)),
    // so the impulse's own position only gets tap 0; the taps spread along one line (two taps can
    // land on the same pixel when |cos θ| < 1) and keep the total.
    const k = Array.from({ length: 13 }, (_, i) => Math.exp(-(i * i) / 8));
    const sum = k.reduce((a, b) => a + b, 0);
    const out = await run(impulse(41), 'motion_blur', 3, 'cifar');
    expect(px(out, 20, 20)[0]).toBe(Math.round((255 * k[0]!) / sum)); // 85
    let total = 0;
    let lit = 0;
    for (let i = 0; i < out.data.length; i += 3) {
      total += out.data[i]!;
      if (out.data[i]! > 0) lit++;
    }
    expect(Math.abs(total - 255)).toBeLessThanOrEqual(6);
    expect(lit).toBeGreaterThanOrEqual(5);
    expect(lit).toBeLessThanOrEqual(13);
  });

  it('zoom_blur: zoom factors are numpy aranges (1.11 itself is in arange(1, 1.11, 0.01))', () => {
    expect(IMAGENET_PARAMS.zoom_blur.map((z) => z.length)).toEqual([12, 16, 11, 13, 11]);
    expect(CIFAR_PARAMS.zoom_blur.map((z) => z.length)).toEqual([7, 12, 16, 21, 26]);
    expect(IMAGENET_PARAMS.zoom_blur[0].at(-1)).toBeCloseTo(1.11, 12);
    expect(IMAGENET_PARAMS.zoom_blur[4].at(-1)).toBeCloseTo(1.3, 12);
  });

  it('every blur leaves a flat image unchanged', async () => {
    for (const name of [
      'gaussian_blur',
      'defocus_blur',
      'glass_blur',
      'motion_blur',
      'zoom_blur',
    ] as const) {
      for (const table of ['imagenet', 'cifar'] as const) {
        const img = solid(table === 'cifar' ? 32 : 96, table === 'cifar' ? 32 : 96, [17, 128, 250]);
        const out = await run(img, name, 5, table);
        expect(Buffer.from(out.data).equals(Buffer.from(img.data)), `${name} ${table}`).toBe(true);
      }
    }
  });
});

describe('weather', () => {
  it('snow: away from flakes x′ = c₆·x + (1−c₆)·max(x, 1.5·gray + 0.5)', async () => {
    // ImageNet severity 1, c₆ = 0.8, pixel (200, 40, 40): gray = 87.84/255, lift = 1.0167 for
    // every channel → R = (0.8·200/255 + 0.2·1.0167)·255 = 211.85, G = B = 83.85
    const gray = (0.299 * 200 + 0.587 * 40 + 0.114 * 40) / 255;
    const lift = gray * 1.5 + 0.5;
    const r = Math.trunc((0.8 * (200 / 255) + 0.2 * lift) * 255);
    const g = Math.trunc((0.8 * (40 / 255) + 0.2 * lift) * 255);
    expect([r, g]).toEqual([211, 83]);
    const out = await run(solid(96, 96, [200, 40, 40]), 'snow', 1);
    let minR = 255;
    let minG = 255;
    for (let i = 0; i < out.data.length; i += 3) {
      minR = Math.min(minR, out.data[i]!);
      minG = Math.min(minG, out.data[i + 1]!);
      expect(out.data[i + 1]).toBe(out.data[i + 2]); // flakes are white: G and B stay equal
    }
    expect([minR, minG]).toEqual([r, g]);
  });

  it('frost: a·x + b·frost; black shows b·frost, white with a = 1 stays white', async () => {
    // ImageNet severity 1: (a, b) = (1, 0.4); CIFAR severity 1: (1, 0.2)
    const dark = await run(solid(224, 224, [0, 0, 0]), 'frost', 1);
    expect(maxOf(dark.data)).toBeLessThanOrEqual(102);
    expect(maxOf(dark.data)).toBeGreaterThan(40);
    const white = await run(solid(224, 224, [255, 255, 255]), 'frost', 1);
    expect(white.data.every((v) => v === 255)).toBe(true);
    const small = await run(solid(32, 32, [0, 0, 0]), 'frost', 1, 'cifar');
    expect(maxOf(small.data)).toBeLessThanOrEqual(51);
  });

  it('frost textures match the reference photographs’ size and per-channel mean and std', () => {
    FROST_TARGETS.forEach((t, i) => {
      const tex = frostTexture(i, false);
      expect([tex.width, tex.height]).toEqual([t.width, t.height]);
      for (let c = 0; c < 3; c++) {
        const ch = tex.data.filter((_, k) => k % 3 === c);
        const { mean, std } = stats(ch);
        expect(Math.abs(mean - t.mean[c]!)).toBeLessThan(3);
        expect(Math.abs(std / t.std[c]! - 1)).toBeLessThan(0.15);
      }
      const small = frostTexture(i, true); // cv2.resize(fx = fy = 0.2)
      expect([small.width, small.height]).toEqual([
        Math.round(t.width * 0.2),
        Math.round(t.height * 0.2),
      ]);
    });
  });

  it('fog: x·max/(max + c) after adding c·plasma; white spans 255/(1 + c) … 255, black stays black', async () => {
    // ImageNet severity 1: c = 1.5; a 256×256 image covers the whole 256² plasma map (min 0, max 1)
    const out = await run(solid(256, 256, [255, 255, 255]), 'fog', 1);
    expect(minOf(out.data)).toBe(Math.trunc(255 / 2.5)); // 102
    expect(maxOf(out.data)).toBe(255);
    expect((await run(solid(64, 64, [0, 0, 0]), 'fog', 5)).data.every((v) => v === 0)).toBe(true);
  });

  it('brightness: V + c in HSV scales the pixel by V′/V', async () => {
    // (100, 50, 200): V = 200/255; ImageNet severity 1 (c = 0.1) → V′ = 225.5/255 → ×1.1275
    expect(px(await run(solid(4, 4, [100, 50, 200]), 'brightness', 1), 0, 0)).toEqual([
      112, 56, 225,
    ]);
    // CIFAR severity 5 (c = 0.3): V′ clips at 1 → ×255/200
    expect(px(await run(solid(4, 4, [100, 50, 200]), 'brightness', 5, 'cifar'), 0, 0)).toEqual([
      127, 63, 255,
    ]);
    // black has S = 0: it becomes grey c·255 = 25.5
    expect(px(await run(solid(4, 4, [0, 0, 0]), 'brightness', 1), 0, 0)).toEqual([25, 25, 25]);
  });

  it('spatter: mud blends towards (63, 42, 20); water adds pale turquoise (175, 238, 238)', async () => {
    const mud = await run(solid(224, 224, [255, 255, 255]), 'spatter', 4); // mud severities 4–5
    let changed = 0;
    for (let i = 0; i < mud.data.length; i += 3) {
      const [r, g, b] = [mud.data[i]!, mud.data[i + 1]!, mud.data[i + 2]!];
      if (r === 255 && g === 255 && b === 255) continue;
      changed++;
      const t = (255 - r) / (255 - 63); // blend weight m ≥ 0.8
      expect(t).toBeGreaterThan(0.79);
      expect(Math.abs(g - (255 - t * (255 - 42)))).toBeLessThanOrEqual(2);
      expect(Math.abs(b - (255 - t * (255 - 20)))).toBeLessThanOrEqual(2);
    }
    expect(changed).toBeGreaterThan(100);
    const water = await run(solid(224, 224, [0, 0, 0]), 'spatter', 1);
    let lit = 0;
    for (let i = 0; i < water.data.length; i += 3) {
      const [r, g, b] = [water.data[i]!, water.data[i + 1]!, water.data[i + 2]!];
      expect(g).toBe(b);
      if (g > 20) {
        lit++;
        expect(Math.abs(r - (g * 175) / 238)).toBeLessThanOrEqual(1.5);
      }
    }
    expect(lit).toBeGreaterThan(50);
  });
});

describe('digital', () => {
  it('contrast: per-channel mean-preserving scale by c', async () => {
    // left half 0, right half 200 → mean 100; ImageNet severity 1 (c = 0.4) → 60 and 140
    const img = solid(10, 10, [0, 0, 0]);
    for (let y = 0; y < 10; y++)
      for (let x = 5; x < 10; x++) img.data.fill(200, (y * 10 + x) * 3, (y * 10 + x) * 3 + 3);
    const out = await run(img, 'contrast', 1);
    expect(px(out, 0, 0)[0]).toBeGreaterThanOrEqual(59);
    expect(px(out, 0, 0)[0]).toBeLessThanOrEqual(60);
    expect(px(out, 9, 9)[0]).toBeGreaterThanOrEqual(139);
    expect(px(out, 9, 9)[0]).toBeLessThanOrEqual(140);
  });

  it('elastic_transform: CIFAR severity 1 has α = 0, a pure affine map: ramps stay ramps', async () => {
    const img = solid(32, 32, [0, 0, 0]);
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) img.data.set([20 + 6 * x, 20 + 6 * y, 128], (y * 32 + x) * 3);
    const out = await run(img, 'elastic_transform', 1, 'cifar');
    expect(Buffer.from(out.data).equals(Buffer.from(img.data))).toBe(false);
    for (let y = 8; y < 24; y++) {
      for (let x = 8; x < 24; x++) {
        for (let c = 0; c < 2; c++) {
          const d2x = px(out, x - 1, y)[c]! - 2 * px(out, x, y)[c]! + px(out, x + 1, y)[c]!;
          const d2y = px(out, x, y - 1)[c]! - 2 * px(out, x, y)[c]! + px(out, x, y + 1)[c]!;
          expect(Math.abs(d2x)).toBeLessThanOrEqual(2);
          expect(Math.abs(d2y)).toBeLessThanOrEqual(2);
        }
      }
    }
  });

  it('pixelate: ImageNet severity 2 (c = 0.5) turns 200×200 into constant 2×2 blocks of the block mean', async () => {
    const rng = Rng.fromKey('pix');
    const img = solid(200, 200, [0, 0, 0]);
    for (let i = 0; i < img.data.length; i++) img.data[i] = rng.nextU32() & 255;
    const out = await run(img, 'pixelate', 2);
    for (let by = 0; by < 200; by += 2) {
      for (let bx = 0; bx < 200; bx += 2) {
        const v = px(out, bx, by);
        for (const [dx, dy] of [
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const)
          expect(px(out, bx + dx, by + dy)).toEqual(v);
        for (let c = 0; c < 3; c++) {
          const mean =
            (px(img, bx, by)[c]! +
              px(img, bx + 1, by)[c]! +
              px(img, bx, by + 1)[c]! +
              px(img, bx + 1, by + 1)[c]!) /
            4;
          expect(Math.abs(v[c]! - mean)).toBeLessThanOrEqual(1); // PIL rounds after each pass
        }
      }
    }
  });

  it('jpeg_compression: IJG quality scaling of the Annex K tables', () => {
    // scale = 5000/q below 50, 200 − 2q above; entry = (base·scale + 50)/100, within 1..255
    expect(Array.from(quantTable([16, 99], 50))).toEqual([16, 99]);
    expect(Array.from(quantTable([16, 99], 25))).toEqual([32, 198]);
    expect(Array.from(quantTable([16, 99], 7))).toEqual([114, 255]);
    expect(Array.from(quantTable([16, 99], 80))).toEqual([6, 40]);
    expect(IMAGENET_PARAMS.jpeg_compression).toEqual([25, 18, 15, 10, 7]);
    expect(CIFAR_PARAMS.jpeg_compression).toEqual([80, 65, 58, 50, 40]);
  });

  it('jpeg_compression: the same bytes as libjpeg-turbo through sharp (libvips) at the same quality', async () => {
    // An implementation independent of Pillow (sharp's libvips and mozjpeg in libjpeg-turbo's
    // default profile): standard tables, 4:2:0, islow DCT, fancy up-sampling.
    for (const [w, h, severity, table, quality] of [
      [224, 224, 3, 'imagenet', 15],
      [32, 32, 3, 'cifar', 58],
      [45, 45, 1, 'imagenet', 25],
      [77, 50, 5, 'imagenet', 7],
    ] as const) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 100 100" preserveAspectRatio="none"><defs><linearGradient id="g"><stop offset="0" stop-color="#4a7fc1"/><stop offset="1" stop-color="#f0a030"/></linearGradient></defs><rect width="100" height="100" fill="url(#g)"/><circle cx="55" cy="40" r="22" fill="#2f8f2f"/><rect x="12" y="62" width="36" height="27" fill="#a0522d" stroke="#222" stroke-width="2"/></svg>`;
      const clean = new Uint8Array(await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer());
      const img = { width: w, height: h, data: clean };
      const ours = (await run(img, 'jpeg_compression', severity, table)).data;
      const jpeg = await sharp(clean, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality, chromaSubsampling: '4:2:0' })
        .toBuffer();
      const libjpeg = new Uint8Array(await sharp(jpeg).raw().toBuffer());
      expect(Buffer.from(ours).equals(Buffer.from(libjpeg)), `${w}×${h} q${quality}`).toBe(true);
    }
  });

  it('saturate: S·a + b in HSV with hue and value kept; greys turn red when b > 0', async () => {
    // (100, 50, 200): V = 200, S = 0.75. ImageNet severity 1 (0.3, 0): S′ = 0.225, each channel
    // moves to V − (S′/S)·(V − x): (170, 155, 200)
    expect(px(await run(solid(4, 4, [100, 50, 200]), 'saturate', 1), 0, 0)).toEqual([
      170, 155, 200,
    ]);
    // CIFAR severity 3 (1.5, 0): S′ = 1.125 → 1: min channel → 0, middle → 200 − (4/3)·100
    expect(px(await run(solid(4, 4, [100, 50, 200]), 'saturate', 3, 'cifar'), 0, 0)).toEqual([
      66, 0, 200,
    ]);
    // grey has S = 0 and hue 0 (red) in skimage: ImageNet severity 4 (5, 0.1) gives S′ = 0.1
    expect(px(await run(solid(4, 4, [100, 100, 100]), 'saturate', 4), 0, 0)).toEqual([100, 90, 90]);
  });
});
