/** Data checks of detection ground truth, on a hand-made set. */
import { describe, expect, it } from 'vitest';
import { detectionDataChecks } from '../../src/metrics/detection/data-checks.js';
import { GroundTruthColumnsBuilder } from '../../src/tables/detections.js';

describe('detection data checks', () => {
  it('finds degenerate, out-of-bounds and duplicate boxes, class balance and tiny objects', () => {
    const b = new GroundTruthColumnsBuilder();
    b.push([
      { box: [0, 0, 10, 10], classIndex: 0 }, // tiny (100 px²)
      { box: [0, 0, 10, 10.1], classIndex: 0 }, // duplicate of the first (IoU 0.99)
      { box: [0, 0, 10, 10], classIndex: 1 }, // same box, other class: not a duplicate
      { box: [5, 5, 5, 20], classIndex: 1 }, // degenerate
    ]);
    b.push([
      { box: [90, 10, 100.5, 60], classIndex: 0 }, // past the 100-pixel-wide image
      { box: [0, 0, 50, 50], classIndex: 0, iscrowd: true }, // not counted for sizes
    ]);
    const c = detectionDataChecks(b.finish(), { widths: [100, 100], heights: [100, 100] }, 3);
    expect(c.objects).toBe(6);
    expect(c.degenerate).toEqual([{ image: 0, row: 3 }]);
    expect(c.outOfBounds).toEqual([{ image: 1, row: 4 }]);
    expect(c.duplicates).toEqual([
      [
        { image: 0, row: 0 },
        { image: 0, row: 1 },
      ],
    ]);
    expect(c.perClass).toEqual([
      { objects: 4, images: 2 },
      { objects: 2, images: 1 },
      { objects: 0, images: 0 },
    ]);
    // Counted: 5 (the crowd region is not); tiny: the three 10×10 boxes and the degenerate one.
    expect(c.tinyShare).toBe(4 / 5);
    // All five counted objects are under 32² (the border box is 10.5 × 50 = 525 px²).
    expect(c.areaBuckets).toEqual({ small: 5, medium: 0, large: 0 });
  });
});
