/**
 * Geometric label-preserving transforms by inverse mapping: every output pixel centre is mapped
 * back to a source position and read with bilinear interpolation. Pixel centres sit at integer
 * coordinates; the image centre is ((W−1)/2, (H−1)/2).
 */
import type { RgbImage } from '../types.js';

/**
 * What is read outside the image:
 * - `reflect`: mirror about the outer pixel edge (… c b a | a b c …, OpenCV BORDER_REFLECT,
 *   numpy 'symmetric'), so no hard edge or streak appears;
 * - `edge`: the nearest edge pixel (… a a | a b c …).
 */
export type Border = 'reflect' | 'edge';

/** Map a continuous coordinate into [−0.5, n − 0.5] under the border rule, then into [0, n−1]. */
function fold(t: number, n: number, border: Border): number {
  if (border === 'edge' || n === 1) return t < 0 ? 0 : t > n - 1 ? n - 1 : t;
  const period = 2 * n;
  let u = (t + 0.5) % period;
  if (u < 0) u += period;
  u = u < n ? u - 0.5 : period - u - 0.5;
  return u < 0 ? 0 : u > n - 1 ? n - 1 : u;
}

/**
 * Resample with an inverse map `source(x, y) -> [sx, sy]` given as an affine matrix
 * sx = a·x + b·y + c, sy = d·x + e·y + f. Values are rounded to the nearest byte.
 */
export function warpAffine(
  img: RgbImage,
  m: readonly [number, number, number, number, number, number],
  border: Border,
): RgbImage {
  const { width: w, height: h, data: src } = img;
  const [a, b, c, d, e, f] = m;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sx = a * x + b * y + c;
      let sy = d * x + e * y + f;
      // Snap values within 1e-9 of a pixel centre (rotations by 90°, integer shifts) to it.
      const rx = Math.round(sx);
      const ry = Math.round(sy);
      if (Math.abs(sx - rx) < 1e-9) sx = rx;
      if (Math.abs(sy - ry) < 1e-9) sy = ry;
      if (sx < 0 || sx > w - 1) sx = fold(sx, w, border);
      if (sy < 0 || sy > h - 1) sy = fold(sy, h, border);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const fx = sx - x0;
      const fy = sy - y0;
      const p00 = (y0 * w + x0) * 3;
      const p01 = (y0 * w + x1) * 3;
      const p10 = (y1 * w + x0) * 3;
      const p11 = (y1 * w + x1) * 3;
      const o = (y * w + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[p00 + ch]! + fx * (src[p01 + ch]! - src[p00 + ch]!);
        const bottom = src[p10 + ch]! + fx * (src[p11 + ch]! - src[p10 + ch]!);
        out[o + ch] = top + fy * (bottom - top) + 0.5;
      }
    }
  }
  return { width: w, height: h, data: out };
}

/** cos/sin with exact values at multiples of 90°. */
function cosSin(degrees: number): [number, number] {
  const q = degrees / 90;
  if (Number.isInteger(q)) {
    const k = ((q % 4) + 4) % 4;
    return [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ][k] as [number, number];
  }
  const r = (degrees * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

/** Rotate the content counter-clockwise by `degrees` about the image centre (same size). */
export function rotate(img: RgbImage, degrees: number, border: Border): RgbImage {
  const [cos, sin] = cosSin(degrees);
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  // Output p = c + M(s − c) with M = [[cos, sin], [−sin, cos]] (y down); so s = c + Mᵀ(p − c).
  return warpAffine(
    img,
    [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy],
    border,
  );
}

/** Shift the content by dx·W to the right and dy·H down. */
export function translate(img: RgbImage, dx: number, dy: number, border: Border): RgbImage {
  return warpAffine(img, [1, 0, -dx * img.width, 0, 1, -dy * img.height], border);
}

/** Zoom about the centre by `factor` (> 1 enlarges the content and crops, < 1 shrinks it). */
export function scale(img: RgbImage, factor: number, border: Border): RgbImage {
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  const k = 1 / factor;
  return warpAffine(img, [k, 0, cx - k * cx, 0, k, cy - k * cy], border);
}

/** Mirror left-right. */
export function hflip(img: RgbImage): RgbImage {
  const { width: w, height: h, data: src } = img;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (w - 1 - x)) * 3;
      const d = (y * w + x) * 3;
      out[d] = src[s]!;
      out[d + 1] = src[s + 1]!;
      out[d + 2] = src[s + 2]!;
    }
  }
  return { width: w, height: h, data: out };
}

/** Mirror top-bottom. */
export function vflip(img: RgbImage): RgbImage {
  const { width: w, height: h, data: src } = img;
  const out = new Uint8Array(src.length);
  const stride = w * 3;
  for (let y = 0; y < h; y++)
    out.set(src.subarray((h - 1 - y) * stride, (h - y) * stride), y * stride);
  return { width: w, height: h, data: out };
}
