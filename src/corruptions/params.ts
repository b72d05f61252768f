/**
 * The published severity parameters, transcribed from Hendrycks & Dietterich's generators:
 * - `imagenet`: `ImageNet-C/imagenet_c/imagenet_c/corruptions.py` (identical to
 *   `ImageNet-C/create_c/make_imagenet_c.py`), defined for 224×224 images;
 * - `cifar`: `ImageNet-C/create_c/make_cifar_c.py`, defined for 32×32 images.
 * Index 0 is severity 1. Pixel-valued entries are in pixels of the reference size
 * ({@link REFERENCE_SIZE}); see docs/corruptions.md for where each one is used.
 */

/** Which parameter table a corruption uses. */
export type ParamTable = 'imagenet' | 'cifar';

/** Side of the images each table was designed for. */
export const REFERENCE_SIZE: Record<ParamTable, number> = { imagenet: 224, cifar: 32 };

type Five<T> = readonly [T, T, T, T, T];

/** numpy `arange(start, stop, step)`, same length rule (ceil((stop-start)/step)) and values. */
function arange(start: number, stop: number, step: number): number[] {
  const n = Math.ceil((stop - start) / step);
  return Array.from({ length: n }, (_, i) => start + i * step);
}

export interface ParamSet {
  gaussian_noise: Five<number>;
  shot_noise: Five<number>;
  impulse_noise: Five<number>;
  speckle_noise: Five<number>;
  gaussian_blur: Five<number>;
  /** [sigma, max_delta, iterations] */
  glass_blur: Five<readonly [number, number, number]>;
  /** [radius, alias_blur] */
  defocus_blur: Five<readonly [number, number]>;
  /** [radius, sigma] of ImageMagick's motion blur */
  motion_blur: Five<readonly [number, number]>;
  /** zoom factors (numpy arange, so 1.11 itself is included in `arange(1, 1.11, 0.01)`) */
  zoom_blur: Five<readonly number[]>;
  /** [loc, scale, zoom, threshold, blur radius, blur sigma, blend] */
  snow: Five<readonly [number, number, number, number, number, number, number]>;
  /** [image weight, frost weight] */
  frost: Five<readonly [number, number]>;
  /** [fog amount, wibble decay] */
  fog: Five<readonly [number, number]>;
  /** [loc, scale, sigma, threshold, intensity, mud?] */
  spatter: Five<readonly [number, number, number, number, number, number]>;
  brightness: Five<number>;
  contrast: Five<number>;
  /** [alpha, sigma, affine jitter] in pixels */
  elastic_transform: Five<readonly [number, number, number]>;
  /** fraction of the side kept by the box down-sampling */
  pixelate: Five<number>;
  /** JPEG quality */
  jpeg_compression: Five<number>;
  /** [saturation scale, saturation offset] */
  saturate: Five<readonly [number, number]>;
}

export const IMAGENET_PARAMS: ParamSet = {
  gaussian_noise: [0.08, 0.12, 0.18, 0.26, 0.38],
  shot_noise: [60, 25, 12, 5, 3],
  impulse_noise: [0.03, 0.06, 0.09, 0.17, 0.27],
  speckle_noise: [0.15, 0.2, 0.35, 0.45, 0.6],
  gaussian_blur: [1, 2, 3, 4, 6],
  glass_blur: [
    [0.7, 1, 2],
    [0.9, 2, 1],
    [1, 2, 3],
    [1.1, 3, 2],
    [1.5, 4, 2],
  ],
  defocus_blur: [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5],
  ],
  motion_blur: [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ],
  zoom_blur: [
    arange(1, 1.11, 0.01),
    arange(1, 1.16, 0.01),
    arange(1, 1.21, 0.02),
    arange(1, 1.26, 0.02),
    arange(1, 1.31, 0.03),
  ],
  snow: [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55],
  ],
  frost: [
    [1, 0.4],
    [0.8, 0.6],
    [0.7, 0.7],
    [0.65, 0.7],
    [0.6, 0.75],
  ],
  fog: [
    [1.5, 2],
    [2, 2],
    [2.5, 1.7],
    [2.5, 1.5],
    [3, 1.4],
  ],
  spatter: [
    [0.65, 0.3, 4, 0.69, 0.6, 0],
    [0.65, 0.3, 3, 0.68, 0.6, 0],
    [0.65, 0.3, 2, 0.68, 0.5, 0],
    [0.65, 0.3, 1, 0.65, 1.5, 1],
    [0.67, 0.4, 1, 0.65, 1.5, 1],
  ],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  // 244 (sic) in the reference: "should have been 224, but ultimately nothing is incorrect".
  elastic_transform: [
    [244 * 2, 244 * 0.7, 244 * 0.1],
    [244 * 2, 244 * 0.08, 244 * 0.2],
    [244 * 0.05, 244 * 0.01, 244 * 0.02],
    [244 * 0.07, 244 * 0.01, 244 * 0.02],
    [244 * 0.12, 244 * 0.01, 244 * 0.02],
  ],
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25],
  jpeg_compression: [25, 18, 15, 10, 7],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2],
  ],
};

const CIFAR_SIZE = 32;

export const CIFAR_PARAMS: ParamSet = {
  gaussian_noise: [0.04, 0.06, 0.08, 0.09, 0.1],
  shot_noise: [500, 250, 100, 75, 50],
  impulse_noise: [0.01, 0.02, 0.03, 0.05, 0.07],
  speckle_noise: [0.06, 0.1, 0.12, 0.16, 0.2],
  gaussian_blur: [0.4, 0.6, 0.7, 0.8, 1],
  glass_blur: [
    [0.05, 1, 1],
    [0.25, 1, 1],
    [0.4, 1, 1],
    [0.25, 1, 2],
    [0.4, 1, 2],
  ],
  defocus_blur: [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1],
  ],
  motion_blur: [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ],
  zoom_blur: [
    arange(1, 1.06, 0.01),
    arange(1, 1.11, 0.01),
    arange(1, 1.16, 0.01),
    arange(1, 1.21, 0.01),
    arange(1, 1.26, 0.01),
  ],
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.95],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.9],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8],
  ],
  frost: [
    [1, 0.2],
    [1, 0.3],
    [0.9, 0.4],
    [0.85, 0.4],
    [0.75, 0.45],
  ],
  fog: [
    [0.2, 3],
    [0.5, 3],
    [0.75, 2.5],
    [1, 2],
    [1.5, 1.75],
  ],
  spatter: [
    [0.62, 0.1, 0.7, 0.7, 0.5, 0],
    [0.65, 0.1, 0.8, 0.7, 0.5, 0],
    [0.65, 0.3, 1, 0.69, 0.5, 0],
    [0.65, 0.1, 0.7, 0.69, 0.6, 1],
    [0.65, 0.1, 0.5, 0.68, 0.6, 1],
  ],
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3],
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15],
  elastic_transform: [
    [CIFAR_SIZE * 0, CIFAR_SIZE * 0, CIFAR_SIZE * 0.08],
    [CIFAR_SIZE * 0.05, CIFAR_SIZE * 0.2, CIFAR_SIZE * 0.07],
    [CIFAR_SIZE * 0.08, CIFAR_SIZE * 0.06, CIFAR_SIZE * 0.06],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.04, CIFAR_SIZE * 0.05],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.03, CIFAR_SIZE * 0.03],
  ],
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65],
  jpeg_compression: [80, 65, 58, 50, 40],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2],
  ],
};

export const PARAMS: Record<ParamTable, ParamSet> = {
  imagenet: IMAGENET_PARAMS,
  cifar: CIFAR_PARAMS,
};
