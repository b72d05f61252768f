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
  // torch compares a float32 tensor with a Python float in float32.
  const conf = f32(options.confidence ?? DECODE_DEFAULTS.confidence);
  const multiLabel = (options.multiLabel ?? DECODE_DEFAULTS.multiLabel) && C > 1;
  const best = new Float32Array(A);
  const bestJ = new Int32Array(A);
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const base = n * ch * A;
    // Best class per anchor, class by class: the scores of one class are contiguous.
    best.fill(-Infinity);
    for (let j = 0; j < C; j++) {
      const row = base + (4 + j) * A;
      for (let a = 0; a < A; a++) {
        const v = d[row + a]!;
        if (v > best[a]!) {
          best[a] = v;
          bestJ[a] = j;
        }
      }
    }
    const cand = new Candidates();
    for (let a = 0; a < A; a++) {
      if (!(best[a]! > conf)) continue;
      const box = [d[base + a]!, d[base + A + a]!, d[base + 2 * A + a]!, d[base + 3 * A + a]!];
      if (multiLabel) {
        for (let j = 0; j < C; j++) {
          const v = d[base + (4 + j) * A + a]!;
          if (v > conf) cand.push(box, v, j);
        }
      } else cand.push(box, best[a]!, bestJ[a]!);
    }
    out.push(cand.suppress(options));
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
  const multiLabel = (options.multiLabel ?? DECODE_DEFAULTS.multiLabel) && C > 1;
  const scores = new Float32Array(C);
  const out: Detection[][] = [];
  for (let n = 0; n < N; n++) {
    const cand = new Candidates();
    for (let a = 0; a < A; a++) {
      const o = (n * A + a) * ch;
      const obj = d[o + 4]!;
      if (!(obj > conf)) continue;
      let bestV = -Infinity;
      let bestJ = 0;
      for (let j = 0; j < C; j++) {
        const v = f32(d[o + 5 + j]! * obj);
        scores[j] = v;
        if (v > bestV) {
          bestV = v;
          bestJ = j;
        }
      }
      if (!(bestV > conf)) continue;
      const box = [d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!];
      if (multiLabel) {
        for (let j = 0; j < C; j++) if (scores[j]! > conf) cand.push(box, scores[j]!, j);
      } else cand.push(box, bestV, bestJ);
    }
    out.push(cand.suppress(options));
  }
  return out;
}

function dims3(t: OutputTensor): [number, number, number] {
  if (t.dims.length !== 3)
    throw new RangeError(`output ${t.name} has dims [${t.dims.join(', ')}], not 3 dims`);
  return [t.dims[0]!, t.dims[1]!, t.dims[2]!];
}

/** (box, class) candidates of one image in (anchor, class) order, then NMS. */
class Candidates {
  private readonly boxes: number[] = [];
  private readonly scores: number[] = [];
  private readonly classes: number[] = [];

  /** Add a candidate from a centre box (cx, cy, w, h); corners in float32 as x − w/2. */
  push(box: readonly number[], score: number, classIndex: number): void {
    const [cx, cy, w, h] = box as [number, number, number, number];
    const hw = f32(w / 2);
    const hh = f32(h / 2);
    this.boxes.push(f32(cx - hw), f32(cy - hh), f32(cx + hw), f32(cy + hh));
    this.scores.push(score);
    this.classes.push(classIndex);
  }

  suppress(options: DecodeOptions): Detection[] {
    const b = this.boxes;
    const keep = nms(
      {
        boxes: Float32Array.from(b),
        scores: Float32Array.from(this.scores),
        classes: Int32Array.from(this.classes),
      },
      {
        iou: options.iou ?? DECODE_DEFAULTS.iou,
        maxDetections: options.maxDetections ?? DECODE_DEFAULTS.maxDetections,
      },
    );
    return keep.map((i) => ({
      box: [b[4 * i]!, b[4 * i + 1]!, b[4 * i + 2]!, b[4 * i + 3]!] as const,
      score: this.scores[i]!,
      classIndex: this.classes[i]!,
    }));
  }
}
