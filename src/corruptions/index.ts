/**
 * The 19 ImageNet-C corruptions (Hendrycks & Dietterich, ICLR 2019) at severities 1–5 on
 * {@link RgbImage}: TypeScript, with the hot loops in WebAssembly (wasm.ts); no native module, no
 * assets.
 *
 * Parameter tables: `imagenet` (ImageNet-C, for 224×224) and `cifar` (CIFAR-10-C, for 32×32).
 * `table: 'auto'` picks `cifar` when max(width, height) ≤ 64 and `imagenet` otherwise: the ImageNet
 * values are pixel sizes for 224 px images (defocus radius up to 10, glass shuffle δ up to 4,
 * elastic σ up to 171, a 256 px fog map) that swamp an image of 64 px or less, while the CIFAR
 * values are merely mild there. See docs/corruptions.md.
 */
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { defocusBlur, gaussianBlur, glassBlur, motionBlur, zoomBlur } from './blur.js';
import { contrast, elasticTransform, jpegCompression, pixelate, saturate } from './digital.js';
import { asGray } from './gray.js';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './noise.js';
import { PARAMS, REFERENCE_SIZE, type ParamTable } from './params.js';
import { rngFor, type Rng } from './rng.js';
import {
  CORRUPTION_NAMES,
  type CorruptionContext,
  type CorruptionName,
  type CorruptionSpec,
  type Severity,
} from './types.js';
import { brightness, fog, frost, snow, spatter } from './weather.js';

export { CORRUPTION_NAMES } from './types.js';
export type {
  CorruptionContext,
  CorruptionFamily,
  CorruptionName,
  CorruptionSpec,
  Severity,
} from './types.js';
export { CIFAR_PARAMS, IMAGENET_PARAMS, REFERENCE_SIZE } from './params.js';
export type { ParamSet, ParamTable } from './params.js';
export { Rng, rngFor, hashString } from './rng.js';

/** Largest side at or below which `table: 'auto'` uses the CIFAR-10-C parameters. */
export const AUTO_CIFAR_MAX_SIDE = 64;

/** Every corruption, by name. */
export const CORRUPTIONS: Record<CorruptionName, CorruptionSpec> = {
  gaussian_noise: {
    name: 'gaussian_noise',
    family: 'noise',
    description: 'additive Gaussian noise per channel value',
    random: true,
    apply: gaussianNoise,
  },
  shot_noise: {
    name: 'shot_noise',
    family: 'noise',
    description: 'Poisson (photon) noise',
    random: true,
    apply: shotNoise,
  },
  impulse_noise: {
    name: 'impulse_noise',
    family: 'noise',
    description: 'salt-and-pepper noise per channel value',
    random: true,
    apply: impulseNoise,
  },
  defocus_blur: {
    name: 'defocus_blur',
    family: 'blur',
    description: 'convolution with an anti-aliased disk',
    random: false,
    apply: defocusBlur,
  },
  glass_blur: {
    name: 'glass_blur',
    family: 'blur',
    description: 'Gaussian blur, local pixel shuffling, Gaussian blur',
    random: true,
    apply: glassBlur,
  },
  motion_blur: {
    name: 'motion_blur',
    family: 'blur',
    description: 'one-sided Gaussian line blur at a random angle (ImageMagick kernel)',
    random: true,
    apply: motionBlur,
  },
  zoom_blur: {
    name: 'zoom_blur',
    family: 'blur',
    description: 'mean of centre zooms',
    random: false,
    apply: zoomBlur,
  },
  snow: {
    name: 'snow',
    family: 'weather',
    description: 'motion-blurred snow flakes over a brightened image',
    random: true,
    apply: snow,
  },
  frost: {
    name: 'frost',
    family: 'weather',
    description: 'blend with a frost texture (procedural stand-in for the reference photographs)',
    random: true,
    apply: frost,
  },
  fog: {
    name: 'fog',
    family: 'weather',
    description: 'diamond-square plasma fog',
    random: true,
    apply: fog,
  },
  brightness: {
    name: 'brightness',
    family: 'weather',
    description: 'HSV value + c',
    random: false,
    apply: brightness,
  },
  contrast: {
    name: 'contrast',
    family: 'digital',
    description: 'per-channel mean-preserving scale by c',
    random: false,
    apply: contrast,
  },
  elastic_transform: {
    name: 'elastic_transform',
    family: 'digital',
    description: 'random affine plus smoothed random displacement field',
    random: true,
    apply: elasticTransform,
  },
  pixelate: {
    name: 'pixelate',
    family: 'digital',
    description: 'box down-sampling then nearest up-sampling',
    random: false,
    apply: pixelate,
  },
  jpeg_compression: {
    name: 'jpeg_compression',
    family: 'digital',
    description: 'JPEG round trip at low quality',
    random: false,
    apply: jpegCompression,
  },
  speckle_noise: {
    name: 'speckle_noise',
    family: 'noise',
    description: 'multiplicative Gaussian noise',
    random: true,
    apply: speckleNoise,
  },
  gaussian_blur: {
    name: 'gaussian_blur',
    family: 'blur',
    description: 'Gaussian blur',
    random: false,
    apply: gaussianBlur,
  },
  spatter: {
    name: 'spatter',
    family: 'weather',
    description: 'water drops (severities 1–3) or mud (4–5)',
    random: true,
    apply: spatter,
  },
  saturate: {
    name: 'saturate',
    family: 'digital',
    description: 'HSV saturation · a + b',
    random: false,
    apply: saturate,
  },
};

