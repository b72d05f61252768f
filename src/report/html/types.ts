/**
 * What report.html is rendered from besides report.json: small images and a few facts that
 * report.json does not hold (and must not: thumbnails would bloat it). The engine makes these
 * at output time (engine/html-report.ts); the renderer only lays them out.
 */
import type { TrendEntry } from '../trend.js';

/** A small encoded image, ready to inline. */
export interface Thumbnail {
  /** `data:image/webp;base64,...` (or jpeg/png). */
  src: string;
  /** Pixel size of the encoded thumbnail. */
  width: number;
  height: number;
}

/** What a drawn box is, in drawing order (later kinds on top). */
export const BOX_KINDS = ['truth', 'matched', 'missed', 'prediction'] as const;
export type BoxKind = (typeof BOX_KINDS)[number];

/**
 * A box to draw over an image (detection): coordinates as fractions of the original image's
 * width and height, so they fit a thumbnail of any size.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  /**
   * `truth`: a ground-truth object (outline); `matched`: a detection matched to an object;
   * `missed`: an object (newly) missed, or a problem box of the data suite; `prediction`: a
   * (new) false positive.
   */
  kind: BoxKind;
  /** Untrusted label (class name and score), escaped by the renderer. */
  label?: string;
}

/** One example at every severity of every corruption, as the model saw it. */
export interface CorruptionStrip {
  id: string;
  label: string;
  severities: number[];
  clean: Thumbnail;
  rows: { corruption: string; images: Thumbnail[] }[];
}

export interface HtmlAssets {
  /** Thumbnails of evaluation examples, by example id (only the ids the report shows). */
  images: ReadonlyMap<string, Thumbnail>;
  /** Thumbnails of training images (leakage pairs), by training id. */
  trainImages?: ReadonlyMap<string, Thumbnail>;
  /** Boxes to draw over a newly failing example's thumbnail (detection), by example id. */
  boxes?: ReadonlyMap<string, readonly Box[]>;
  /** Boxes to draw over a pinned image's thumbnail (detection: missed and matched), by id. */
  pinnedBoxes?: ReadonlyMap<string, readonly Box[]>;
  /**
   * The baseline's confusion matrix over the same examples as `overall.confusion` (report.json
   * holds the candidate's only). Absent without a baseline model or records.
   */
  baselineConfusion?: number[][];
  strip?: CorruptionStrip;
  /** Stored runs of this branch, oldest first (the Action reads them from the baseline store). */
  history?: readonly TrendEntry[];
}

/** Caps that keep the file small on large datasets; every capped list says how many it left out. */
export interface HtmlLimits {
  /** Newly failing examples shown as thumbnails. */
  failingImages: number;
  /** Rows of the slice table. */
  sliceRows: number;
  /** Rows of the slice delta chart. */
  chartRows: number;
  /** Images per data-finding list (label issues, duplicate groups, outliers, leakage). */
  findingImages: number;
  /** Classes shown in a confusion heatmap (the most confused ones when there are more). */
  heatmapClasses: number;
}

export const DEFAULT_HTML_LIMITS: HtmlLimits = {
  failingImages: 120,
  sliceRows: 500,
  chartRows: 40,
  findingImages: 40,
  heatmapClasses: 20,
};
