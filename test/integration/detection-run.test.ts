/**
 * `visiongate run` on the bundled detection example, in process: the report's mAP, AP50 and
 * per-slice mAP must equal what pycocotools computes on the same files (models/metrics.json,
 * scripts/make-detection-reference.py) to 1e-4, and the candidate's regression on
 * lighting=dim must be a newly failing slice with newly missed objects, for the raw-head exports.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');

interface Reference {
  models: Record<string, { stats: number[]; slices: Record<string, [number, number]> }>;
}
interface SliceOut {
  key: string;
  candidate: Record<string, number | null>;
  baseline?: Record<string, number | null>;
  status: string;
  newlyFailing: boolean;
}
interface DetectionReport {
  task?: string;
  overall: {
    candidate: Record<string, number | null>;
    baseline: Record<string, number | null>;
    perClass: { class: string; ap: number | null }[];
  };
  slices: SliceOut[];
  examples: {
    newlyFailing: { id: string; newlyMissed: unknown[]; metadata: Record<string, string> }[];
    counts: { newlyFailing: number };
  };
  suites: {
    data: {
      checks: Record<'duplicates' | 'labelIssues' | 'bias', { status: string }> & {
        boxes: {
          status: string;
          objectCount: number;
          degenerateCount: number;
          outOfBoundsCount: number;
          classes: { class: string; objects: number }[];
        };
      };
    };
  };
}

let dir: string;
let report: DetectionReport;
let code: number;
const ref = async () =>
  JSON.parse(await readFile(path.join(EXAMPLE, 'models/metrics.json'), 'utf8')) as Reference;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-detect-run-'));
  // The example's config, with fewer bootstrap resamples to keep the test short.
  const config = (await readFile(path.join(EXAMPLE, 'visiongate.yml'), 'utf8'))
    .replace(/resamples: \d+/, 'resamples: 50')
    // Only the values' leading folders: a checkout path may itself contain "data/".
    .replace(/(: )(models|data)\//g, `$1${EXAMPLE}/$2/`);
  await writeFile(path.join(dir, 'visiongate.yml'), config);
  ({ code } = await cli([
    'run',
    '--config',
    path.join(dir, 'visiongate.yml'),
    '--out',
    path.join(dir, 'out'),
    '--quiet',
  ]));
  report = JSON.parse(
    await readFile(path.join(dir, 'out', 'report.json'), 'utf8'),
  ) as DetectionReport;
}, 900_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('visiongate run on the detection example', () => {
  it('fails its gates (exit 1) as a detection report', () => {
    expect(code).toBe(1);
    expect(report.task).toBe('detection');
  });

  it("reports pycocotools' mAP, AP50 and per-slice mAP to 1e-4", async () => {
    const { models } = await ref();
    const stat = [
      'map',
      'ap50',
      'ap75',
      'ap_small',
      'ap_medium',
      'ap_large',
      'ar1',
      'ar10',
      'ar100',
    ];
    for (const [side, model] of [
      ['candidate', 'candidate'],
      ['baseline', 'baseline'],
    ] as const) {
      const values = report.overall[side];
      stat.forEach((name, i) => {
        const want = models[model]!.stats[i]!;
        if (want < 0) expect(values[name]).toBeNull();
        else expect(values[name], `${side} ${name}`).toBeCloseTo(want, 4);
      });
      for (const [key, [map, ap50]] of Object.entries(models[model]!.slices)) {
        const slice = report.slices.find((s) => s.key === key)!;
        const v = side === 'candidate' ? slice.candidate : slice.baseline!;
        expect(v.map, `${side} ${key} mAP`).toBeCloseTo(map, 4);
        expect(v.ap50, `${side} ${key} AP50`).toBeCloseTo(ap50, 4);
      }
    }
  });

  it('flags lighting=dim as a newly failing slice, with newly missed objects on dim images', () => {
    const dim = report.slices.find((s) => s.key === 'lighting=dim')!;
    expect(dim.status).toBe('fail');
    expect(dim.newlyFailing).toBe(true);
    expect(report.slices.find((s) => s.key === 'lighting=bright')!.status).toBe('pass');
    const missedOnDim = report.examples.newlyFailing
      .filter((e) => e.metadata.lighting === 'dim')
      .reduce((n, e) => n + e.newlyMissed.length, 0);
    expect(missedOnDim).toBeGreaterThan(0);
  });

  it("has a data section: the box check's counts are the annotation file's", async () => {
    const coco = JSON.parse(
      await readFile(path.join(EXAMPLE, 'data/annotations.json'), 'utf8'),
    ) as {
      images: { id: number; width: number; height: number }[];
      annotations: { image_id: number; category_id: number; bbox: number[] }[];
      categories: { id: number; name: string }[];
    };
    const size = new Map(coco.images.map((i) => [i.id, i]));
    // Counted from the file here: objects per class (category id order), problem boxes.
    const perClass = [...coco.categories]
      .sort((a, b) => a.id - b.id)
      .map((c) => ({
        class: c.name,
        objects: coco.annotations.filter((a) => a.category_id === c.id).length,
      }));
    const degenerate = coco.annotations.filter((a) => !(a.bbox[2]! > 0 && a.bbox[3]! > 0));
    const outside = coco.annotations.filter(({ image_id, bbox: [x, y, w, h] }) => {
      const im = size.get(image_id)!;
      return x! < 0 || y! < 0 || x! + w! > im.width || y! + h! > im.height;
    });
    const data = report.suites.data;
    const boxes = data.checks.boxes;
    expect(boxes.status).toBe('ran');
    expect(boxes.objectCount).toBe(coco.annotations.length);
    expect(boxes.classes.map((c) => ({ class: c.class, objects: c.objects }))).toEqual(perClass);
    expect(boxes.degenerateCount).toBe(degenerate.length);
    expect(boxes.outOfBoundsCount).toBe(outside.length);
    expect(data.checks.duplicates.status).toBe('ran');
    expect(data.checks.labelIssues.status).toBe('skipped');
    expect(data.checks.bias.status).toBe('skipped');
  });
});
