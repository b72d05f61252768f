/**
 * The boxes of one image that report.html draws: its counted ground truth, the model's
 * detections matched at the working point and the objects it misses, in image pixels
 * (x1, y1, x2, y2, in the frame the records use: the image as the model's loader decoded it),
 * each list capped.
 */
import type { DetectionTable } from './records.js';
import type { TableEvaluation } from './evaluation.js';
import { MAX_BOXES_PER_IMAGE } from './schema.js';

/** An object: class name and x1, y1, x2, y2. */
export interface ObjectBox {
  class: string;
  box: number[];
}

/** A detection: an object box with its score. */
export interface ScoredBox extends ObjectBox {
  score: number;
}

/** The drawable boxes of image `i` of a table (row i of its evaluation). */
export function boxesOfImage(
  table: DetectionTable,
  te: TableEvaluation,
  i: number,
  classes: readonly string[],
  cap = MAX_BOXES_PER_IMAGE,
): { truth: ObjectBox[]; missed: ObjectBox[]; matched: ScoredBox[] } {
  const name = (c: number) => classes[c] ?? String(c);
  const box = (a: Float64Array, r: number) => Array.from(a.subarray(4 * r, 4 * r + 4));
  const truth: ObjectBox[] = [];
  const missed: ObjectBox[] = [];
  for (let r = te.gt.offsets[i]!; r < te.gt.offsets[i + 1]!; r++) {
    // 2: a crowd region or an ignored object, never an object to find.
    const outcome = te.match.objects[r];
    if (outcome === 2) continue;
    const o = { class: name(te.gt.classes[r]!), box: box(te.gt.boxes, r) };
    truth.push(o);
    if (outcome === 0) missed.push(o);
  }
  const d = table.detections;
  const matched: ScoredBox[] = [];
  for (let r = d.offsets[i]!; r < d.offsets[i + 1]!; r++)
    if (te.match.detections[r] === 1)
      matched.push({ class: name(d.classes[r]!), box: box(d.boxes, r), score: d.scores[r]! });
  // Highest score first, so a capped list keeps the detections the model is surest of.
  matched.sort((a, b) => b.score - a.score);
  return {
    truth: truth.slice(0, cap),
    missed: missed.slice(0, cap),
    matched: matched.slice(0, cap),
  };
}
