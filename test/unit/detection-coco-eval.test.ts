/**
 * The COCO evaluation against the official pycocotools COCOeval: inputs and numbers in
 * test/fixtures/metrics/coco-goldens.json were made by scripts/make-coco-goldens.py.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COCO_STAT_NAMES,
  accumulate,
  cocoParams,
  evaluateImages,
  summarize,
  type CocoStats,
} from '../../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../../src/metrics/detection/weighted-map.js';
import {
  DetectionColumnsBuilder,
  GroundTruthColumnsBuilder,
  type DetectionColumns,
  type GroundTruthColumns,
} from '../../src/tables/detections.js';

interface Numbers {
  stats: number[];
  perClass: { ap: number[]; ap50: number[] };
}
interface GoldenCase extends Numbers {
  name: string;
  images: number[];
  categories: number[];
  /** [image index, category index, x, y, w, h, area, iscrowd] */
  gt: number[][];
  /** [image index, category index, x, y, w, h, score] */
  dt: number[][];
  subsets: (Numbers & { name: string; weights: number[] })[];
}
const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/coco-goldens.json', import.meta.url), 'utf8'),
) as { iouThresholds: number[]; recallThresholds: number[]; cases: GoldenCase[] };

/** COCO [x, y, w, h] rows as columns: corner boxes, and the COCO numbers kept as read. */
function columnsOf(c: GoldenCase): { gt: GroundTruthColumns; dt: DetectionColumns } {
  const gb = new GroundTruthColumnsBuilder();
  const db = new DetectionColumnsBuilder();
  for (let i = 0; i < c.images.length; i++) {
    gb.push(
      c.gt
        .filter((r) => r[0] === i)
        .map((r) => ({
          box: [r[2]!, r[3]!, r[2]! + r[4]!, r[3]! + r[5]!] as const,
          cocoBox: [r[2]!, r[3]!, r[4]!, r[5]!] as const,
          classIndex: r[1]!,
          area: r[6]!,
          iscrowd: r[7] === 1,
        })),
    );
    db.push(
      c.dt
        .filter((r) => r[0] === i)
        .map((r) => ({
          box: [r[2]!, r[3]!, r[2]! + r[4]!, r[3]! + r[5]!] as const,
          cocoBox: [r[2]!, r[3]!, r[4]!, r[5]!] as const,
          classIndex: r[1]!,
          score: r[6]!,
        })),
    );
  }
  return { gt: gb.finish(), dt: db.finish() };
}

function statsArray(s: CocoStats): number[] {
  return COCO_STAT_NAMES.map((n) => s[n]);
}

let maxError = 0;
function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, i) => {
    maxError = Math.max(maxError, Math.abs(a - expected[i]!));
    expect(Math.abs(a - expected[i]!), `${what}[${i}]: ${a} vs ${expected[i]}`).toBeLessThan(1e-9);
  });
}

describe('COCO evaluation equals pycocotools COCOeval', () => {
  it('uses the same IoU and recall thresholds, bit for bit', () => {
    const p = cocoParams();
    expect(Array.from(p.iouThresholds)).toEqual(goldens.iouThresholds);
    expect(Array.from(p.recallThresholds)).toEqual(goldens.recallThresholds);
  });

  for (const c of goldens.cases) {
    describe(c.name, () => {
      const { gt, dt } = columnsOf(c);
      const ev = evaluateImages(gt, dt, c.categories.length);

      it('the 12 stats and per-class AP / AP50', () => {
        const s = summarize(accumulate(ev));
        expectClose(statsArray(s), c.stats, 'stats');
        expectClose(
          s.perClass.map((p) => p.ap),
          c.perClass.ap,
          'perClass.ap',
        );
        expectClose(
          s.perClass.map((p) => p.ap50),
          c.perClass.ap50,
          'perClass.ap50',
        );
      });

      for (const sub of c.subsets) {
        it(`accumulated over ${sub.name} (cached per-image results, no re-matching)`, () => {
          const s = summarize(accumulate(ev, { weights: sub.weights }));
          expectClose(statsArray(s), sub.stats, 'stats');
          expectClose(
            s.perClass.map((p) => p.ap),
            sub.perClass.ap,
            'perClass.ap',
          );
          const fast = mapOfImages(ev, sub.weights);
          expectClose([fast.map, fast.ap50], [sub.stats[0]!, sub.stats[1]!], 'mapOfImages');
        });
      }
    });
  }

  afterAll(() => {
    console.log(`max |TS − pycocotools| over all golden numbers: ${maxError.toExponential(2)}`);
  });
});
