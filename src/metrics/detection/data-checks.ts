/**
 * Data checks of a detection dataset's ground truth: the findings a data suite reports before
 * any model runs.
 * - degenerate boxes: zero width or height (never matched by any detection);
 * - boxes past the image border (within the readers' 1-pixel tolerance, else they refuse them);
 * - duplicate boxes: two objects of one class in one image with IoU ≥ 0.95 (a double
 *   annotation makes one of them impossible to find: a guaranteed miss);
 * - class balance: objects and images per class;
 * - tiny objects: the share of counted objects with area < 16² (COCO "small" is < 32²;
 *   below 16² most detectors at common input sizes see a handful of pixels) and per COCO area
 *   bucket.
 */
import { areaBucket, type AreaBucket, type GroundTruthColumns } from '../../tables/detections.js';
import { boxIou } from './matching.js';

/** IoU from which two same-class boxes of one image count as one object annotated twice. */
export const DUPLICATE_IOU = 0.95;
/** Area under which an object counts as tiny. */
export const TINY_AREA = 16 * 16;

/** A ground-truth row and its image. */
export interface ObjectRef {
  image: number;
  row: number;
}

/** What {@link detectionDataChecks} finds. */
export interface DetectionDataChecks {
  objects: number;
  degenerate: ObjectRef[];
  outOfBounds: ObjectRef[];
  /** Pairs (first, second) of duplicate annotations. */
  duplicates: [ObjectRef, ObjectRef][];
  /** Per class: objects and images that contain it. */
  perClass: { objects: number; images: number }[];
  /** Share of counted objects (not crowd or ignored) with area < {@link TINY_AREA}. */
  tinyShare: number;
  /** Counted objects per COCO area bucket. */
  areaBuckets: Record<AreaBucket, number>;
}

/** Run the checks on ground truth of images of the given sizes. */
export function detectionDataChecks(
  gt: GroundTruthColumns,
  sizes: { widths: ArrayLike<number>; heights: ArrayLike<number> },
  numClasses: number,
): DetectionDataChecks {
  const N = gt.offsets.length - 1;
  const out: DetectionDataChecks = {
    objects: gt.classes.length,
    degenerate: [],
    outOfBounds: [],
    duplicates: [],
    perClass: Array.from({ length: numClasses }, () => ({ objects: 0, images: 0 })),
    tinyShare: 0,
    areaBuckets: { small: 0, medium: 0, large: 0 },
  };
  let counted = 0;
  let tiny = 0;
  for (let i = 0; i < N; i++) {
    const seen = new Set<number>();
    const from = gt.offsets[i]!;
    const to = gt.offsets[i + 1]!;
    for (let r = from; r < to; r++) {
      const [x1, y1, x2, y2] = [
        gt.boxes[4 * r]!,
        gt.boxes[4 * r + 1]!,
        gt.boxes[4 * r + 2]!,
        gt.boxes[4 * r + 3]!,
      ];
      if (!(x2 > x1 && y2 > y1)) out.degenerate.push({ image: i, row: r });
      if (x1 < 0 || y1 < 0 || x2 > sizes.widths[i]! || y2 > sizes.heights[i]!)
        out.outOfBounds.push({ image: i, row: r });
      const k = gt.classes[r]!;
      out.perClass[k]!.objects++;
      if (!seen.has(k)) {
        seen.add(k);
        out.perClass[k]!.images++;
      }
      if (gt.iscrowd[r] === 0 && gt.ignore[r] === 0) {
        counted++;
        if (gt.areas[r]! < TINY_AREA) tiny++;
        out.areaBuckets[areaBucket(gt.areas[r]!)]++;
      }
      for (let s = from; s < r; s++)
        if (gt.classes[s] === k && boxIou(gt.boxes, s, gt.boxes, r, false) >= DUPLICATE_IOU)
          out.duplicates.push([
            { image: i, row: s },
            { image: i, row: r },
          ]);
    }
  }
  out.tinyShare = counted === 0 ? 0 : tiny / counted;
  return out;
}
