/** Paired image bootstrap of mAP deltas on cached per-image evaluations. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulate, evaluateImages, summarize } from '../../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../../src/metrics/detection/weighted-map.js';
import {
  mapExcessTest,
  mapSwapTest,
  pairedDetectionBootstrap,
} from '../../src/metrics/detection/paired.js';
import { createRandom } from '../../src/metrics/random.js';
import { pairedBootstrap } from '../../src/metrics/stats.js';
import {
  concatDetections,
  detectionsOf,
  DetectionColumnsBuilder,
  GroundTruthColumnsBuilder,
  selectDetections,
  selectGroundTruth,
  type DetectionColumns,
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
const baseDt = base.finish();
const candDt = cand.finish();
const evBase = evaluateImages(gt, baseDt, K);
const evCand = evaluateImages(gt, candDt, K);

/** mAP of some images' detections by the reference path (per-image evaluation, accumulate). */
function referenceMap(rows: readonly number[], from: (i: number) => DetectionColumns) {
  const b = new DetectionColumnsBuilder();
  for (const i of rows) b.push(detectionsOf(from(i), i));
  return summarize(accumulate(evaluateImages(selectGroundTruth(gt, rows), b.finish(), K))).ap;
}

/** Two detection sets of the same images side by side, interleaved by image (as the task does). */
function sideBySide(c: DetectionColumns, b: DetectionColumns, images: readonly number[]) {
  const m = images.length;
  return {
    ev: evaluateImages(
      selectGroundTruth(
        gt,
        images.flatMap((i) => [i, i]),
      ),
      concatDetections(
        images.flatMap((_, t) => [selectDetections(c, [t]), selectDetections(b, [t])]),
      ),
      K,
    ),
    candidate: Uint32Array.from({ length: m }, (_, t) => 2 * t),
    baseline: Uint32Array.from({ length: m }, (_, t) => 2 * t + 1),
  };
}
const exact = { maxDraws: 1 << 12, exceedances: 20, seed: 0 };
const tol = (x: number) => Math.abs(x) * 1e-12;

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

describe('mAP permutation tests', () => {
  // Nine images: 2⁹ = 512 swap masks and C(9, 3) = 84 slices, all enumerated.
  const rows = Array.from({ length: 9 }, (_, i) => i);
  it('has a slice of three with no object (an undefined mAP) among the enumerated ones', () => {
    expect(rows.filter((i) => gt.offsets[i + 1] === gt.offsets[i]).length).toBeGreaterThan(2);
  });

  it('swap test: the exact p over every swap mask, each mAP by the reference path', () => {
    const sides = sideBySide(selectDetections(candDt, rows), selectDetections(baseDt, rows), rows);
    const r = mapSwapTest(sides, rows, rows, exact);
    const delta = (mask: number) =>
      referenceMap(rows, (i) => ((mask >> i) & 1 ? baseDt : candDt)) -
      referenceMap(rows, (i) => ((mask >> i) & 1 ? candDt : baseDt));
    const observed = delta(0);
    expect(r.observed).toBeCloseTo(observed, 12);
    expect(observed).toBeLessThan(0);
    let k = 0;
    for (let mask = 0; mask < 512; mask++)
      if (Math.abs(delta(mask)) >= Math.abs(observed) - tol(observed)) k++;
    expect(r).toMatchObject({ exact: true, draws: 512 });
    expect(r.p).toBeCloseTo(k / 512, 15);
    // Odd images differ between the models, so the swaps move mAP both ways: 0 < p < 1.
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(1);
  });

  it('slice test: the exact p over every slice of the same size, each mAP by the reference path', () => {
    const inSlice = Uint8Array.from(rows, (i) => (i === 1 || i === 3 || i === 5 ? 1 : 0));
    const r = mapExcessTest(evCand, evBase, rows, rows, inSlice, exact);
    // Undefined (−1: no object among the images) on either side: NaN, counted as extreme.
    const delta = (members: number[]) => {
      const c = referenceMap(members, () => candDt);
      const b = referenceMap(members, () => baseDt);
      return c < 0 || b < 0 ? NaN : c - b;
    };
    expect(r.change).toBeCloseTo(delta([1, 3, 5]), 12);
    expect(r.restChange).toBeCloseTo(delta([0, 2, 4, 6, 7, 8]), 12);
    const observed = delta([1, 3, 5]);
    let k = 0;
    let total = 0;
    for (let a = 0; a < 9; a++)
      for (let b = a + 1; b < 9; b++)
        for (let c = b + 1; c < 9; c++) {
          total++;
          if (!(delta([a, b, c]) > observed + tol(observed))) k++;
        }
    expect(total).toBe(84);
    expect(r).toMatchObject({ exact: true, draws: 84 });
    expect(r.p).toBeCloseTo(k / 84, 15);
    // Three of the odd images (where the candidate dropped detections): among the worst slices.
    expect(r.p).toBeLessThan(0.25);
  });

  it('is calibrated: with the models exchanged per image at random, P(p ≤ α) ≤ α', () => {
    // Null data: each image's two detection sets given to "candidate" and "baseline" by a fair
    // coin, so neither model is better anywhere; 150 runs of 24 images at α = 0.1.
    const sims = 150;
    const m = 24;
    const pick = Array.from({ length: m }, (_, i) => i);
    let rejectedSwap = 0;
    let rejectedSlice = 0;
    const rng = createRandom(21);
    for (let s = 0; s < sims; s++) {
      const cb = new DetectionColumnsBuilder();
      const bb = new DetectionColumnsBuilder();
      for (const i of pick) {
        const flip = rng.nextInt(2);
        cb.push(detectionsOf(flip ? candDt : baseDt, i));
        bb.push(detectionsOf(flip ? baseDt : candDt, i));
      }
      const c = cb.finish();
      const b = bb.finish();
      const g = selectGroundTruth(gt, pick);
      const options = { maxDraws: 99, exceedances: 10, seed: s };
      if (mapSwapTest(sideBySide(c, b, pick), pick, pick, options).p <= 0.1) rejectedSwap++;
      // A random slice of 8 images.
      const inSlice = new Uint8Array(m);
      for (let placed = 0; placed < 8;) {
        const i = rng.nextInt(m);
        if (!inSlice[i]) {
          inSlice[i] = 1;
          placed++;
        }
      }
      const ec = evaluateImages(g, c, K);
      const eb = evaluateImages(g, b, K);
      if (mapExcessTest(ec, eb, pick, pick, inSlice, options).p <= 0.1) rejectedSlice++;
    }
    const bound = 0.1 + 3 * Math.sqrt(0.09 / sims);
    expect(rejectedSwap / sims).toBeLessThan(bound);
    expect(rejectedSlice / sims).toBeLessThan(bound);
  });
});
