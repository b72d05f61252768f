/**
 * `visiongate run` on the bundled detection example with a small robustness block: every mAP
 * the robustness suite reports (clean, per corruption × severity, per transform) must equal the
 * COCO evaluation (`accumulate` + `summarize`, which equals pycocotools: detection-coco-eval
 * tests) of that variant's own records in records.jsonl, with the ground truth moved by this
 * test's own box arithmetic for the transforms; mPC, rPC and their deltas must follow from those
 * values by hand; and the comment and report.html must name mAP, not accuracy.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulate, evaluateImages, summarize } from '../../src/metrics/detection/coco-eval.js';
import { DetectionColumnsBuilder, GroundTruthColumnsBuilder } from '../../src/tables/detections.js';
import { cli } from '../support/cli.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    iscrowd?: number;
  }[];
  categories: { id: number }[];
}
interface RecordLine {
  id: string;
  model: string;
  variant: string;
  boxes: number[];
  scores: number[];
  classes: number[];
}
interface ModelRob {
  cleanAccuracy: number;
  accuracy: Record<string, number[]>;
  transformAccuracy: Record<string, number>;
  mPC: number;
  rPC: number;
  consistency: Record<string, number>;
}
interface Rob {
  metric: string;
  table: string;
  corruptions: string[];
  severities: number[];
  transforms: string[];
  sampleSize: number;
  candidate: ModelRob;
  baseline: ModelRob;
  comparison: Record<
    'mPC' | 'rPC',
    {
      candidate: number;
      baseline: number;
      delta: number;
      interval?: { lower: number; upper: number };
    }
  >;
}

let dir: string;
let rob: Rob;
let gates: { configKey?: string; status: string }[];
let markdown: string;
let html: string;
let records: RecordLine[];
let coco: Coco;
let code: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-detect-rob-'));
  const config = `name: detection
dataset:
  format: coco
  root: ${EXAMPLE}/data/images
  annotations: ${EXAMPLE}/data/annotations.json
model:
  path: ${EXAMPLE}/models/candidate-yolo.onnx
  input:
    resize: { mode: letterbox, library: opencv }
baseline:
  model: ${EXAMPLE}/models/baseline-yolo.onnx
statistics:
  resamples: 20
robustness:
  corruptions: [gaussian_noise, contrast]
  severities: [1, 3]
  sample: 24
  transforms:
    - { type: hflip }
    - { type: translate, dx: 0.25, dy: 0.2 }
    - { type: translate, dx: 0, dy: 0, name: identity }
  gates:
    maxMPCDrop: 0.5
    minConsistency: 0.01
`;
  await writeFile(path.join(dir, 'visiongate.yml'), config);
  ({ code } = await cli([
    'run',
    '--config',
    path.join(dir, 'visiongate.yml'),
    '--out',
    path.join(dir, 'out'),
    '--quiet',
    '--fail-on',
    'never',
  ]));
  const report = JSON.parse(await readFile(path.join(dir, 'out', 'report.json'), 'utf8')) as {
    suites: { robustness: Rob };
    gates: { configKey?: string; status: string }[];
  };
  rob = report.suites.robustness;
  gates = report.gates;
  markdown = await readFile(path.join(dir, 'out', 'report.md'), 'utf8');
  html = await readFile(path.join(dir, 'out', 'report.html'), 'utf8');
  records = (await readFile(path.join(dir, 'out', 'records.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RecordLine);
  coco = JSON.parse(await readFile(path.join(EXAMPLE, 'data/annotations.json'), 'utf8')) as Coco;
}, 900_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A move of the image content on a w × h image: x' = ax·x + bx, y' = y + by. The translation is
 * a fraction of the image's own size: the letterbox's padding (118 of 160 rows are the image)
 * is not moved along.
 */
type Move = (w: number, h: number) => [number, number, number];
const MOVES: Record<string, Move> = {
  hflip: (w) => [-1, w, 0],
  'translate-0.25-0.2': (w, h) => [1, 0.25 * w, 0.2 * h],
  identity: () => [1, 0, 0],
};

