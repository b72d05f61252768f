/**
 * Raw YOLO heads decoded as Ultralytics' validation does (`non_max_suppression` with
 * multi_label=True, then `scale_boxes`), in input pixels:
 * - `[N, 4 + C, A]` (YOLOv8 / v11 exports, "output0"): per anchor cx, cy, w, h then C class
 *   scores; a box is a candidate when its best class score exceeds the confidence.
 * - `[N, A, 5 + C]` (YOLOv5 exports): per anchor cx, cy, w, h, objectness, C class scores; a box
 *   is a candidate when its objectness exceeds the confidence, and its class scores are
 *   multiplied by the objectness (float32, as torch does in place).
 * Then, with multi-label, every (box, class) whose score exceeds the confidence, in (anchor,
 * class) order; without, each box's first best class. Boxes go from centre to corners in
 * float32 (x − w/2), then class-aware NMS (./nms.ts).
 */
import type { Detection } from '../../tables/detections.js';
import { nms } from './nms.js';
import { DECODE_DEFAULTS, type DecodeOptions, type OutputTensor } from './tensor.js';

const f32 = Math.fround;

/** Decode a `[N, 4 + C, A]` head; one list of detections per image. */
export function decodeYoloV8(t: OutputTensor, options: DecodeOptions = {}): Detection[][] {
  const [N, ch, A] = dims3(t);
  const C = ch - 4;
  if (C < 1) throw new RangeError(`a [N, 4 + C, A] head needs 4 + C ≥ 5 channels, got ${ch}`);
  const d = t.data as Float32Array;
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const base = n * ch * A;
    out.push(
      decodeRows(
        A,
        C,
        (a, j) => f32(d[base + (4 + j) * A + a]!),
        (a, k) => d[base + k * A + a]!,
        () => true,
        options,
      ),
    );
  }
  return out;
}

/** Decode a `[N, A, 5 + C]` head (objectness × class score); one list per image. */
export function decodeYoloV5(t: OutputTensor, options: DecodeOptions = {}): Detection[][] {
  const [N, A, ch] = dims3(t);
  const C = ch - 5;
  if (C < 1)
    throw new RangeError(`a [N, A, 5 + C] head needs 5 + C ≥ 6 values per anchor, got ${ch}`);
  const d = t.data as Float32Array;
  const conf = f32(options.confidence ?? DECODE_DEFAULTS.confidence);
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const base = n * A * ch;
    out.push(
      decodeRows(
        A,
        C,
        (a, j) => f32(d[base + a * ch + 5 + j]! * d[base + a * ch + 4]!),
        (a, k) => d[base + a * ch + k]!,
        (a) => d[base + a * ch + 4]! > conf,
        options,
      ),
    );
  }
  return out;
}

function dims3(t: OutputTensor): [number, number, number] {
  if (t.dims.length !== 3)
    throw new RangeError(`output ${t.name} has dims [${t.dims.join(', ')}], not 3 dims`);
  return [t.dims[0]!, t.dims[1]!, t.dims[2]!];
}

/**
 * The shared candidate selection and NMS of both heads. `score(a, j)` is class j's score of
 * anchor a, `box(a, k)` its k-th box value (cx, cy, w, h), `eligible(a)` the head's own
 * pre-filter (objectness for v5).
 */
function decodeRows(
  A: number,
  C: number,
  score: (a: number, j: number) => number,
  box: (a: number, k: number) => number,
  eligible: (a: number) => boolean,
  options: DecodeOptions,
): Detection[] {
  // torch compares a float32 tensor with a Python float in float32.
  const conf = f32(options.confidence ?? DECODE_DEFAULTS.confidence);
  const multiLabel = (options.multiLabel ?? DECODE_DEFAULTS.multiLabel) && C > 1;
  const boxes: number[] = [];
  const scores: number[] = [];
  const classes: number[] = [];
  const push = (a: number, j: number, s: number) => {
    const cx = box(a, 0);
    const cy = box(a, 1);
    const hw = f32(box(a, 2) / 2);
    const hh = f32(box(a, 3) / 2);
    boxes.push(f32(cx - hw), f32(cy - hh), f32(cx + hw), f32(cy + hh));
    scores.push(s);
    classes.push(j);
  };
  for (let a = 0; a < A; a++) {
    if (!eligible(a)) continue;
    let best = -Infinity;
    let bestJ = 0;
    for (let j = 0; j < C; j++) {
      const s = score(a, j);
      if (s > best) {
        best = s;
        bestJ = j;
      }
    }
    // Ultralytics' first filter: the best class score above the confidence.
    if (!(best > conf)) continue;
    if (multiLabel) {
      for (let j = 0; j < C; j++) {
        const s = score(a, j);
        if (s > conf) push(a, j, s);
      }
    } else push(a, bestJ, best);
  }
  const candidates = {
    boxes: Float32Array.from(boxes),
    scores: Float32Array.from(scores),
    classes: Int32Array.from(classes),
  };
  const keep = nms(candidates, {
    iou: options.iou ?? DECODE_DEFAULTS.iou,
    maxDetections: options.maxDetections ?? DECODE_DEFAULTS.maxDetections,
  });
  return keep.map((i) => ({
    box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!] as const,
    score: scores[i]!,
    classIndex: classes[i]!,
  }));
}
