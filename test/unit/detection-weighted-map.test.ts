/**
 * The fast weighted mAP / AP50 against the reference accumulation (accumulate + meanPrecision,
 * itself checked against pycocotools in detection-coco-eval.test.ts, weighted subsets included):
 * equal to the last bit on random resamples of random images whose scores tie often, within
 * an image and across images, and whose objects include crowd regions and every size.
 */
import { describe, expect, it } from 'vitest';
import {
  accumulate,
  evaluateImages,
  meanPrecision,
  type ImageEvaluation,
} from '../../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../../src/metrics/detection/weighted-map.js';
import { createRandom } from '../../src/metrics/random.js';
import { DetectionColumnsBuilder, GroundTruthColumnsBuilder } from '../../src/tables/detections.js';

const K = 3;

function randomEvaluation(seed: number, images: number): ImageEvaluation {
  const rng = createRandom(seed);
  const gb = new GroundTruthColumnsBuilder();
  const db = new DetectionColumnsBuilder();
  const box = (): [number, number, number, number] => {
    const x = rng.nextFloat() * 200;
    const y = rng.nextFloat() * 200;
    const side = 4 + rng.nextFloat() * 150;
    return [x, y, x + side * (0.7 + 0.6 * rng.nextFloat()), y + side];
  };
  for (let i = 0; i < images; i++) {
    const objects = Array.from({ length: rng.nextInt(6) }, () => ({
      box: box(),
      classIndex: rng.nextInt(K),
      iscrowd: rng.nextFloat() < 0.05,
    }));
    gb.push(objects);
    const dets = [];
    // Near-copies of the objects (true positives at some thresholds) and random boxes.
    for (const o of objects)
      if (rng.nextFloat() < 0.8) {
        const j = () => (rng.nextFloat() - 0.5) * 12;
        const [x1, y1, x2, y2] = o.box;
        dets.push({
          box: [x1 + j(), y1 + j(), x2 + j(), y2 + j()] as const,
          classIndex: rng.nextFloat() < 0.9 ? o.classIndex : rng.nextInt(K),
          // Scores on a coarse grid: many ties.
          score: (1 + rng.nextInt(5)) / 5,
        });
      }
    for (let d = rng.nextInt(8); d > 0; d--)
      dets.push({ box: box(), classIndex: rng.nextInt(K), score: (1 + rng.nextInt(5)) / 5 });
    db.push(dets);
  }
  return evaluateImages(gb.finish(), db.finish(), K);
}

/** The reference: a full accumulation at area "all" and the last maxDets, as before. */
function reference(ev: ImageEvaluation, weights: Uint32Array): { map: number; ap50: number } {
  const last = ev.params.maxDets.length - 1;
  const acc = accumulate(ev, { weights });
  const t50 = ev.params.iouThresholds.indexOf(0.5);
  return { map: meanPrecision(acc, 0, last), ap50: meanPrecision(acc, 0, last, [t50]) };
}

describe('weighted mAP fast path', () => {
  it('equals the reference accumulation bit for bit on random resamples with ties', () => {
    const rng = createRandom(11);
    let compared = 0;
    for (const seed of [1, 2, 3]) {
      const N = 40;
      const ev = randomEvaluation(seed, N);
      for (let s = 0; s < 60; s++) {
        const w = new Uint32Array(N);
        // Bootstrap draws (repeats), and every few a slice-like subset with zeros.
        const draws = s % 4 === 3 ? 1 + rng.nextInt(6) : N;
        for (let d = 0; d < draws; d++) w[rng.nextInt(N)]!++;
        const ref = reference(ev, w);
        const both = mapOfImages(ev, w);
        expect(both.map).toBe(ref.map);
        expect(both.ap50).toBe(ref.ap50);
        expect(mapOfImages(ev, w, ['map']).map).toBe(ref.map);
        expect(mapOfImages(ev, w, ['ap50']).ap50).toBe(ref.ap50);
        compared++;
      }
      expect(mapOfImages(ev)).toEqual(reference(ev, new Uint32Array(N).fill(1)));
    }
    expect(compared).toBe(180);
  });

  it('gives −1 when no counted object is drawn, and NaN for a number not asked for', () => {
    const ev = randomEvaluation(5, 10);
    expect(mapOfImages(ev, new Uint32Array(10))).toEqual({ map: -1, ap50: -1 });
    expect(mapOfImages(ev, undefined, ['ap50']).map).toBeNaN();
  });
});
