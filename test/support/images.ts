import type { RgbImage } from '../../src/types.js';

/** A `w × h` RGB image of deterministic pseudo-random bytes (xorshift32 from `seed`). */
export function randomRgbImage(w: number, h: number, seed: number): RgbImage {
  let x = seed || 1;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 255;
  }
  return { width: w, height: h, data };
}
