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

/** Where a reader error points: the file and the entry in it. */
export function entryError(file: string, entry: string, problem: string): string {
  return `${file}: ${entry}: ${problem}`;
}
