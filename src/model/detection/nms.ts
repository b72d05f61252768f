/**
 * Non-maximum suppression as Ultralytics' `non_max_suppression` runs it in validation, on the
 * float32 numbers of the model output:
 * - class-aware through the offset trick: each box is shifted by class · max_wh (7680) before
 *   one class-agnostic NMS, so boxes of different classes never overlap; the shift is done in
 *   float32 as torch does, which is why it can change an IoU in the last bits and is kept;
 * - torchvision's `nms` kernel: candidates by score, highest first, a stable sort (ties keep
 *   their order); a kept box suppresses every later box whose IoU with it is strictly greater
 *   than the threshold; areas, intersections and IoU in float32;
 * - at most `maxNms` candidates go in (the highest scores), at most `maxDetections` come out.
 */

const f32 = Math.fround;

/** Ultralytics' class offset for class-aware NMS (max box width/height in pixels). */
export const MAX_WH = 7680;
/** Ultralytics' cap on boxes entering NMS. */
export const MAX_NMS = 30000;

/** Candidate boxes for NMS, stored by column. */
export interface NmsCandidates {
  /** x1, y1, x2, y2 per candidate, float32 values. */
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

/** Options of {@link nms}. */
export interface NmsOptions {
  iou: number;
  maxDetections: number;
  /** Class-agnostic: one NMS over all classes. Default false. */
  agnostic?: boolean;
  maxNms?: number;
}

/**
 * Indices of the candidates NMS keeps, highest score first.
 */
export function nms(c: NmsCandidates, options: NmsOptions): number[] {
  const n = c.scores.length;
  // Stable sort by score, highest first (torchvision sorts with stable=true).
  let order = Array.from({ length: n }, (_, i) => i).sort((a, b) => c.scores[b]! - c.scores[a]!);
  const maxNms = options.maxNms ?? MAX_NMS;
  // Ultralytics keeps the top max_nms by score before NMS: the same as cutting the sorted order.
  if (order.length > maxNms) order = order.slice(0, maxNms);
  const m = order.length;
  const x1 = new Float32Array(m);
  const y1 = new Float32Array(m);
  const x2 = new Float32Array(m);
  const y2 = new Float32Array(m);
  const area = new Float32Array(m);
  for (let s = 0; s < m; s++) {
    const i = order[s]!;
    const off = options.agnostic ? 0 : f32(c.classes[i]! * MAX_WH);
    x1[s] = f32(c.boxes[4 * i]! + off);
    y1[s] = f32(c.boxes[4 * i + 1]! + off);
    x2[s] = f32(c.boxes[4 * i + 2]! + off);
    y2[s] = f32(c.boxes[4 * i + 3]! + off);
    area[s] = f32(f32(x2[s]! - x1[s]!) * f32(y2[s]! - y1[s]!));
  }
  // Two boxes of classes c < c' can only intersect after the offset if one's far edge minus
  // the other's near edge exceeds (c' − c)·MAX_WH. When all coordinates lie within a span
  // below MAX_WH (less a pixel for float32 rounding of the offsets), boxes of different
  // classes never intersect, so each box only needs comparing with its own class: the same
  // result as the full loop, which remains the fallback.
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = 0; s < m; s++) {
    const i = order[s]!;
    for (let k = 0; k < 4; k++) {
      const v = c.boxes[4 * i + k]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const separated = !options.agnostic && hi - lo < MAX_WH - 1;
  const group = new Int32Array(m);
  if (separated) for (let s = 0; s < m; s++) group[s] = c.classes[order[s]!]!;
  // Positions of each group, in score order, and each position's place in its group.
  const members = new Map<number, number[]>();
  const place = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    let list = members.get(group[s]!);
    if (!list) members.set(group[s]!, (list = []));
    place[s] = list.push(s) - 1;
  }
  const suppressed = new Uint8Array(m);
  const keep: number[] = [];
  for (let s = 0; s < m && keep.length < options.maxDetections; s++) {
    if (suppressed[s]) continue;
    keep.push(order[s]!);
    const ix1 = x1[s]!;
    const iy1 = y1[s]!;
    const ix2 = x2[s]!;
    const iy2 = y2[s]!;
    const ia = area[s]!;
    const later = members.get(group[s]!)!;
    for (let u = place[s]! + 1; u < later.length; u++) {
      const t = later[u]!;
      if (suppressed[t]) continue;
      const w = Math.max(0, f32(Math.min(ix2, x2[t]!) - Math.max(ix1, x1[t]!)));
      const h = Math.max(0, f32(Math.min(iy2, y2[t]!) - Math.max(iy1, y1[t]!)));
      const inter = f32(w * h);
      const iou = f32(inter / f32(f32(ia + area[t]!) - inter));
      if (iou > options.iou) suppressed[t] = 1;
    }
  }
  return keep;
}
