/** Boxes moved by the box-aware transforms land where the image transforms move the pixels. */
import { describe, expect, it } from 'vitest';
import {
  detectionConsistency,
  transformBoxes,
  type BoxTransform,
} from '../../src/metrics/detection/box-transforms.js';
import { applyTransform } from '../../src/transforms/index.js';
import { DetectionColumnsBuilder } from '../../src/tables/detections.js';
import type { RgbImage } from '../../src/types.js';

const W = 80;
const H = 60;

/** A black image with a white rectangle covering pixels [x1, x2) × [y1, y2). */
function rectangle(x1: number, y1: number, x2: number, y2: number): RgbImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = y1; y < y2; y++)
    for (let x = x1; x < x2; x++) data.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
  return { width: W, height: H, data };
}

/** Edge-coordinate bounding box of the pixels brighter than half. */
function brightBox(img: RgbImage): number[] {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      if (img.data[(y * img.width + x) * 3]! > 127) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
  return [x1, y1, x2, y2];
}

const specs: BoxTransform[] = [
  { type: 'hflip' },
  { type: 'vflip' },
  { type: 'translate', dx: 0.1, dy: -0.05 },
  { type: 'scale', factor: 1.25, border: 'edge' },
  { type: 'scale', factor: 0.8, border: 'edge' },
  { type: 'crop', factor: 0.8, border: 'edge' },
];

describe('box-aware transforms', () => {
  for (const spec of specs) {
    it(`${JSON.stringify(spec)} moves the box with the pixels (within a pixel)`, () => {
      const box = [20, 14, 44, 38];
      const img = applyTransform(rectangle(20, 14, 44, 38), { ...spec, border: 'edge' });
      const moved = transformBoxes(box, spec, W, H);
      expect(Array.from(moved.kept)).toEqual([1]);
      const expected = brightBox(img);
      Array.from(moved.boxes).forEach((v, i) =>
        expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1),
      );
    });
  }

  it('clips boxes at the border and drops those mostly gone', () => {
    const moved = transformBoxes(
      [0, 0, 20, 20, 70, 10, 80, 20],
      { type: 'translate', dx: 0.1, dy: 0 },
      W,
      H,
    );
    // The first moves to 8..28; the second to 78..88, of which 2 of 10 columns remain: dropped.
    expect(Array.from(moved.kept)).toEqual([1, 0]);
    expect(Array.from(moved.boxes)).toEqual([8, 0, 28, 20]);
  });

  it('consistency is full when the detector follows the transform, partial otherwise', () => {
    const a = new DetectionColumnsBuilder();
    a.push([
      { box: [10, 10, 30, 30], score: 0.9, classIndex: 0 },
      { box: [50, 20, 70, 50], score: 0.8, classIndex: 1 },
    ]);
    const b = new DetectionColumnsBuilder();
    b.push([
      { box: [50, 10, 70, 30], score: 0.9, classIndex: 0 }, // hflip of the first
      { box: [10, 20, 30, 50], score: 0.7, classIndex: 0 }, // the second, with the wrong class
    ]);
    const sizes = { widths: [W], heights: [H] };
    expect(
      detectionConsistency(
        a.finish(),
        b.finish(),
        sizes,
        { type: 'hflip' },
        { scoreThreshold: 0.5 },
      ),
    ).toEqual([{ original: 2, transformed: 2, matched: 1 }]);
  });
});
