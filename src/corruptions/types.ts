import type { RgbImage } from '../types.js';
import type { ParamSet, ParamTable } from './params.js';
import type { Rng } from './rng.js';

/** The 19 ImageNet-C corruptions (15 benchmark + 4 held-out), in the paper's order. */
export const CORRUPTION_NAMES = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'snow',
  'frost',
  'fog',
  'brightness',
  'contrast',
  'elastic_transform',
  'pixelate',
  'jpeg_compression',
  'speckle_noise',
  'gaussian_blur',
  'spatter',
  'saturate',
] as const;

export type CorruptionName = (typeof CORRUPTION_NAMES)[number];

/** Families as in Hendrycks & Dietterich (2019), Fig. 1 and Appendix. */
export type CorruptionFamily = 'noise' | 'blur' | 'weather' | 'digital';

export type Severity = 1 | 2 | 3 | 4 | 5;

/** What a corruption gets besides the image: its random stream and the resolved parameters. */
export interface CorruptionContext {
  /** Seeded from seedKey + corruption + severity: the only source of randomness. */
  rng: Rng;
  /** Resolved parameter table. */
  table: ParamTable;
  /** Parameters of `table`. */
  params: ParamSet;
  /**
   * Multiplier for pixel-valued parameters (blur radii, displacements, texture scales):
   * 1 keeps the published pixel values; `'image'` scaling sets min(w, h) / reference side.
   */
  pixelScale: number;
  /**
   * 3: an RGB image. 1: a gray image (R = G = B) of a gray model: noise is drawn once per pixel,
   * as the reference draws it over a one-channel array.
   */
  channels: 1 | 3;
}

export interface CorruptionSpec {
  name: CorruptionName;
  family: CorruptionFamily;
  /** One line for reports and docs. */
  description: string;
  /** Whether the output depends on the seed (false: a pure function of image and severity). */
  random: boolean;
  apply(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage | Promise<RgbImage>;
}
