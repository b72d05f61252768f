import { describe, expect, it } from 'vitest';
import type { TableEvaluation } from '../../src/tasks/detection/evaluation.js';
import { boxesOfImage } from '../../src/tasks/detection/image-boxes.js';
import type { DetectionTable } from '../../src/tasks/detection/records.js';

/**
 * Two images. Image 1: objects cat (found), dog (missed), a crowd region (not counted);
 * detections dog 0.9 (false positive), cat 0.6 (matched), bird 0.8 (matched), cat 0.1 (below
 * the threshold). Only what boxesOfImage reads of a table and its evaluation.
 */
const table = {
  detections: {
    offsets: Uint32Array.of(0, 1, 5),
    boxes: Float64Array.of(0, 0, 1, 1, 1, 1, 5, 5, 10, 10, 20, 20, 30, 30, 40, 40, 2, 2, 3, 3),
    scores: Float32Array.of(0.5, 0.9, 0.6, 0.8, 0.1),
    classes: Int32Array.of(0, 1, 0, 2, 0),
  },
} as unknown as DetectionTable;
const te = {
  gt: {
    offsets: Uint32Array.of(0, 1, 4),
    boxes: Float64Array.of(0, 0, 1, 1, 10, 10, 20, 21, 50, 50, 60, 60, 0, 0, 99, 99),
    classes: Int32Array.of(0, 0, 1, 1),
  },
  match: {
    detections: Uint8Array.of(1, 0, 1, 1, 2),
    objects: Uint8Array.of(1, 1, 0, 2),
  },
} as unknown as TableEvaluation;
const CLASSES = ['cat', 'dog', 'bird'];

describe('boxesOfImage', () => {
  it('lists counted objects, missed objects and matched detections (highest score first)', () => {
    expect(boxesOfImage(table, te, 1, CLASSES)).toEqual({
      truth: [
        { class: 'cat', box: [10, 10, 20, 21] },
        { class: 'dog', box: [50, 50, 60, 60] },
      ],
      missed: [{ class: 'dog', box: [50, 50, 60, 60] }],
      matched: [
        { class: 'bird', box: [30, 30, 40, 40], score: Math.fround(0.8) },
        { class: 'cat', box: [10, 10, 20, 20], score: Math.fround(0.6) },
      ],
    });
  });

  it('caps each list, keeping the surest detections', () => {
    const b = boxesOfImage(table, te, 1, CLASSES, 1);
    expect(b.truth).toHaveLength(1);
    expect(b.missed).toHaveLength(1);
    expect(b.matched.map((m) => m.class)).toEqual(['bird']);
  });
});
