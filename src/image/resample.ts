import type { RgbImage } from '../types.js';
import { resizeOpenCv, type OpenCvInterpolation } from './resample-opencv.js';
import { resizePillow, type PillowFilter } from './resample-pillow.js';
import { resizeTorch, type TorchInterpolation } from './resample-torch.js';
import { cropToWindow, wholeImage, type PixelWindow } from './window.js';

/**
 * Which library's resize a model was trained with, and its kernel. Each is reproduced in our own
 * code to the bit (Pillow, OpenCV) or within one level (torchvision's float32 kernels): see the
 * resample-*.ts modules and the goldens in test/fixtures/resize/.
 */
export type Resampler =
  | { library: 'pillow'; interpolation: PillowFilter }
  | { library: 'torchvision'; interpolation: TorchInterpolation; antialias: boolean }
  | { library: 'opencv'; interpolation: OpenCvInterpolation };

/**
 * Resize an RGB image to `width × height` exactly as the named library does, and return the
 * pixels of `window` (default: all of them; a centre crop computes only the pixels it keeps).
 */
export function resample(
  img: RgbImage,
  width: number,
  height: number,
  r: Resampler,
  window: PixelWindow = wholeImage(width, height),
): RgbImage {
  if (width === img.width && height === img.height) return cropToWindow(img, window);
  switch (r.library) {
    case 'pillow':
      return resizePillow(img, width, height, r.interpolation, window);
    case 'opencv':
      return resizeOpenCv(img, width, height, r.interpolation, window);
    case 'torchvision':
      return resizeTorch(img, width, height, r.interpolation, r.antialias, window);
  }
}

/** Short name of a resampler for reports and keys, e.g. `pillow:bilinear`, `torchvision:bicubic+aa`. */
export function describeResampler(r: Resampler): string {
  const aa = r.library === 'torchvision' && r.antialias ? '+aa' : '';
  return `${r.library}:${r.interpolation}${aa}`;
}