export type TableChoice = 'auto' | ParamTable;

export interface CorruptionOptions {
  /** Identifies the example (e.g. its id or content hash): the same key gives the same bytes. */
  seedKey: string;
  /** Parameter table; `auto` (default) is `cifar` when max(width, height) ≤ 64. */
  table?: TableChoice;
  /**
   * `reference` (default): pixel-valued parameters (blur radii, displacements, flake and texture
   * scale) are used as published, exact at 224 px (imagenet) and 32 px (cifar). `image`: they
   * scale by min(width, height) / reference side, so a 448 px image looks like the 224 px one.
   */
  pixelScale?: 'reference' | 'image';
  /**
   * `rgb` (default). `gray`: for a model that sees one luma channel. The image is converted to
   * gray first (Pillow's `convert('L')`), corrupted as one channel (noise drawn once per pixel,
   * not per RGB value, so it keeps its nominal σ or fraction), and returned gray (R = G = B);
   * colour-defined corruptions are made on the gray image as RGB and converted back to luma.
   * See docs/corruptions.md, "Gray models".
   */
  channels?: 'rgb' | 'gray';
}

export function isCorruptionName(name: string): name is CorruptionName {
  return Object.prototype.hasOwnProperty.call(CORRUPTIONS, name);
}

/**
 * The parameter table a report names, in words: a single table, or `auto` where each image picked
 * its own (variants made at each image's own size, as detection's are).
 */
export function parameterTableWords(table: string): string {
  return table === 'auto'
    ? `imagenet parameters, cifar for images of at most ${AUTO_CIFAR_MAX_SIDE} px`
    : `${table} parameters`;
}

/** The table `auto` resolves to for an image of this size. */
export function resolveTable(
  img: { width: number; height: number },
  table: TableChoice = 'auto',
): ParamTable {
  if (table !== 'auto') return table;
  return Math.max(img.width, img.height) <= AUTO_CIFAR_MAX_SIDE ? 'cifar' : 'imagenet';
}

function checkImage(img: RgbImage): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new UserError(
      'image',
      `corruptions need a positive integer size, got ${width}x${height}`,
    );
  }
  if (data.length !== width * height * 3) {
    throw new UserError(
      'image',
      `RGB data of ${width}x${height} must have ${width * height * 3} bytes, got ${data.length}`,
    );
  }
}

/**
 * Apply corruption `name` at `severity` (1–5). Deterministic: the randomness is seeded from
 * `seedKey`, the name and the severity. Returns a new image of the same size; the input is not
 * modified.
 */
export async function applyCorruption(
  img: RgbImage,
  name: CorruptionName,
  severity: Severity,
  opts: CorruptionOptions,
): Promise<RgbImage> {
  const spec = isCorruptionName(name) ? CORRUPTIONS[name] : undefined;
  if (!spec) {
    throw new UserError(
      'config',
      `unknown corruption '${String(name)}'; expected one of: ${CORRUPTION_NAMES.join(', ')}`,
    );
  }
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
    throw new UserError(
      'config',
      `corruption severity must be an integer from 1 to 5, got ${String(severity)}`,
    );
  }
  const tableChoice = opts.table ?? 'auto';
  if (opts.channels !== undefined && opts.channels !== 'rgb' && opts.channels !== 'gray') {
    throw new UserError(
      'config',
      `corruption channels must be rgb or gray, got '${String(opts.channels)}'`,
    );
  }
  if (tableChoice !== 'auto' && tableChoice !== 'imagenet' && tableChoice !== 'cifar') {
    throw new UserError(
      'config',
      `corruption table must be auto, imagenet or cifar, got '${String(tableChoice)}'`,
    );
  }
  checkImage(img);
  const table = resolveTable(img, tableChoice);
  const pixelScale =
    opts.pixelScale === 'image' ? Math.min(img.width, img.height) / REFERENCE_SIZE[table] : 1;
  const gray = opts.channels === 'gray';
  // Seeded on first use: half the corruptions draw nothing, and at 32×32 hashing the key is a
  // measurable share of a pixelate or a blur.
  let rng: Rng | undefined;
  const ctx: CorruptionContext = {
    get rng() {
      return (rng ??= rngFor(opts.seedKey, name, severity));
    },
    table,
    params: PARAMS[table],
    pixelScale,
    channels: gray ? 1 : 3,
  };
  if (!gray) return spec.apply(img, severity, ctx);
  return asGray(await spec.apply(asGray(img), severity, ctx));
}
