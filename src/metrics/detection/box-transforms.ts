/**
 * Box-aware versions of the geometric transforms in src/transforms/ (hflip, vflip, translate,
 * scale, crop), and the consistency of a detector's answers under them.
 *
 * The image transforms map pixel centres, which sit at integer coordinates (centre of the image
 * at ((W − 1)/2, (H − 1)/2)); boxes use pixel edges (pixel i spans [i, i + 1]). So a centre
 * coordinate u is the edge coordinate X − 0.5, and each map below is the image map written for
 * edges: hflip X' = W − X; translate X' = X + dx·W; scale by f about the centre
 * X' = f·X + (1 − f)·W/2 (crop by c is scale by 1/c). Boxes are clipped to the image; a box
 * whose visible part is under half of its moved area is dropped (it mostly left the image).
 */
import type { TransformSpec } from '../../transforms/index.js';
import type { DetectionColumns, GroundTruthColumns } from '../../tables/detections.js';
import { boxIou } from './matching.js';

/** Transforms whose effect on boxes is an axis-aligned map. */
export type BoxTransform = Extract<
  TransformSpec,
  { type: 'hflip' | 'vflip' | 'translate' | 'scale' | 'crop' }
>;

/** Whether a transform moves boxes to boxes (rotations and colour changes do not apply). */
export function isBoxTransform(spec: TransformSpec): spec is BoxTransform {
  return ['hflip', 'vflip', 'translate', 'scale', 'crop'].includes(spec.type);
}

/** x' = ax·x + bx, y' = ay·y + by for the transform on a w × h image. */
function axisMap(spec: BoxTransform, w: number, h: number): [number, number, number, number] {
  switch (spec.type) {
    case 'hflip':
      return [-1, w, 1, 0];
    case 'vflip':
      return [1, 0, -1, h];
    case 'translate':
      return [1, spec.dx * w, 1, spec.dy * h];
    case 'scale':
    case 'crop': {
      const f = spec.type === 'scale' ? spec.factor : 1 / spec.factor;
      return [f, ((1 - f) * w) / 2, f, ((1 - f) * h) / 2];
    }
  }
}

/**
 * Move corner boxes (4 values a box) as the transform moves the image content. Returns the new
 * boxes of the kept ones and, per input box, whether it was kept.
 */
export function transformBoxes(
  boxes: ArrayLike<number>,
  spec: BoxTransform,
  width: number,
  height: number,
): { boxes: Float64Array; kept: Uint8Array } {
  const [ax, bx, ay, by] = axisMap(spec, width, height);
  const n = Math.floor(boxes.length / 4);
  const kept = new Uint8Array(n);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const xa = ax * boxes[4 * i]! + bx;
    const xb = ax * boxes[4 * i + 2]! + bx;
    const ya = ay * boxes[4 * i + 1]! + by;
    const yb = ay * boxes[4 * i + 3]! + by;
    const [x1, x2] = xa <= xb ? [xa, xb] : [xb, xa];
    const [y1, y2] = ya <= yb ? [ya, yb] : [yb, ya];
    const cx1 = Math.max(0, x1);
    const cy1 = Math.max(0, y1);
    const cx2 = Math.min(width, x2);
    const cy2 = Math.min(height, y2);
    const area = (x2 - x1) * (y2 - y1);
    const visible = Math.max(0, cx2 - cx1) * Math.max(0, cy2 - cy1);
    if (area > 0 && visible >= area / 2) {
      kept[i] = 1;
      out.push(cx1, cy1, cx2, cy2);
    }
  }
  return { boxes: Float64Array.from(out), kept };
}

/** Consistency of detections on one image under a transform. */
export interface ImageConsistency {
  /** Detections on the original image (above the threshold, still inside after the move). */
  original: number;
  /** Detections on the transformed image above the threshold. */
  transformed: number;
  /** Pairs of the same class with IoU ≥ the threshold, one to one, by IoU. */
  matched: number;
}

/**
 * Compare, per image, the detections on the original image moved by the transform with the
 * detections on the transformed image: consistent pairs are same-class, IoU ≥ `iou`, matched
 * one to one greedily by IoU. Both sets keep detections with score ≥ `scoreThreshold`. The
 * consistency of a set of images is Σ matched / (½ Σ (original + transformed)), 1 when the
 * detector answers the same.
 */
