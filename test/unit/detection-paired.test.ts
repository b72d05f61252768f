/** Paired image bootstrap of mAP deltas on cached per-image evaluations. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateImages } from '../../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../../src/metrics/detection/weighted-map.js';
import { pairedDetectionBootstrap } from '../../src/metrics/detection/paired.js';
import { pairedBootstrap } from '../../src/metrics/stats.js';
import {
  DetectionColumnsBuilder,
  GroundTruthColumnsBuilder,
  selectDetections,
} from '../../src/tables/detections.js';

interface GoldenCase {
  images: number[];
  categories: number[];
  gt: number[][];
  dt: number[][];
}
const golden = (
  JSON.parse(
    readFileSync(new URL('../fixtures/metrics/coco-goldens.json', import.meta.url), 'utf8'),
  ) as { cases: GoldenCase[] }
).cases[0]!;

const n = golden.images.length;
const K = golden.categories.length;
const gb = new GroundTruthColumnsBuilder();
const base = new DetectionColumnsBuilder();
const cand = new DetectionColumnsBuilder();
for (let i = 0; i < n; i++) {
  gb.push(
    golden.gt
      .filter((r) => r[0] === i)
      .map((r) => ({
        box: [r[2]!, r[3]!, r[2]! + r[4]!, r[3]! + r[5]!] as const,
        classIndex: r[1]!,
        area: r[6]!,
        iscrowd: r[7] === 1,
      })),
  );
  const dets = golden.dt
    .filter((r) => r[0] === i)
    .map((r) => ({
      box: [r[2]!, r[3]!, r[2]! + r[4]!, r[3]! + r[5]!] as const,
      classIndex: r[1]!,
      score: r[6]!,
    }));
  base.push(dets);
  // The candidate loses every other detection on odd images: worse, on half of the images.
  cand.push(i % 2 === 1 ? dets.filter((_, j) => j % 2 === 0) : dets);
}
const gt = gb.finish();
const evBase = evaluateImages(gt, base.finish(), K);
const evCand = evaluateImages(gt, cand.finish(), K);

describe('paired detection bootstrap', () => {
  it('estimates the mAP delta and brackets it', () => {
    const r = pairedDetectionBootstrap(evCand, evBase, 'map', { resamples: 200, seed: 3 });
    expect(r.estimate).toBeCloseTo(mapOfImages(evCand).map - mapOfImages(evBase).map, 12);
    expect(r.estimate).toBeLessThan(0);
    expect(r.lower).toBeLessThanOrEqual(r.estimate);
    expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
  });

  it('is exactly zero for a model compared with itself', () => {
    const r = pairedDetectionBootstrap(evBase, evBase, 'ap50', { resamples: 50 });
    expect([r.estimate, r.lower, r.upper]).toEqual([0, 0, 0]);
  });

  it('on a slice, resamples the slice images only, same draws as the shared bootstrap', () => {
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0);
    const r = pairedDetectionBootstrap(evCand, evBase, 'map', { resamples: 100, seed: 7, rows });
    // The same statistic written out: weights over the slice's images, zero elsewhere.
    const expected = pairedBootstrap(
      rows.length,
      (w) => {
        const full = new Uint32Array(n);
        rows.forEach((row, t) => (full[row] = w[t]!));
        return mapOfImages(evCand, full).map - mapOfImages(evBase, full).map;
      },
      { resamples: 100, seed: 7 },
    );
    expect(r).toEqual(expected);
    // And the estimate equals evaluating the slice's images on their own.
    const sliceGt = evaluateImages({ ...selectGt(rows) }, selectDetections(cand.finish(), rows), K);
    expect(r.estimate).toBeCloseTo(
      mapOfImages(sliceGt).map -
        mapOfImages(evaluateImages(selectGt(rows), selectDetections(base.finish(), rows), K)).map,
      12,
    );
  });
});

function selectGt(rows: number[]) {
  const b = new GroundTruthColumnsBuilder();
  for (const i of rows) {
    const objs = [];
    for (let r = gt.offsets[i]!; r < gt.offsets[i + 1]!; r++)
      objs.push({
        box: [
          gt.boxes[4 * r]!,
          gt.boxes[4 * r + 1]!,
          gt.boxes[4 * r + 2]!,
          gt.boxes[4 * r + 3]!,
        ] as const,
        classIndex: gt.classes[r]!,
        area: gt.areas[r]!,
        iscrowd: gt.iscrowd[r] === 1,
      });
    b.push(objs);
  }
  return b.finish();
}
