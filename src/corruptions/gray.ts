/**
 * Gray images for models whose input is one luma channel. The reference generators corrupt the
 * array they are given; given one channel they draw noise once per pixel, so a gray model must
 * see its corruption made on the gray image, not on RGB converted to luma afterwards (which
 * averages three independent draws: per-channel noise shrinks to ~0.67 of its σ).
 */
import type { RgbImage } from '../types.js';

/**
 * The image as gray, R = G = B = Pillow's `convert('L')` of it: L = (19595·R + 38470·G +
 * 7471·B + 2¹⁵) >> 16, ITU-R 601-2 luma in 16-bit fixed point (Convert.c). A grey pixel
 * (v, v, v) gives v exactly, so an image that is gray already is returned as it is.
 */
export function asGray(img: RgbImage): RgbImage {
  const src = img.data;
  let i = 0;
  while (i < src.length && src[i] === src[i + 1] && src[i] === src[i + 2]) i += 3;
  if (i >= src.length) return img;
  const data = new Uint8Array(src.length);
  for (let s = 0; s < src.length; s += 3) {
    const v = (19595 * src[s]! + 38470 * src[s + 1]! + 7471 * src[s + 2]! + 32768) >>> 16;
    data[s] = v;
    data[s + 1] = v;
    data[s + 2] = v;
  }
  return { width: img.width, height: img.height, data };
}