export function detectionConsistency(
  original: DetectionColumns,
  transformed: DetectionColumns,
  sizes: { widths: ArrayLike<number>; heights: ArrayLike<number> },
  spec: BoxTransform,
  options: { scoreThreshold: number; iou?: number },
): ImageConsistency[] {
  const iou = options.iou ?? 0.5;
  const N = original.offsets.length - 1;
  const out: ImageConsistency[] = [];
  for (let i = 0; i < N; i++) {
    const rowsA: number[] = [];
    for (let r = original.offsets[i]!; r < original.offsets[i + 1]!; r++)
      if (original.scores[r]! >= options.scoreThreshold) rowsA.push(r);
    const moved = transformBoxes(
      rowsA.flatMap((r) => Array.from(original.boxes.subarray(4 * r, 4 * r + 4))),
      spec,
      sizes.widths[i]!,
      sizes.heights[i]!,
    );
    const classesA = rowsA.filter((_, j) => moved.kept[j] === 1).map((r) => original.classes[r]!);
    const rowsB: number[] = [];
    for (let r = transformed.offsets[i]!; r < transformed.offsets[i + 1]!; r++)
      if (transformed.scores[r]! >= options.scoreThreshold) rowsB.push(r);
    const pairs: { a: number; b: number; v: number }[] = [];
    classesA.forEach((k, a) => {
      for (const b of rowsB) {
        if (transformed.classes[b] !== k) continue;
        const v = boxIou(moved.boxes, a, transformed.boxes, b, false);
        if (v >= iou) pairs.push({ a, b, v });
      }
    });
    pairs.sort((p, q) => q.v - p.v || p.a - q.a || p.b - q.b);
    const usedA = new Set<number>();
    const usedB = new Set<number>();
    for (const p of pairs) {
      if (usedA.has(p.a) || usedB.has(p.b)) continue;
      usedA.add(p.a);
      usedB.add(p.b);
    }
    out.push({ original: classesA.length, transformed: rowsB.length, matched: usedA.size });
  }
  return out;
}

/**
 * The ground truth of a transformed image: each image's objects moved by the transform on its
 * `widths[i] × heights[i]` image ({@link transformBoxes}: clipped, and dropped when under half
 * of the moved box stays inside). Areas (COCO's area ranges) scale with the box: by the map's
 * area factor and the visible fraction. COCO's [x, y, w, h] numbers are not carried: they are
 * the file's, and moved boxes are not.
 */
export function moveGroundTruth(
  gt: GroundTruthColumns,
  sizes: { widths: ArrayLike<number>; heights: ArrayLike<number> },
  spec: BoxTransform,
): GroundTruthColumns {
  const N = gt.offsets.length - 1;
  const offsets = new Uint32Array(N + 1);
  const boxes: number[] = [];
  const classes: number[] = [];
  const iscrowd: number[] = [];
  const ignore: number[] = [];
  const areas: number[] = [];
  for (let i = 0; i < N; i++) {
    const a = gt.offsets[i]!;
    const b = gt.offsets[i + 1]!;
    const src = gt.boxes.subarray(4 * a, 4 * b);
    const moved = transformBoxes(src, spec, sizes.widths[i]!, sizes.heights[i]!);
    const [ax, , ay] = axisMap(spec, sizes.widths[i]!, sizes.heights[i]!);
    let k = 0;
    for (let r = a; r < b; r++) {
      if (moved.kept[r - a] !== 1) continue;
      const o = 4 * k++;
      const box = moved.boxes.subarray(o, o + 4);
      boxes.push(...box);
      classes.push(gt.classes[r]!);
      iscrowd.push(gt.iscrowd[r]!);
      ignore.push(gt.ignore[r]!);
      const full =
        Math.abs(ax * ay) *
        (src[4 * (r - a) + 2]! - src[4 * (r - a)]!) *
        (src[4 * (r - a) + 3]! - src[4 * (r - a) + 1]!);
      const visible = (box[2]! - box[0]!) * (box[3]! - box[1]!);
      areas.push(full > 0 ? gt.areas[r]! * Math.abs(ax * ay) * (visible / full) : gt.areas[r]!);
    }
    offsets[i + 1] = offsets[i]! + k;
  }
  return {
    offsets,
    boxes: Float64Array.from(boxes),
    classes: Int32Array.from(classes),
    iscrowd: Uint8Array.from(iscrowd),
    ignore: Uint8Array.from(ignore),
    areas: Float64Array.from(areas),
  };
}
