/** Class-aware NMS: the per-class shortcut gives what the full offset loop gives. */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/metrics/random.js';
import { MAX_WH, nms } from '../../src/model/detection/nms.js';

function candidates(n: number, seed: number, spread: number) {
  const rng = createRandom(seed);
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = (rng.nextFloat() - 0.1) * spread;
    const y = (rng.nextFloat() - 0.1) * spread;
    const w = 5 + rng.nextFloat() * 60;
    boxes.set([x, y, x + w, y + w * (0.5 + rng.nextFloat())], 4 * i);
    scores[i] = Math.round(rng.nextFloat() * 20) / 20; // many ties
    classes[i] = rng.nextInt(4);
  }
  return { boxes, scores, classes };
}

describe('class-aware NMS', () => {
  it('keeps the same boxes whether or not the coordinates allow the per-class shortcut', () => {
    const c = candidates(400, 1, 300);
    const kept = nms(c, { iou: 0.5, maxDetections: 1000 });
    // Shift everything far apart so the span exceeds MAX_WH: only the full loop runs, and the
    // two outliers cannot touch anything.
    const shifted = {
      boxes: Float32Array.from([...c.boxes, -MAX_WH, -MAX_WH, -MAX_WH + 1, -MAX_WH + 1]),
      scores: Float32Array.from([...c.scores, 0]),
      classes: Int32Array.from([...c.classes, 0]),
    };
    const keptFull = nms(shifted, { iou: 0.5, maxDetections: 1000 });
    expect(keptFull.filter((i) => i < 400)).toEqual(kept);
    // Per class on its own gives the same boxes (the offset makes classes independent).
    for (let k = 0; k < 4; k++) {
      const rows = Array.from({ length: 400 }, (_, i) => i).filter((i) => c.classes[i] === k);
      const sub = {
        boxes: Float32Array.from(
          rows.flatMap((i) => Array.from(c.boxes.subarray(4 * i, 4 * i + 4))),
        ),
        scores: Float32Array.from(rows, (i) => c.scores[i]!),
        classes: new Int32Array(rows.length),
      };
      const alone = nms(sub, { iou: 0.5, maxDetections: 400 }).map((j) => rows[j]!);
      expect(kept.filter((i) => c.classes[i] === k)).toEqual(alone);
    }
  });

  it('suppresses only above the IoU threshold, and keeps the earlier of equal scores', () => {
    // IoU of the two boxes is exactly 0.5: not suppressed at 0.5, suppressed at 0.49.
    const c = {
      boxes: Float32Array.from([0, 0, 10, 10, 0, 0, 10, 5, 0, 0, 10, 10]),
      scores: Float32Array.from([0.9, 0.8, 0.9]),
      classes: new Int32Array(3),
    };
    expect(nms(c, { iou: 0.5, maxDetections: 10 })).toEqual([0, 1]);
    expect(nms(c, { iou: 0.49, maxDetections: 10 })).toEqual([0]);
    expect(nms(c, { iou: 0.5, maxDetections: 1 })).toEqual([0]);
  });
});
