/**
 * Gray images for models whose input is one luma channel. The reference generators corrupt the
 * array they are given; given one channel they draw noise once per pixel, so a gray model must
 * see its corruption made on the gray image, not on RGB converted to luma afterwards (which
 * averages three independent draws: per-channel noise shrinks to ~0.67 of its σ).
 */
import type { RgbImage } from '../types.js';

/**
 * Pillow's `convert('L')`: L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16, ITU-R 601-2 luma in
 * 16-bit fixed point (Convert.c). A grey pixel (v, v, v) gives v exactly.
 */
export function lumaPlane(img: RgbImage): Uint8Array {
  const src = img.data;
  const out = new Uint8Array(img.width * img.height);
  for (let p = 0, s = 0; p < out.length; p++, s += 3) {
    out[p] = (19595 * src[s]! + 38470 * src[s + 1]! + 7471 * src[s + 2]! + 32768) >>> 16;
  }
  return out;
}

/** A gray plane as an RGB image with R = G = B (what every corruption takes and returns). */
export function grayImage(plane: Uint8Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(plane.length * 3);
  for (let p = 0, d = 0; p < plane.length; p++, d += 3) {
    const v = plane[p]!;
    data[d] = v;
    data[d + 1] = v;
    data[d + 2] = v;
  }
  return { width, height, data };
}
