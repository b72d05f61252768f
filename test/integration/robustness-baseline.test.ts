import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { cli } from '../support/cli.js';

/**
 * The robustness suite against a stored baseline, on a copy of the colours dataset
 * (test/fixtures/README.md: 16 images, all classified correctly by the colour-head model).
 * After the baseline is stored, red-1's bytes are replaced by a pure blue image: the candidate
 * (the same model) now calls it blue. That example must not be compared with the baseline's
 * prediction of the old image, in the robustness suite as everywhere else.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const MODEL = path.join(FIXTURES, 'models/rgb-nchw-dynamic.onnx');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-robustness-baseline-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const readReport = async (out: string) =>
  JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;

interface Robustness {
  sampleSize: number;
  candidate: { cleanAccuracy: number };
  baseline?: { cleanAccuracy: number };
  notes: string[];
}

describe('robustness with a stored baseline when an image changed since', () => {
  it('leaves the changed image out of the comparison instead of pairing it by id', async () => {
    const root = path.join(tmp, 'colors');
    await cp(path.join(FIXTURES, 'datasets/colors'), root, { recursive: true });
    const config = path.join(tmp, 'visiongate.yml');
    await writeFile(
      config,
      JSON.stringify({
        name: 'robust',
        dataset: {
          root,
          manifest: path.join(root, 'manifest.csv'),
          classes: path.join(root, 'classes.txt'),
        },
        model: { path: MODEL },
        runtime: { batchSize: 8, workers: 0 },
        statistics: { resamples: 0 },
        discovery: { enabled: false },
        robustness: { corruptions: ['brightness'], severities: [1], sample: 16 },
      }),
    );
    const stored = path.join(tmp, 'stored');
    const a = await cli(['run', '-c', config, '-o', stored, '-q', '--no-baseline']);
    expect(a.code).toBe(0);
    const before = (await readReport(stored)).suites.robustness as Robustness;
    expect(before.candidate.cleanAccuracy).toBe(1);

    const blue = Buffer.alloc(8 * 8 * 3);
    for (let i = 2; i < blue.length; i += 3) blue[i] = 255;
    await sharp(blue, { raw: { width: 8, height: 8, channels: 3 } })
      .png()
      .toFile(path.join(root, 'images/red-1.png'));

    const out = path.join(tmp, 'out');
    const b = await cli(['run', '-c', config, '-o', out, '-q', '--baseline', stored]);
    expect(b.code).toBe(0);
    const report = await readReport(out);
    expect(report.comparison.changed).toEqual(['red-1']);
    expect(report.overall.candidate.accuracy).toBe(15 / 16);
    const r = report.suites.robustness as Robustness;
    expect(r.sampleSize).toBe(16);
    // 15 paired examples, all right under both models; pairing by id alone compared the new
    // blue image's wrong prediction with the old red image's right one (15/16 vs 16/16).
    expect(r.candidate.cleanAccuracy).toBe(1);
    expect(r.baseline?.cleanAccuracy).toBe(1);
    expect(r.notes).toContain(
      '1 sampled example(s) have no baseline record of the same image and are left out of the comparison.',
    );
  });
});
