/**
 * Set-prediction detectors (no NMS): `logits` [N, Q, ·] and `pred_boxes` [N, Q, 4] with boxes
 * as normalised cx, cy, w, h (fractions of the model input's width and height).
 * - DETR: logits [N, Q, C + 1], softmax over C classes plus "no object" (the last); each query's
 *   best real class and its probability (DETR's `PostProcess`).
 * - RT-DETR: logits [N, Q, C], sigmoid per class; the top k = Q (query, class) pairs over all
 *   Q·C scores (RT-DETR's post-processor with focal-loss scores), so a query can give two
 *   classes.
 * Boxes are scaled to input pixels; detections above the confidence, in score order.
 */
import type { Detection } from '../../tables/detections.js';
import { keepRows } from './post-nms.js';
import { type DecodeOptions, type OutputTensor, valueAt } from './tensor.js';

function shapes(logits: OutputTensor, boxes: OutputTensor): { N: number; Q: number; L: number } {
  if (
    logits.dims.length !== 3 ||
    boxes.dims.length !== 3 ||
    boxes.dims[2] !== 4 ||
    logits.dims[0] !== boxes.dims[0] ||
    logits.dims[1] !== boxes.dims[1]
  ) {
    throw new RangeError(
      `logits [${logits.dims.join(', ')}] and boxes [${boxes.dims.join(', ')}] are not [N, Q, classes] and [N, Q, 4]`,
    );
  }
  return { N: logits.dims[0]!, Q: logits.dims[1]!, L: logits.dims[2]! };
}

function cornerBox(
  boxes: OutputTensor,
  o: number,
  inputWidth: number,
  inputHeight: number,
): [number, number, number, number] {
  const cx = valueAt(boxes, o) * inputWidth;
  const cy = valueAt(boxes, o + 1) * inputHeight;
  const w = valueAt(boxes, o + 2) * inputWidth;
  const h = valueAt(boxes, o + 3) * inputHeight;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** Decode DETR outputs (softmax with a no-object class). */
export function decodeDetr(
  logits: OutputTensor,
  boxes: OutputTensor,
  input: { width: number; height: number },
  options: DecodeOptions = {},
): Detection[][] {
  const { N, Q, L } = shapes(logits, boxes);
  const C = L - 1;
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const rows: Detection[] = [];
    for (let q = 0; q < Q; q++) {
      const o = (n * Q + q) * L;
      let max = -Infinity;
      for (let j = 0; j < L; j++) max = Math.max(max, valueAt(logits, o + j));
      let sum = 0;
      for (let j = 0; j < L; j++) sum += Math.exp(valueAt(logits, o + j) - max);
      let best = 0;
      for (let j = 1; j < C; j++) if (valueAt(logits, o + j) > valueAt(logits, o + best)) best = j;
      rows.push({
        box: cornerBox(boxes, (n * Q + q) * 4, input.width, input.height),
        score: Math.exp(valueAt(logits, o + best) - max) / sum,
        classIndex: best,
      });
    }
    out.push(keepRows(rows, C, options));
  }
  return out;
}

/** Decode RT-DETR outputs (sigmoid scores, top-k over queries × classes). */
export function decodeRtDetr(
  logits: OutputTensor,
  boxes: OutputTensor,
  input: { width: number; height: number },
  options: DecodeOptions = {},
): Detection[][] {
  const { N, Q, L: C } = shapes(logits, boxes);
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const base = n * Q * C;
    const scores = new Float64Array(Q * C);
    for (let i = 0; i < Q * C; i++) scores[i] = 1 / (1 + Math.exp(-valueAt(logits, base + i)));
    // Top Q of the Q·C scores; ties by flat index, as a stable sort gives.
    const top = Array.from({ length: Q * C }, (_, i) => i)
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, Q);
    const rows = top.map((i) => ({
      box: cornerBox(boxes, (n * Q + Math.floor(i / C)) * 4, input.width, input.height),
      score: scores[i]!,
      classIndex: i % C,
    }));
    out.push(keepRows(rows, C, options));
  }
  return out;
}
