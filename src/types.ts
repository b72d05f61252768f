/**
 * Shared data shapes. Everything after inference is a pure function of these: see docs/DESIGN.md.
 */

/** One labelled image of the evaluation set, as read from the manifest. */
export interface Example {
  /** Stable id (manifest `id` column, else the path relative to the dataset root). */
  id: string;
  /** POSIX path relative to the dataset root. */
  path: string;
  /** Absolute path on disk, checked to be inside the dataset root. */
  absPath: string;
  /** Class name as written in the manifest. */
  label: string;
  /** Index of `label` in the class list. */
  labelIndex: number;
  /** Metadata columns (lighting, camera, site, ...). Values are strings; missing is absent. */
  metadata: Record<string, string>;
}

/** Which model a prediction came from. */
export type ModelRole = 'candidate' | 'baseline';

/**
 * Name of the image variant a prediction was made on: `clean`, a corruption
 * `<name>@<severity>` (e.g. `gaussian_noise@3`), or a transform `t:<name>` (e.g. `t:rotate-10`).
 */
export type VariantName = string;

/**
 * One prediction of one model on one variant of one example. Compact sufficient statistics:
 * accuracy, top-k, confusion, ECE and Brier are all computable from these fields alone.
 */
export interface PredictionRecord {
  id: string;
  /** sha256 (hex) of the image file bytes: a changed image is never compared to an old record. */
  hash: string;
  model: ModelRole;
  variant: VariantName;
  /** True class index. */
  label: number;
  /** Predicted class index (argmax). */
  pred: number;
  /** Probability of the predicted class (max probability). */
  conf: number;
  /** Probability given to the true class. */
  pTrue: number;
  /** 0-based rank of the true class by probability (0 means top-1 correct). */
  rank: number;
  /** Σ_j p_j²: Brier score of the example is sumSq − 2·pTrue + 1. */
  sumSq: number;
  /** Full probability vector: clean variant only, and only when the data suite's label-issue check runs. */
  probs?: number[];
}

/** An 8-bit interleaved RGB image (HWC), the unit corruptions and transforms work on. */
export interface RgbImage {
  width: number;
  height: number;
  /** length = width × height × 3, row-major, RGB interleaved. */
  data: Uint8Array;
}

/** Outcome levels shared by gates and the verdict. */
export type Level = 'pass' | 'warn' | 'fail';
