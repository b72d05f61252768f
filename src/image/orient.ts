import type { RgbImage } from '../types.js';

/**
 * Apply an EXIF orientation (TIFF tag 274, values 1–8) to decoded RGB pixels: the exact pixel
 * permutation a viewer (and libvips's autorot, which sharp's `rotate()` calls) makes. Lets one
 * decode of a file serve a model that ignores the orientation (PIL's `open`) and the data scan,
 * which shows images upright. 1, undefined or an invalid value: the image as it is.
 */
export function orientRgb(img: RgbImage, orientation: number | undefined): RgbImage {
  const o = orientation ?? 1;
  if (!(o >= 2 && o <= 8)) return img;
  const { width: w, height: h, data } = img;
  const swap = o >= 5;
  const [ow, oh] = swap ? [h, w] : [w, h];
  const out = new Uint8Array(w * h * 3);
  // For each upright pixel (dx, dy), the stored pixel it shows (EXIF 2.32, §4.6.4 Orientation).
  const source: (dx: number, dy: number) => number = {
    2: (dx: number, dy: number) => dy * w + (w - 1 - dx),
    3: (dx: number, dy: number) => (h - 1 - dy) * w + (w - 1 - dx),
    4: (dx: number, dy: number) => (h - 1 - dy) * w + dx,
    5: (dx: number, dy: number) => dx * w + dy,
    6: (dx: number, dy: number) => (h - 1 - dx) * w + dy,
    7: (dx: number, dy: number) => (h - 1 - dx) * w + (w - 1 - dy),
    8: (dx: number, dy: number) => dx * w + (w - 1 - dy),
  }[o]!;
  for (let dy = 0, p = 0; dy < oh; dy++)
    for (let dx = 0; dx < ow; dx++, p += 3) {
      const s = source(dx, dy) * 3;
      out[p] = data[s]!;
      out[p + 1] = data[s + 1]!;
      out[p + 2] = data[s + 2]!;
    }
  return { width: ow, height: oh, data: out };
}
