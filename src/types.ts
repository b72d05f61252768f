/**
 * Shared data shapes. A task's prediction records are the task's own (src/tasks/).
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

/** An 8-bit interleaved RGB image (HWC), the unit corruptions and transforms work on. */
export interface RgbImage {
  width: number;
  height: number;
  /** length = width × height × 3, row-major, RGB interleaved. */
  data: Uint8Array;
}

/** Outcome levels shared by gates and the verdict. */
export type Level = 'pass' | 'warn' | 'fail';