/**
 * COCO mAP of one (model, variant)'s records on the sampled images, against the annotations
 * moved by `move`: boxes clipped to the image, dropped when under half stays inside, area
 * scaled by the visible fraction.
 */
function mapOf(model: string, variant: string, ids: readonly string[], move?: Move): number {
  const byId = new Map(
    records.filter((r) => r.model === model && r.variant === variant).map((r) => [r.id, r]),
  );
  const classOf = new Map(
    [...coco.categories].sort((a, b) => a.id - b.id).map((c, k) => [c.id, k]),
  );
  const gt = new GroundTruthColumnsBuilder();
  const dt = new DetectionColumnsBuilder();
  for (const id of ids) {
    const image = coco.images.find((im) => im.file_name === id || String(im.id) === id)!;
    const [ax, bx, by] = move ? move(image.width, image.height) : [1, 0, 0];
    const objects = [];
    for (const a of coco.annotations.filter((x) => x.image_id === image.id)) {
      const [x, y, w, h] = a.bbox;
      const xa = ax * x + bx;
      const xb = ax * (x + w) + bx;
      const x1 = Math.min(xa, xb);
      const x2 = Math.max(xa, xb);
      const c1 = Math.max(0, x1);
      const c2 = Math.min(image.width, x2);
      const d1 = Math.max(0, y + by);
      const d2 = Math.min(image.height, y + h + by);
      const visible = (Math.max(0, c2 - c1) * Math.max(0, d2 - d1)) / ((x2 - x1) * h);
      if (!move || visible >= 0.5)
        objects.push({
          box: move ? ([c1, d1, c2, d2] as const) : ([x, y, x + w, y + h] as const),
          classIndex: classOf.get(a.category_id)!,
          iscrowd: a.iscrowd === 1,
          area: move ? a.area * visible : a.area,
          ...(move ? {} : { cocoBox: a.bbox }),
        });
    }
    gt.push(objects);
    const r = byId.get(id)!;
    dt.push(
      r.scores.map((score, j) => ({
        box: [r.boxes[4 * j]!, r.boxes[4 * j + 1]!, r.boxes[4 * j + 2]!, r.boxes[4 * j + 3]!],
        score,
        classIndex: r.classes[j]!,
      })),
    );
  }
  return summarize(accumulate(evaluateImages(gt.finish(), dt.finish(), classOf.size))).ap;
}

/** The sampled ids: those with records of a corruption variant. */
const sampled = () => [
  ...new Set(records.filter((r) => r.variant === 'gaussian_noise@1').map((r) => r.id)),
];

