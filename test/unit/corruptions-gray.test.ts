// Gray models: a corruption made for a one-channel model keeps its nominal parameter on the
// model's own input tensor (noise σ, impulse fraction), as the reference generators' noise does
// on a one-channel array. Made on RGB and converted to luma afterwards, per-channel noise shrinks
// to √(0.299² + 0.587² + 0.114²) ≈ 0.668 of its σ; that is checked too, so the tests can fail.
import { describe, expect, it } from 'vitest';
import { applyCorruption, CORRUPTION_NAMES, IMAGENET_PARAMS } from '../../src/corruptions/index.js';
import { Rng } from '../../src/corruptions/rng.js';
import { imagesToTensor, type TensorSpec } from '../../src/image/tensor.js';
import type { RgbImage } from '../../src/types.js';

const GRAY: TensorSpec = {
  layout: 'NCHW',
  channels: 'gray',
  dtype: 'float32',
  scale: 1,
  mean: [0],
  std: [1],
};
const N = 128;

/**
 * A colour image whose channels differ: luma 0.299·100 + 0.587·148 + 0.114·99 = 128.06, and 128
 * as Pillow's 8-bit L (the gray image a gray model's corruption starts from).
 */
function colourMid(): RgbImage {
  const data = new Uint8Array(N * N * 3);
  for (let i = 0; i < data.length; i += 3) data.set([100, 148, 99], i);
  return { width: N, height: N, data };
}

function stdAbout(t: Float32Array, centre: number): number {
  let q = 0;
  for (const v of t) q += (v - centre) ** 2;
  return Math.sqrt(q / t.length);
}

const luma = (img: RgbImage) => imagesToTensor([img], GRAY) as Float32Array;

describe('a gray model sees the nominal severity', () => {
  it('gaussian_noise: σ on the luma tensor is c·255 (ImageNet severity 1: 20.4)', async () => {
    const img = colourMid();
    expect(luma(img)[0]).toBeCloseTo(128.06, 2);
    const sigma = IMAGENET_PARAMS.gaussian_noise[0] * 255;
    const gray = luma(
      await applyCorruption(img, 'gaussian_noise', 1, { seedKey: 'g', channels: 'gray' }),
    );
    expect(stdAbout(gray, 128) / sigma).toBeGreaterThan(0.97);
    expect(stdAbout(gray, 128) / sigma).toBeLessThan(1.03);
    const viaRgb = luma(await applyCorruption(img, 'gaussian_noise', 1, { seedKey: 'g' }));
    expect(stdAbout(viaRgb, 128) / sigma).toBeCloseTo(0.668, 1);
  });

  it('impulse_noise: the replaced fraction of luma values is c (ImageNet severity 5: 0.27)', async () => {
    const img = colourMid();
    const c = IMAGENET_PARAMS.impulse_noise[4];
    const count = (t: Float32Array) => t.filter((v) => v === 0 || v === 255).length / t.length;
    const gray = luma(
      await applyCorruption(img, 'impulse_noise', 5, { seedKey: 'i', channels: 'gray' }),
    );
    expect(Math.abs(count(gray) - c)).toBeLessThan(0.01);
    // Made on RGB, a luma value only reaches 0 or 255 when all three channels were hit alike.
    const viaRgb = luma(await applyCorruption(img, 'impulse_noise', 5, { seedKey: 'i' }));
    expect(count(viaRgb)).toBeLessThan(0.02);
  });

  it('shot_noise and speckle_noise: σ from one draw per pixel', async () => {
    const img = colourMid();
    // Poisson(128/255 · 60)/60 · 255: σ = √(30.12)/60 · 255 = 23.3
    const shot = luma(
      await applyCorruption(img, 'shot_noise', 1, { seedKey: 's', channels: 'gray' }),
    );
    const lambda = (128 / 255) * 60;
    expect(stdAbout(shot, (lambda / 60) * 255) / ((Math.sqrt(lambda) / 60) * 255)).toBeCloseTo(
      1,
      1,
    );
    // 128 · N(0, 0.15): σ = 19.2
    const speckle = luma(
      await applyCorruption(img, 'speckle_noise', 1, { seedKey: 'p', channels: 'gray' }),
    );
    expect(stdAbout(speckle, 128) / (128 * IMAGENET_PARAMS.speckle_noise[0])).toBeCloseTo(1, 1);
  });

  it('every corruption returns a gray image (R = G = B) of the same size', async () => {
    const rng = Rng.fromKey('any');
    const data = new Uint8Array(40 * 30 * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.nextU32() & 255;
    for (const name of CORRUPTION_NAMES) {
      const out = await applyCorruption({ width: 40, height: 30, data }, name, 3, {
        seedKey: 'k',
        channels: 'gray',
      });
      expect(out.data.length, name).toBe(data.length);
      let mixed = 0;
      for (let i = 0; i < out.data.length; i += 3)
        if (out.data[i] !== out.data[i + 1] || out.data[i] !== out.data[i + 2]) mixed++;
      expect(mixed, name).toBe(0);
    }
  });

  it('rejects an unknown channel mode', async () => {
    await expect(
      applyCorruption(colourMid(), 'fog', 1, { seedKey: 'x', channels: 'cmyk' as 'gray' }),
    ).rejects.toThrow(/channels must be rgb or gray/);
  });
});
