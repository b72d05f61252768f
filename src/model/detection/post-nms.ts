/**
 * Graphs that do their own NMS, decoded by reading their rows (input pixels, corner boxes):
 * - `boxes` [N, K, 4] or [K, 4], `scores` [N, K] or [K], `labels` [N, K] or [K] (torchvision
 *   detection models and exports like them); padding rows have score 0 or label −1.
 * - `[N, K, 6]` end-to-end heads (Ultralytics YOLOv10 / end2end exports): x1, y1, x2, y2, score,
 *   class per row, zero-padded.
 * A row counts when its score exceeds the confidence and its label is a class; rows are kept
 * in score order (stable), at most `maxDetections`.
 */
import type { Detection } from '../../tables/detections.js';
import {
  DECODE_DEFAULTS,
  sizeFrom,
  valueAt,
  type DecodeOptions,
  type OutputTensor,
} from './tensor.js';

/** Decode boxes / scores / labels outputs; one list per image. */
export function decodeBoxesScoresLabels(
  boxes: OutputTensor,
  scores: OutputTensor,
  labels: OutputTensor,
  numClasses: number,
  options: DecodeOptions = {},
): Detection[][] {
  const batched = scores.dims.length === 2;
  const N = batched ? scores.dims[0]! : 1;
  const K = scores.dims[scores.dims.length - 1]!;
  if (
    boxes.dims[boxes.dims.length - 1] !== 4 ||
    sizeFrom(boxes.dims, 0) !== N * K * 4 ||
    sizeFrom(labels.dims, 0) !== N * K
  ) {
    throw new RangeError(
      `boxes [${boxes.dims.join(', ')}], scores [${scores.dims.join(', ')}] and labels [${labels.dims.join(', ')}] do not describe the same K boxes`,
    );
  }
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const rows: Detection[] = [];
    for (let k = 0; k < K; k++) {
      const r = n * K + k;
      rows.push({
        box: [
          valueAt(boxes, 4 * r),
          valueAt(boxes, 4 * r + 1),
          valueAt(boxes, 4 * r + 2),
          valueAt(boxes, 4 * r + 3),
        ],
        score: valueAt(scores, r),
        classIndex: valueAt(labels, r),
      });
    }
    out.push(keepRows(rows, numClasses, options));
  }
  return out;
}

/** Decode an `[N, K, 6]` end-to-end output; one list per image. */
export function decodeEndToEnd(
  t: OutputTensor,
  numClasses: number,
  options: DecodeOptions = {},
): Detection[][] {
  if (t.dims.length !== 3 || t.dims[2] !== 6)
    throw new RangeError(`output ${t.name} has dims [${t.dims.join(', ')}], not [N, K, 6]`);
  const [N, K] = [t.dims[0]!, t.dims[1]!];
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const rows: Detection[] = [];
    for (let k = 0; k < K; k++) {
      const o = (n * K + k) * 6;
      rows.push({
        box: [valueAt(t, o), valueAt(t, o + 1), valueAt(t, o + 2), valueAt(t, o + 3)],
        score: valueAt(t, o + 4),
        classIndex: Math.round(valueAt(t, o + 5)),
      });
    }
    out.push(keepRows(rows, numClasses, options));
  }
  return out;
}

/** Drop padding and low scores, order by score (stable), cap the count. */
export function keepRows(
  rows: Detection[],
  numClasses: number,
  options: DecodeOptions,
): Detection[] {
  const conf = options.confidence ?? DECODE_DEFAULTS.confidence;
  const max = options.maxDetections ?? DECODE_DEFAULTS.maxDetections;
  return rows
    .filter((d) => d.score > conf && d.classIndex >= 0 && d.classIndex < numClasses)
    .sort((a, b) => b.score - a.score)
    .slice(0, max);
}
