/** Detection records: quantised columns that survive JSON Lines and shard merges exactly. */
import { describe, expect, it } from 'vitest';
import { accumulate, evaluateImages, summarize } from '../../src/metrics/detection/coco-eval.js';
import {
  concatDetections,
  DetectionColumnsBuilder,
  detectionsFromJsonLines,
  detectionsToJsonLines,
  GroundTruthColumnsBuilder,
  selectDetections,
  type Detection,
} from '../../src/tables/detections.js';
import { createRandom } from '../../src/metrics/random.js';

function randomImages(n: number, seed: number): Detection[][] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: rng.nextInt(6) }, () => {
      const x = rng.nextFloat() * 300;
      const y = rng.nextFloat() * 200;
      return {
        box: [x, y, x + 5 + rng.nextFloat() * 80, y + 5 + rng.nextFloat() * 80] as const,
        score: rng.nextFloat(),
        classIndex: rng.nextInt(3),
      };
    }),
  );
}

describe('detection records', () => {
  const images = randomImages(40, 1);
  const b = new DetectionColumnsBuilder();
  images.forEach((d) => b.push(d));
  const cols = b.finish();
  const ids = images.map((_, i) => `img-${i}`);

  it('quantises every number to 7 significant digits when a record is made', () => {
    expect(cols.scores[0]).toBe(Number(images.find((d) => d.length > 0)![0]!.score.toPrecision(7)));
    for (const v of cols.boxes) expect(Number(v.toPrecision(7))).toBe(v);
  });

  it('round-trips through JSON Lines, one line per image, bit for bit', () => {
    const text = detectionsToJsonLines(ids, cols);
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(40);
    const back = detectionsFromJsonLines(text, 'records.jsonl');
    expect(back.ids).toEqual(ids);
    expect(back.detections).toEqual(cols);
  });

  it('shards merged in order give the same columns and the same mAP', () => {
    const rows = Array.from({ length: 40 }, (_, i) => i);
    const merged = concatDetections([
      selectDetections(cols, rows.slice(0, 13)),
      detectionsFromJsonLines(
        detectionsToJsonLines(ids.slice(13), selectDetections(cols, rows.slice(13))),
        'shard-2',
      ).detections,
    ]);
    expect(merged).toEqual(cols);
    const gb = new GroundTruthColumnsBuilder();
    randomImages(40, 2).forEach((d) =>
      gb.push(d.map((x) => ({ box: x.box, classIndex: x.classIndex }))),
    );
    const gt = gb.finish();
    expect(summarize(accumulate(evaluateImages(gt, merged, 3)))).toEqual(
      summarize(accumulate(evaluateImages(gt, cols, 3))),
    );
  });

  it('names the line of a malformed record', () => {
    expect(() =>
      detectionsFromJsonLines(
        '{"id":"a","boxes":[1,2,3],"scores":[0.5],"classes":[0]}\n',
        'r.jsonl',
      ),
    ).toThrow(/r\.jsonl:1: not a detection record/);
  });
});
