/**
 * Pixel check of a candidate near-duplicate pair: do two 16×16 grey thumbnails show the same
 * picture, allowing for what resampling, re-encoding and a slight crop do to it?
 *
 * Perceptual hashes find candidates cheaply but cannot tell a re-encoded copy from a distinct
 * image that happens to share a coarse layout (on 28×28 Fashion-MNIST, a resampled JPEG copy is
 * often further in pHash than two different boots). Comparing pixels settles it:
 *
 * 1. Both thumbnails are standardised (mean 0, standard deviation 1) on their interior 14×14, so
 *    brightness and contrast changes do not count (as pHash ignores them).
 * 2. The second is shifted by up to one thumbnail pixel (6% of the frame) in steps of 1, 0.5 and
 *    0.25 (bilinear interpolation, coarse to fine), keeping the shift with the smallest squared
 *    difference: a 1-px crop of a small image, or a few % of a large one, moves the picture by a
 *    fraction of a thumbnail pixel.
 * 3. The difference is the largest mean difference over any 3×3 block of the aligned, standardised
 *    thumbnails, in standard deviations. Blurring, resampling and JPEG noise keep local means (they
 *    move detail, not mass), so copies stay low; a distinct image differs somewhere by a patch
 *    (a collar, a heel, an eye), which a global correlation averages away. Measured on
 *    Fashion-MNIST, this separated copies from similar garments where correlation could not
 *    (docs/data-suite.md has the figures).
 *
 * Everything is computed from the two thumbnails alone: a plain 256-byte array per image region,
 * made once when the image is decoded.
 */
import { THUMBNAIL_SIDE } from '../../image/signature.js';

const MARGIN = 1;
const INNER = THUMBNAIL_SIDE - 2 * MARGIN;
const BLOCK = 3;
/** Standard deviation (grey levels) below which a thumbnail has no structure to compare. */
const FLAT_SD = 1;

/**
 * Largest 3×3-block mean difference, in standard deviations, between two thumbnails after the
 * best shift of up to one pixel (module comment). 0 for the same picture up to brightness and
 * contrast; two featureless thumbnails count as the same (0), a featureless and a structured one
 * as infinitely different. Symmetric in its arguments.
 */
export function pixelDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== THUMBNAIL_SIDE ** 2 || b.length !== THUMBNAIL_SIDE ** 2) {
    throw new Error(`thumbnails must be ${THUMBNAIL_SIDE}×${THUMBNAIL_SIDE}`);
  }
  // A fixed order makes the (asymmetric) alignment give the same answer either way round.
  const [first, second] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
  const fixed = new Float64Array(INNER * INNER);
  const moved = new Float64Array(INNER * INNER);
  shifted(first, 0, 0, fixed);
  const flatA = !standardise(fixed);
  shifted(second, 0, 0, moved);
  const flatB = !standardise(moved);
  if (flatA || flatB) return flatA && flatB ? 0 : Infinity;

  let best = { dx: 0, dy: 0, cost: Infinity };
  const tryShift = (dx: number, dy: number): void => {
    if (Math.abs(dx) > 1 || Math.abs(dy) > 1) return;
    shifted(second, dx, dy, moved);
    standardise(moved);
    let cost = 0;
    for (let i = 0; i < moved.length; i++) cost += (fixed[i]! - moved[i]!) ** 2;
    if (cost < best.cost) best = { dx, dy, cost };
  };
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) tryShift(dx, dy);
  for (const step of [0.5, 0.25]) {
    const { dx: cx, dy: cy } = best;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) if (dx || dy) tryShift(cx + dx * step, cy + dy * step);
    }
  }
  shifted(second, best.dx, best.dy, moved);
  standardise(moved);
  return largestBlockMean(fixed, moved);
}

/** The interior of `t` sampled at (x + dx, y + dy), bilinearly; |dx|, |dy| ≤ 1 stay in bounds. */
function shifted(t: Uint8Array, dx: number, dy: number, out: Float64Array): void {
  const S = THUMBNAIL_SIDE;
  const x0 = Math.floor(dx);
  const y0 = Math.floor(dy);
  const fx = dx - x0;
  const fy = dy - y0;
  // With a zero fraction the second tap is never read, so a shift of exactly +1 stays in bounds.
  const x1 = fx > 0 ? 1 : 0;
  const y1 = fy > 0 ? S : 0;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  let k = 0;
  for (let y = MARGIN; y < S - MARGIN; y++) {
    const row = (y + y0) * S + x0;
    for (let x = MARGIN; x < S - MARGIN; x++) {
      const p = row + x;
      out[k++] = w00 * t[p]! + w01 * t[p + x1]! + w10 * t[p + y1]! + w11 * t[p + y1 + x1]!;
    }
  }
}

/** Subtract the mean and divide by the standard deviation in place; false when flat. */
function standardise(v: Float64Array): boolean {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i]!;
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / v.length);
  if (!(sd >= FLAT_SD)) return false;
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! - mean) / sd;
  return true;
}

/** Largest |mean(a − b)| over the 3×3 blocks of two INNER×INNER images. */
function largestBlockMean(a: Float64Array, b: Float64Array): number {
  const span = INNER - BLOCK + 1;
  // Column sums of BLOCK rows, slid down the image, then BLOCK of them slid across.
  let worst = 0;
  for (let y = 0; y < span; y++) {
    const col = new Float64Array(INNER);
    for (let x = 0; x < INNER; x++) {
      let s = 0;
      for (let j = 0; j < BLOCK; j++) s += a[(y + j) * INNER + x]! - b[(y + j) * INNER + x]!;
      col[x] = s;
    }
    for (let x = 0; x < span; x++) {
      let s = 0;
      for (let i = 0; i < BLOCK; i++) s += col[x + i]!;
      worst = Math.max(worst, Math.abs(s) / (BLOCK * BLOCK));
    }
  }
  return worst;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
