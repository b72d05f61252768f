import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';
import { cli } from '../support/cli.js';

/**
 * End to end: a real classifier trained on Pillow-resized inputs (scripts/make-resize-model.py,
 * Fashion-MNIST, input 3×32×32) and 160 images of 12-31 px and 33-64 px, about half of them
 * chosen because another common resize changes their prediction. `visiongate run` with the
 * default resize (Pillow bilinear) must predict, for every image, the class that Pillow + the
 * model's own weights (torch) gave, with the same confidence.
 */

const E2E = path.resolve(import.meta.dirname, '../fixtures/resize/e2e');
const IMAGES = path.join(E2E, 'images');

interface Expected {
  pred: string;
  /** softmax of the reference logits, top class. */
  conf: number;
}

async function readExpected(): Promise<Map<string, Expected>> {
  const lines = (await readFile(path.join(E2E, 'expected.tsv'), 'utf8'))
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .slice(1);
  return new Map(
    lines.map((l) => {
      const [file, pred, logits] = l.split('\t') as [string, string, string];
      const z = logits.split(',').map(Number);
      const m = Math.max(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
      return [file, { pred, conf: 1 / sum }];
    }),
  );
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-resize-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a model trained on Pillow-resized images gets the same predictions from VisionGate', () => {
  it('every image, smaller and larger than the input: same class, same confidence', async () => {
    const config = path.join(tmp, 'visiongate.yml');
    const out = path.join(tmp, 'out');
    // JSON is YAML. Nothing about resizing is written: Pillow bilinear is the default.
    await writeFile(
      config,
      JSON.stringify({
        name: 'resize-e2e',
        dataset: {
          root: IMAGES,
          manifest: path.join(IMAGES, 'manifest.csv'),
          classes: path.join(IMAGES, 'classes.txt'),
        },
        model: { path: path.join(E2E, 'model.onnx'), input: { mean: 0.286, std: 0.353 } },
        runtime: { workers: 0 },
        statistics: { resamples: 0 },
        discovery: { enabled: false },
      }),
    );
    const { code, stderr } = await cli([
      'run',
      '--config',
      config,
      '--out',
      out,
      '--no-progress',
      '--no-baseline',
    ]);
    expect(code, stderr).toBe(0);
    const classes = (await readFile(path.join(IMAGES, 'classes.txt'), 'utf8')).trim().split('\n');
    const records = (await readFile(path.join(out, 'records.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as PredictionRecord);
    const expected = await readExpected();
    expect(records.length).toBe(expected.size);
    const sizes = [...expected.keys()].map((f) =>
      f
        .match(/-(\d+)x(\d+)\.png$/)!
        .slice(1)
        .map(Number),
    );
    expect(sizes.filter(([w, h]) => w! < 32 && h! < 32).length).toBe(80);
    expect(sizes.filter(([w, h]) => w! > 32 && h! > 32).length).toBe(80);

    const wrong: string[] = [];
    for (const r of records) {
      const want = expected.get(r.id)!;
      if (classes[r.pred] !== want.pred)
        wrong.push(`${r.id}: VisionGate ${classes[r.pred]}, Pillow + torch ${want.pred}`);
      else expect(Math.abs(r.conf - want.conf), r.id).toBeLessThan(1e-4);
    }
    expect(wrong).toEqual([]);
  });
});