describe('visiongate run with robustness on the detection example', () => {
  it('runs and reports mAP of the sample', () => {
    expect(code).toBe(0);
    expect(rob.metric).toBe('map');
    expect(rob.sampleSize).toBe(24);
    expect(sampled()).toHaveLength(24);
  });

  it('reports per corruption × severity the COCO mAP of that variant’s records', () => {
    const ids = sampled();
    for (const model of ['candidate', 'baseline'] as const) {
      expect(rob[model].cleanAccuracy).toBeCloseTo(mapOf(model, 'clean', ids), 12);
      for (const c of rob.corruptions)
        rob.severities.forEach((s, i) => {
          const want = mapOf(model, `${c}@${s}`, ids);
          expect(rob[model].accuracy[c]![i], `${model} ${c}@${s}`).toBeCloseTo(want, 12);
        });
    }
    // The corruptions do change the detections (the variants are not the clean records).
    expect(rob.candidate.accuracy.gaussian_noise![1]).not.toBe(rob.candidate.cleanAccuracy);
  });

  it('derives mPC, rPC and the deltas from those values (Michaelis et al. 2019)', () => {
    for (const model of ['candidate', 'baseline'] as const) {
      const m = rob[model];
      const perCorruption = rob.corruptions.map(
        (c) => m.accuracy[c]!.reduce((a, b) => a + b, 0) / rob.severities.length,
      );
      const mPC = perCorruption.reduce((a, b) => a + b, 0) / perCorruption.length;
      expect(m.mPC).toBeCloseTo(mPC, 12);
      expect(m.rPC).toBeCloseTo(mPC / m.cleanAccuracy, 12);
      expect(rob.comparison.mPC[model]).toBe(m.mPC);
    }
    expect(rob.comparison.mPC.delta).toBeCloseTo(rob.candidate.mPC - rob.baseline.mPC, 15);
    expect(rob.comparison.rPC.delta).toBeCloseTo(rob.candidate.rPC - rob.baseline.rPC, 15);
    expect(gates.find((g) => g.configKey === 'robustness.gates.maxMPCDrop')?.status).toBe('pass');
    // Its gate asks for the paired image-bootstrap interval of the mPC delta.
    const iv = rob.comparison.mPC.interval!;
    expect(iv.lower).toBeLessThanOrEqual(rob.comparison.mPC.delta);
    expect(iv.upper).toBeGreaterThanOrEqual(rob.comparison.mPC.delta);
  });

  it('judges a transform variant against the ground truth moved with the image', () => {
    const ids = sampled();
    for (const model of ['candidate', 'baseline'] as const)
      for (const t of rob.transforms) {
        const want = mapOf(model, `t:${t}`, ids, MOVES[t]);
        expect(rob[model].transformAccuracy[t], `${model} ${t}`).toBeCloseTo(want, 12);
      }
    // Judged against the unmoved annotations, a flipped image's detections score far lower.
    expect(mapOf('candidate', 't:hflip', ids)).toBeLessThan(
      rob.candidate.transformAccuracy.hflip! / 2,
    );
  });

  it('gives back the clean records, mAP and full consistency for the identity transform', () => {
    // Made on the image at its own size and letterboxed again: the same pixels as clean.
    for (const model of ['candidate', 'baseline'] as const) {
      const clean = records.filter((r) => r.model === model && r.variant === 'clean');
      for (const r of records.filter((x) => x.model === model && x.variant === 't:identity')) {
        const c = clean.find((x) => x.id === r.id)!;
        expect([r.boxes, r.scores, r.classes]).toEqual([c.boxes, c.scores, c.classes]);
      }
      expect(rob[model].transformAccuracy.identity).toBe(rob[model].cleanAccuracy);
      expect(rob[model].consistency.identity).toBe(1);
      expect(rob[model].consistency.hflip).toBeGreaterThan(0);
      expect(rob[model].consistency.hflip).toBeLessThan(1);
    }
  });

  it('says mAP, not accuracy, in the comment and report.html', () => {
    const section = markdown.slice(markdown.indexOf('### 🌫️ Robustness'));
    const end = section.search(/\n(### |<details>)/);
    const text = end > 0 ? section.slice(0, end) : section;
    expect(text).toMatch(/mPC .* rPC/);
    expect(text).toContain('| Corruption (worst first) | Baseline mAP | Candidate mAP |');
    expect(text).toContain('Candidate consistency');
    expect(text).not.toMatch(/accuracy/i);
    const h = html.slice(html.indexOf('id="robustness"'));
    const robHtml = h.slice(0, h.indexOf('</section>'));
    expect(robHtml).toContain('mAP vs severity');
    expect(robHtml).toContain('rPC');
    expect(robHtml).not.toMatch(/accuracy/i);
  });

  it('names the parameter tables as chosen per image (variants at each image’s own size)', () => {
    // Corrupted at its own size, each image picks its table by that size, not by the model's
    // input: the report names the rule rather than one table for all.
    expect(rob.table).toBe('auto');
    expect(markdown).toContain('(imagenet parameters, cifar for images of at most 64 px)');
    expect(html).toContain('(imagenet parameters, cifar for images of at most 64 px)');
  });
});
