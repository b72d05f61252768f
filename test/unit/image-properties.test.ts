import { describe, expect, it } from 'vitest';
import {
  imageProperties,
  lumaProperties,
  type ImageProperties,
} from '../../src/image/properties.js';
import type { RgbImage } from '../../src/types.js';
import { randomRgbImage } from '../support/images.js';

/**
 * The straightforward three-pass form imageProperties had before it was fused: luma plane, then
 * squared deviations, then the interior 4-neighbour Laplacian. Properties are stored in
 * examples.jsonl and feed slices, so the fused version must give the same doubles, not close ones.
 */
function reference(img: RgbImage): ImageProperties {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const luma = new Float64Array(n);
  let sum = 0;
  for (let p = 0, s = 0; p < n; p++, s += 3) {
    const y = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
    luma[p] = y;
    sum += y;
  }
  const mean = sum / n;
  let sq = 0;
  for (let p = 0; p < n; p++) sq += (luma[p]! - mean) ** 2;
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      const v = luma[p - w]! + luma[p + w]! + luma[p - 1]! + luma[p + 1]! - 4 * luma[p]!;
      lapSum += v;
      lapSq += v * v;
      count++;
    }
  }
  const lapMean = count > 0 ? lapSum / count : 0;
  return {
    brightness: mean / 255,
    contrast: Math.sqrt(sq / n) / 255,
    sharpness: count > 0 ? lapSq / count - lapMean * lapMean : 0,
  };
}

const randomImage = randomRgbImage;

describe('imageProperties', () => {
  it.each([
    [1, 1],
    [1, 7],
    [7, 1],
    [2, 2],
    [2, 9],
    [3, 3],
    [28, 28],
    [31, 17],
    [224, 224],
    [300, 200],
  ])('%i×%i: bit-identical to the three-pass reference', (w, h) => {
    for (let seed = 1; seed <= 3; seed++) {
      const img = randomImage(w, h, seed * 7919 + w * 31 + h);
      const got = imageProperties(img);
      const want = reference(img);
      expect(Object.is(got.brightness, want.brightness), 'brightness').toBe(true);
      expect(Object.is(got.contrast, want.contrast), 'contrast').toBe(true);
      expect(Object.is(got.sharpness, want.sharpness), 'sharpness').toBe(true);
    }
  });

  it('a larger image after a smaller one and back (the reused luma buffer)', () => {
    const small = randomImage(5, 4, 11);
    const big = randomImage(64, 48, 12);
    const first = imageProperties(small);
    expect(imageProperties(big)).toEqual(reference(big));
    expect(imageProperties(small)).toEqual(first);
  });

  it('a constant grey image: brightness ≈ level / 255, no contrast, no sharpness', () => {
    const img = { width: 6, height: 5, data: new Uint8Array(90).fill(51) };
    const got = imageProperties(img);
    expect(got).toEqual(reference(img));
    expect(got.brightness).toBeCloseTo(0.2, 12);
    expect(got.contrast).toBeCloseTo(0, 12);
    expect(got.sharpness).toBeCloseTo(0, 12);
  });
});

describe('lumaProperties (the data suite scans a luma image)', () => {
  it('constant image: brightness = level, no contrast, no sharpness', () => {
    const m = lumaProperties(new Float64Array(64).fill(51), 8, 8);
    expect(m).toEqual({ brightness: 0.2, contrast: 0, sharpness: 0 });
  });
  it('checkerboard: hand-computed contrast and Laplacian variance', () => {
    // 0/255 checkerboard: mean 127.5, std 127.5 → contrast 0.5. Interior Laplacian is
    // ±4·255 alternating (4 neighbours of the other colour − 4× itself) → mean 0, variance 1020².
    const data = new Float64Array(36);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) data[y * 6 + x] = (x + y) % 2 ? 255 : 0;
    const m = lumaProperties(data, 6, 6);
    expect(m.brightness).toBeCloseTo(0.5, 12);
    expect(m.contrast).toBeCloseTo(0.5, 12);
    expect(m.sharpness).toBeCloseTo(1020 * 1020, 6);
  });
});
