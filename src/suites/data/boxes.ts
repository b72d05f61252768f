/**
 * The box check of a detection dataset: what its ground truth says before any model runs. The
 * numbers are those of metrics/detection/data-checks.ts (degenerate boxes, boxes past the
 * border, duplicate annotations, objects per class, tiny objects); this module names the
 * offending images and objects, caps the lists at `maxListed`, and offers the counts to gates.
 * It runs when the suite's input has objects (a detection run) and is absent otherwise.
 */
import {
  detectionDataChecks,
  DUPLICATE_IOU,
  TINY_AREA,
  type ObjectRef,
} from '../../metrics/detection/data-checks.js';
import { boxIou } from '../../metrics/detection/matching.js';
import type { AreaBucket, GroundTruthColumns } from '../../tables/detections.js';
import type { DataCheck, DataSuiteInput } from './types.js';
import { formatNumber, formatPercent, skipped } from './util.js';

/** One listed object: its image, its place among the image's objects, class and box. */
export interface BoxRef {
  id: string;
  path: string;
  /** 0-based index of the object among its image's objects (annotation order). */
  object: number;
  class: string;
  /** x1, y1, x2, y2 in image pixels. */
  box: number[];
  /** The image's size as the dataset gives it. */
  imageWidth: number;
  imageHeight: number;
}

/** Two annotations of one object. */
export interface DuplicateBoxPair {
  id: string;
  path: string;
  class: string;
  /** The two objects' indices among the image's objects. */
  objects: number[];
  iou: number;
  boxes: number[][];
  imageWidth: number;
  imageHeight: number;
}

/** Objects and images per class. */
export interface ClassBalanceRow {
  class: string;
  objects: number;
  images: number;
  /** Share of all objects. */
  share: number;
}

export interface BoxesFinding {
  status: 'ran';
  imageCount: number;
  objectCount: number;
  /** Images without any object (legitimate negatives, or forgotten annotations). */
  emptyImageCount: number;
  degenerateCount: number;
  outOfBoundsCount: number;
  /** Pairs of same-class boxes in one image with IoU ≥ {@link duplicateIou}. */
  duplicateCount: number;
  duplicateIou: number;
  /** Counted objects (not crowd regions or ignored ones) with area < {@link tinyArea}. */
  tinyCount: number;
  tinyShare: number;
  tinyArea: number;
  /** Counted objects per COCO area bucket. */
  areaBuckets: Record<AreaBucket, number>;
  /** Every class, in class-list order. */
  classes: ClassBalanceRow[];
  /** The class with the fewest objects (null without classes). */
  rarestClass: { class: string; objects: number } | null;
  degenerate: BoxRef[];
  outOfBounds: BoxRef[];
  duplicates: DuplicateBoxPair[];
  /** Some list holds fewer entries than its count. */
  truncated: boolean;
}

/** The ground truth the check reads (DataSuiteInput.objects). */
type Objects = NonNullable<DataSuiteInput['objects']>;

