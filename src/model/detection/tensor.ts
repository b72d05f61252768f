import type { NamedOutput } from '../ort-session.js';

/**
 * The output tensors detection decoders read: a name, concrete dims and the values, as
 * `LoadedModel.runOutputs` gives them. Labels of post-NMS graphs are often int64, which ONNX
 * Runtime gives as a BigInt64Array.
 */
export type OutputTensor = NamedOutput;

/** Options every decoder shares; defaults are Ultralytics validation's. */
export interface DecodeOptions {
  /** Minimum score of a detection (strictly greater, as Ultralytics filters). Default 0.001. */
  confidence?: number;
  /** NMS IoU threshold (raw heads only). Default 0.7. */
  iou?: number;
  /** Most detections kept per image. Default 300. */
  maxDetections?: number;
  /**
   * Raw heads: every class above `confidence` of a box is a candidate (Ultralytics validation
   * does this), not only its best class. Default true.
   */
  multiLabel?: boolean;
}

/** Ultralytics' validation defaults (`conf=0.001`, `iou=0.7`, `max_det=300`). */
export const DECODE_DEFAULTS = {
  confidence: 0.001,
  iou: 0.7,
  maxDetections: 300,
  multiLabel: true,
} as const;

/** Value i of a tensor as a number (int64 labels included). */
export function valueAt(t: OutputTensor, i: number): number {
  const v = t.data[i]!;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Product of dims from `from` on. */
export function sizeFrom(dims: readonly number[], from: number): number {
  let n = 1;
  for (let i = from; i < dims.length; i++) n *= dims[i]!;
  return n;
}
