/**
 * Diamond-square plasma fractal on a torus, as the reference's `plasma_fractal(mapsize,
 * wibbledecay)` defines it (a modification of FLHerne/mapgen's diamondsquare.py): corner (0, 0)
 * starts at 0, the wibble starts at 100, each new point is the mean of its four neighbours
 * (wrapping around) plus wibble · U(−wibble, wibble), the wibble is divided by `decay` after each
 * square+diamond step, and the map is finally scaled to [0, 1].
 */
import type { Rng } from './rng.js';

/** A `size`×`size` (power of two) plasma map in [0, 1], row-major. */
export function plasmaFractal(size: number, decay: number, rng: Rng): Float64Array {
  if (size < 2 || (size & (size - 1)) !== 0)
    throw new Error(`plasma size must be a power of two, got ${size}`);
  const mask = size - 1;
  const map = new Float64Array(size * size);
  let step = size;
  let wibble = 100;
  while (step >= 2) {
    const half = step >> 1;
    // Squares: centre of each step×step cell from its four corners.
    for (let y = 0; y < size; y += step) {
      const y2 = (y + step) & mask;
      for (let x = 0; x < size; x += step) {
        const x2 = (x + step) & mask;
        const sum =
          map[y * size + x]! + map[y2 * size + x]! + map[y * size + x2]! + map[y2 * size + x2]!;
        map[(y + half) * size + x + half] = sum / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    // Diamonds: edge midpoints from the two corners and the two centres beside them.
    for (let y = 0; y < size; y += step) {
      const yUp = (y - half) & mask;
      for (let x = 0; x < size; x += step) {
        const x2 = (x + step) & mask;
        // top edge midpoint (y, x + half)
        const top =
          map[y * size + x]! +
          map[y * size + x2]! +
          map[(y + half) * size + x + half]! +
          map[yUp * size + x + half]!;
        map[y * size + x + half] = top / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    for (let y = 0; y < size; y += step) {
      const y2 = (y + step) & mask;
      for (let x = 0; x < size; x += step) {
        const xLeft = (x - half) & mask;
        // left edge midpoint (y + half, x)
        const left =
          map[y * size + x]! +
          map[y2 * size + x]! +
          map[(y + half) * size + x + half]! +
          map[(y + half) * size + xLeft]!;
        map[(y + half) * size + x] = left / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    step = half;
    wibble /= decay;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    const v = map[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  for (let i = 0; i < map.length; i++) map[i] = (map[i]! - min) / span;
  return map;
}
