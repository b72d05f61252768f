/**
 * What every detection dataset reader returns: the images as an {@link ExampleTable} (ids,
 * paths relative to the root, image-level metadata as dictionary-encoded columns; the label
 * column is unused and holds one empty label) plus their sizes and ground-truth columns, in the
 * same image order. Class indices follow `classes`; for COCO that is ascending category id,
 * the order COCOeval uses.
 */
import type { GroundTruthColumns } from '../../tables/detections.js';
import type { ExampleTable } from '../../tables/examples.js';

export interface DetectionDataset {
  /** Images in evaluation order (COCO: ascending image id). */
  images: ExampleTable;
  /** Pixel size per image (as displayed: EXIF orientation applied). */
  widths: Uint32Array;
  heights: Uint32Array;
  /** Class names by class index. */
  classes: string[];
  /** COCO category id per class index (COCO files only), for writing COCO results back. */
  categoryIds?: number[];
  /** Ground truth of every image, class indices into `classes`. */
  gt: GroundTruthColumns;
}

/** COCO's object-size buckets (COCOeval's area ranges, both ends inclusive). */
export const AREA_BUCKETS = ['small', 'medium', 'large'] as const;
export type AreaBucket = (typeof AREA_BUCKETS)[number];

/**
 * The COCO area bucket of an object area: small < 32², medium < 96², large otherwise, as the
 * COCO detection challenge defines them. (COCOeval's ranges are closed on both ends, so an area
 * of exactly 32² or 96² counts in both neighbours there; a bucket label needs one answer.)
 */
export function areaBucket(area: number): AreaBucket {
  return area < 32 * 32 ? 'small' : area < 96 * 96 ? 'medium' : 'large';
}

/** Where a reader error points: the file and the entry in it. */
export function entryError(file: string, entry: string, problem: string): string {
  return `${file}: ${entry}: ${problem}`;
}
