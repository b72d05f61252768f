/**
 * Post-NMS detectors through `visiongate run`, against goldens made without VisionGate by
 * scripts/make-post-nms-fixtures.py:
 * - the example's boxes / scores / labels exports (examples/detection/visiongate-nms.yml): the
 *   report's COCO statistics and per-slice mAP and AP50 equal pycocotools' on the predictions the
 *   graph's own NMS rules give in torch, and records.jsonl holds those predictions;
 * - an `[N, K, 6]` end-to-end head and DETR logits + boxes (tiny torch exports): records.jsonl
 *   equals their outputs decoded in Python by the conventions' rules.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { absolutePaths } from '../support/task-examples.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(REPO, 'examples/detection');
const FIXTURES = path.join(REPO, 'test/fixtures/detection');
const STATS = [
  'map',
  'ap50',
  'ap75',
  'ap_small',
  'ap_medium',
  'ap_large',
  'ar1',
  'ar10',
  'ar100',
  'ar_small',
  'ar_medium',
  'ar_large',
];

/** x1, y1, x2, y2, score, class index. */
type Row = [number, number, number, number, number, number];

interface RecordLine {
  id: string;
  model: string;
  boxes: number[];
  scores: number[];
  classes: number[];
}

async function recordLines(dir: string): Promise<RecordLine[]> {
  const text = await readFile(path.join(dir, 'records.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RecordLine);
}

/** A record's detections as rows, to compare with Python's. */
const rowsOf = (r: RecordLine): Row[] =>
  r.scores.map((s, k) => [...r.boxes.slice(4 * k, 4 * k + 4), s, r.classes[k]!] as Row);

/** Same count and classes; boxes and scores to `tol` (ONNX Runtime vs torch float32 ops). */
function expectRows(got: Row[], want: Row[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    expect(g[5]).toBe(want[k]![5]);
    for (let j = 0; j < 5; j++) expect(Math.abs(g[j]! - want[k]![j]!)).toBeLessThan(tol);
  });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-post-nms-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the example with NMS in the graph (boxes / scores / labels)', () => {
  interface Golden {
    models: Record<
      'candidate' | 'baseline',
      {
        stats: number[];
        slices: Record<string, [number, number]>;
        counts: Record<string, number>;
        firstImages: Record<string, Row[]>;
      }
    >;
  }
  let golden: Golden;
  let report: {
    overall: Record<'candidate' | 'baseline', Record<string, number | null>>;
    slices: { key: string; candidate: Record<string, number>; baseline: Record<string, number> }[];
  };
  let records: RecordLine[];

  beforeAll(async () => {
    golden = JSON.parse(
      await readFile(path.join(FIXTURES, 'post-nms-example.json'), 'utf8'),
    ) as Golden;
    // The bundled config, with fewer resamples (intervals are not compared).
    const config = absolutePaths(
      await readFile(path.join(EXAMPLE, 'visiongate-nms.yml'), 'utf8'),
      EXAMPLE,
    ).replace(/resamples: \d+/, 'resamples: 20');
    await writeFile(path.join(tmp, 'nms.yml'), config);
    const out = path.join(tmp, 'nms');
    const run = await cli(['run', '-c', path.join(tmp, 'nms.yml'), '-o', out, '-q']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // the candidate's regression on lighting=dim
    report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as typeof report;
    records = await recordLines(out);
  });

  it.each(['candidate', 'baseline'] as const)(
    "%s: the 12 COCO statistics and every slice's mAP and AP50 are pycocotools'",
    (model) => {
      const want = golden.models[model];
      STATS.forEach((name, i) => {
        const got = report.overall[model][name] ?? -1;
        expect(Math.abs(got - want.stats[i]!), name).toBeLessThan(1e-9);
      });
      const keys = Object.keys(want.slices);
      expect(keys.length).toBe(4);
      for (const key of keys) {
        const slice = report.slices.find((s) => s.key === key)!;
        expect(Math.abs(slice[model].map! - want.slices[key]![0]), key).toBeLessThan(1e-9);
        expect(Math.abs(slice[model].ap50! - want.slices[key]![1]), key).toBeLessThan(1e-9);
      }
    },
  );

  it.each(['candidate', 'baseline'] as const)(
    '%s: records.jsonl holds the graph’s detections, mapped back to the image',
    (model) => {
      const want = golden.models[model];
      const mine = records.filter((r) => r.model === model);
      expect(mine.length).toBe(Object.keys(want.counts).length);
      for (const r of mine) expect(r.scores.length, r.id).toBe(want.counts[r.id]);
      for (const [id, rows] of Object.entries(want.firstImages))
        expectRows(rowsOf(mine.find((r) => r.id === id)!), rows, 1e-3);
    },
  );
});

describe.each(['end-to-end', 'detr'])('a %s detector', (model) => {
  it('runs end to end; records.jsonl equals the outputs decoded in Python', async () => {
    const dir = path.join(FIXTURES, 'post-nms');
    const config = [
      `name: ${model}`,
      'dataset:',
      '  format: coco',
      `  root: ${path.join(dir, 'images')}`,
      `  annotations: ${path.join(dir, 'annotations.json')}`,
      'model:',
      `  path: ${path.join(dir, `${model}.onnx`)}`,
      '  input:',
      '    resize: { mode: letterbox, library: opencv }',
      '',
    ].join('\n');
    await writeFile(path.join(tmp, `${model}.yml`), config);
    const out = path.join(tmp, model);
    const run = await cli(['run', '-c', path.join(tmp, `${model}.yml`), '-o', out, '-q']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as {
      models: Record<string, Record<string, Row[]>>;
    };
    const want = expected.models[model]!;
    const records = await recordLines(out);
    expect(records.map((r) => r.id).sort()).toEqual(Object.keys(want).sort());
    for (const r of records) expectRows(rowsOf(r), want[r.id]!, 1e-4);
    // Every class is predicted, and the end-to-end head's padding rows were dropped.
    expect(new Set(records.flatMap((r) => r.classes))).toEqual(new Set([0, 1, 2]));
  });
});
