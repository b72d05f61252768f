import type { RgbImage } from '../types.js';

/**
 * The part of a resized image that is kept: a centre crop's window, or the whole image. The
 * resamplers compute only the pixels inside it (each output pixel depends on its own taps, so
 * the bytes are those of resizing everything and cropping).
 */
export interface PixelWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The window covering a whole `width × height` image. */
export function wholeImage(width: number, height: number): PixelWindow {
  return { left: 0, top: 0, width, height };
}

/** The window's pixels, as CenterCrop takes them (the image itself when it is all of it). */
export function cropToWindow(img: RgbImage, win: PixelWindow): RgbImage {
  const { left, top, width: w, height: h } = win;
  if (left === 0 && top === 0 && w === img.width && h === img.height) return img;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((top + y) * img.width + left) * 3;
    out.set(img.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { width: w, height: h, data: out };
}