/** Run the box checks on the evaluated images' ground truth. */
export function checkBoxes(
  input: {
    examples: DataSuiteInput['examples'];
    classes: readonly string[];
    objects: Objects;
  },
  maxListed: number,
): BoxesFinding {
  const { columns: gt, sizes } = input.objects;
  const n = gt.offsets.length - 1;
  // Without sizes nothing is past a border: an infinite image.
  const dims = sizes ?? {
    widths: new Float64Array(n).fill(Infinity),
    heights: new Float64Array(n).fill(Infinity),
  };
  const found = detectionDataChecks(gt, dims, input.classes.length);
  const ex = (image: number) => input.examples[image]!;
  const boxOf = (row: number) => Array.from(gt.boxes.subarray(4 * row, 4 * row + 4));
  const ref = (r: ObjectRef): BoxRef => ({
    id: ex(r.image).id,
    path: ex(r.image).path,
    object: r.row - gt.offsets[r.image]!,
    class: input.classes[gt.classes[r.row]!]!,
    box: boxOf(r.row),
    imageWidth: dims.widths[r.image]!,
    imageHeight: dims.heights[r.image]!,
  });
  let empty = 0;
  for (let i = 0; i < n; i++) if (gt.offsets[i + 1] === gt.offsets[i]) empty++;
  const total = found.objects;
  const classes = found.perClass.map((c, k) => ({
    class: input.classes[k]!,
    objects: c.objects,
    images: c.images,
    share: total === 0 ? 0 : c.objects / total,
  }));
  const rarest = classes.reduce<ClassBalanceRow | undefined>(
    (min, c) => (min === undefined || c.objects < min.objects ? c : min),
    undefined,
  );
  const tinyCount = countTiny(gt);
  const duplicates = found.duplicates.slice(0, maxListed).map(([a, b]) => ({
    id: ex(a.image).id,
    path: ex(a.image).path,
    class: input.classes[gt.classes[a.row]!]!,
    objects: [a.row - gt.offsets[a.image]!, b.row - gt.offsets[a.image]!],
    iou: boxIou(gt.boxes, a.row, gt.boxes, b.row, false),
    boxes: [boxOf(a.row), boxOf(b.row)],
    imageWidth: dims.widths[a.image]!,
    imageHeight: dims.heights[a.image]!,
  }));
  return {
    status: 'ran',
    imageCount: n,
    objectCount: total,
    emptyImageCount: empty,
    degenerateCount: found.degenerate.length,
    outOfBoundsCount: found.outOfBounds.length,
    duplicateCount: found.duplicates.length,
    duplicateIou: DUPLICATE_IOU,
    tinyCount,
    tinyShare: found.tinyShare,
    tinyArea: TINY_AREA,
    areaBuckets: found.areaBuckets,
    classes,
    rarestClass: rarest ? { class: rarest.class, objects: rarest.objects } : null,
    degenerate: found.degenerate.slice(0, maxListed).map(ref),
    outOfBounds: found.outOfBounds.slice(0, maxListed).map(ref),
    duplicates,
    truncated: [found.degenerate, found.outOfBounds, found.duplicates].some(
      (l) => l.length > maxListed,
    ),
  };
}

/** Counted objects under the tiny area (the pure check gives their share only). */
function countTiny(gt: GroundTruthColumns): number {
  let tiny = 0;
  for (let r = 0; r < gt.classes.length; r++)
    if (gt.iscrowd[r] === 0 && gt.ignore[r] === 0 && gt.areas[r]! < TINY_AREA) tiny++;
  return tiny;
}

/** Registry entry: the box checks, on a detection run's ground truth. */
export const boxesCheck: DataCheck<'boxes'> = {
  id: 'boxes',
  title: 'Boxes',
  applies: (input) => input.objects !== undefined,
  run(ctx) {
    if (!ctx.config.boxes.enabled) return skipped('disabled in config');
    const { examples, classes, objects } = ctx.input;
    if (!objects) return skipped('the dataset has no boxes');
    return checkBoxes({ examples, classes, objects }, ctx.config.maxListed);
  },
  gateValues: (f) => [
    {
      gate: 'maxDegenerateBoxes',
      metric: 'degenerate boxes',
      value: f.degenerateCount,
      format: formatNumber,
    },
    {
      gate: 'maxOutOfBoundsBoxes',
      metric: 'boxes past the image border',
      value: f.outOfBoundsCount,
      format: formatNumber,
    },
    {
      gate: 'maxDuplicateBoxes',
      metric: 'duplicate boxes',
      value: f.duplicateCount,
      format: formatNumber,
    },
    {
      gate: 'maxTinyObjectShare',
      metric: 'tiny-object share',
      value: f.tinyShare,
      format: formatPercent,
    },
    ...(f.rarestClass
      ? [
          {
            gate: 'minClassObjects' as const,
            metric: 'objects of the rarest class',
            value: f.rarestClass.objects,
            format: formatNumber,
            detail: f.rarestClass.class,
          },
        ]
      : []),
  ],
};
