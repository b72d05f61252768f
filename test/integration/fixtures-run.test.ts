import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';
import { cli } from '../support/cli.js';

/**
 * The CLI, in-process, on the committed colours dataset with the colour-head model
 * (test/fixtures/README.md): 16 images, 4 per class, all classified correctly with x/255.
 * Every gate outcome below is derived by hand from the images' pixels.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const DATASET = path.join(FIXTURES, 'datasets/colors');
const MODEL = path.join(FIXTURES, 'models/rgb-nchw-dynamic.onnx');
const CLASSES = ['red', 'green', 'blue', 'dark'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-fixtures-run-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Write visiongate.yml (JSON is YAML) in a fresh folder; returns its path and an output folder. */
async function writeConfig(
  name: string,
  opts: { root?: string; gates?: unknown[]; onUnreadable?: 'error' | 'skip' } = {},
): Promise<{ config: string; out: string }> {
  const dir = await mkdtemp(path.join(tmp, `${name}-`));
  const root = opts.root ?? DATASET;
  const config = {
    name,
    dataset: {
      root,
      manifest: path.join(root, 'manifest.csv'),
      classes: path.join(root, 'classes.txt'),
      ...(opts.onUnreadable ? { onUnreadable: opts.onUnreadable } : {}),
    },
    model: { path: MODEL },
    runtime: { batchSize: 5, workers: 0 },
    statistics: { resamples: 100 },
    gates: opts.gates ?? [],
  };
  const file = path.join(dir, 'visiongate.yml');
  await writeFile(file, JSON.stringify(config, null, 2));
  return { config: file, out: path.join(dir, 'out') };
}

const runArgs = (c: { config: string; out: string }, ...extra: string[]) => [
  'run',
  '--config',
  c.config,
  '--out',
  c.out,
  '--no-progress',
  ...extra,
];

const readReport = async (out: string) =>
  JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
const readRecords = async (out: string) =>
  (await readFile(path.join(out, 'records.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PredictionRecord);

/**
 * The expected top-1 confidence of each image, computed here from the PNG pixels (sharp raw,
 * not VisionGate's decoder): channel means m over 8×8, logits [4mR, 4mG, 4mB, 2 − 4(mR+mG+mB)/3].
 */
async function expectedConfidences(): Promise<Map<string, { pred: number; conf: number }>> {
  const manifest = (await readFile(path.join(DATASET, 'manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const out = new Map<string, { pred: number; conf: number }>();
  for (const [id, file] of manifest) {
    const { data, info } = await sharp(path.join(DATASET, file!))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([8, 8, 3]);
    const m = [0, 0, 0];
    for (let i = 0; i < data.length; i++) m[i % 3]! += data[i]! / 255 / 64;
    const logits = [4 * m[0]!, 4 * m[1]!, 4 * m[2]!, 2 - (4 * (m[0]! + m[1]! + m[2]!)) / 3];
    const max = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - max));
    const sum = e.reduce((a, b) => a + b, 0);
    out.set(id!, { pred: logits.indexOf(max), conf: e[logits.indexOf(max)]! / sum });
  }
  return out;
}

describe('visiongate run on datasets/colors with rgb-nchw-dynamic.onnx', () => {
  let expected: Map<string, { pred: number; conf: number }>;
  /** All 16 are right, so binned ECE = Σ_b (n_b/n)(1 − conf_b) = 1 − mean confidence (> 0). */
  let eceByHand: number;
  beforeAll(async () => {
    expected = await expectedConfidences();
    const confs = [...expected.values()].map((e) => e.conf);
    eceByHand = 1 - confs.reduce((a, b) => a + b, 0) / confs.length;
  });

  it('the hand computation itself: 16 images, each predicted as its folder label', () => {
    expect(expected.size).toBe(16);
    for (const [id, e] of expected) expect(CLASSES[e.pred], id).toBe(id.split('-')[0]);
    expect(eceByHand).toBeGreaterThan(0);
  });

  it('accuracy 16/16, gate min 0.99 passes: exit 0, PASS on stderr', async () => {
    const c = await writeConfig('pass', { gates: [{ metric: 'accuracy', min: 0.99 }] });
    const { code, stderr } = await cli(runArgs(c));
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(stderr).toMatch(/verdict: PASS · accuracy 100\.0%/);
    const report = await readReport(c.out);
    expect(report.verdict).toBe('pass');
    expect(report.overall.candidate.accuracy).toBe(1);
    expect(report.dataset.classes).toEqual(CLASSES);
    expect(report.unreadable).toEqual([]);
    expect(report.gates).toHaveLength(1);
    expect(report.gates[0]).toMatchObject({
      metric: 'accuracy',
      kind: 'min',
      value: 1,
      status: 'pass',
    });

    const records = (await readRecords(c.out)).filter((r) => r.variant === 'clean');
    expect(records).toHaveLength(16);
    for (const r of records) {
      const e = expected.get(r.id)!;
      expect(r.pred, r.id).toBe(r.label);
      expect(r.pred, r.id).toBe(e.pred);
      expect(Math.abs(r.conf - e.conf), r.id).toBeLessThan(2e-6);
    }
    expect(Math.abs(report.overall.candidate.ece! - eceByHand)).toBeLessThan(1e-5);
  });

  it('a gate that cannot hold, ece ≤ 0, fails: exit 1, the accuracy gate still passes', async () => {
    const c = await writeConfig('fail', {
      gates: [
        { metric: 'accuracy', min: 0.99 },
        { metric: 'ece', max: 0 },
      ],
    });
    const { code, stderr } = await cli(runArgs(c));
    expect(code).toBe(1);
    expect(stderr).toMatch(/verdict: FAIL · accuracy 100\.0% · 1 gate rule\(s\) failed/);
    const report = await readReport(c.out);
    expect(report.verdict).toBe('fail');
    const [acc, ece] = report.gates;
    expect(acc).toMatchObject({ metric: 'accuracy', status: 'pass' });
    expect(ece).toMatchObject({ metric: 'ece', kind: 'max', threshold: 0, status: 'fail' });
    expect(Math.abs(ece!.value! - eceByHand)).toBeLessThan(1e-5);
  });

  it('ece ≤ 1 − mean confidence + 0.001 passes, ≤ 1 − mean confidence − 0.001 fails', async () => {
    const loose = await writeConfig('loose', { gates: [{ metric: 'ece', max: eceByHand + 1e-3 }] });
    expect((await cli(runArgs(loose, '--quiet'))).code).toBe(0);
    const tight = await writeConfig('tight', { gates: [{ metric: 'ece', max: eceByHand - 1e-3 }] });
    expect((await cli(runArgs(tight, '--quiet'))).code).toBe(1);
  });

  it('the same failing gate at level warn: verdict warn, exit 0 by default and 1 with --fail-on warning', async () => {
    const c = await writeConfig('warn', { gates: [{ metric: 'ece', max: 0, level: 'warn' }] });
    expect((await cli(runArgs(c, '--quiet'))).code).toBe(0);
    expect((await readReport(c.out)).verdict).toBe('warn');
    expect((await cli(runArgs(c, '--quiet', '--fail-on', 'warning'))).code).toBe(1);
  });
});

describe('an unreadable image in a copy of the dataset', () => {
  let root: string;
  beforeAll(async () => {
    root = path.join(tmp, 'colors-broken');
    await cp(DATASET, root, { recursive: true });
    await cp(path.join(FIXTURES, 'images/truncated.jpg'), path.join(root, 'images/broken.jpg'));
    await appendFile(path.join(root, 'manifest.csv'), 'broken-0,images/broken.jpg,red,a,day\n');
  });

  it('onUnreadable: skip — the run succeeds on the 16 others; report.unreadable and the notices name it', async () => {
    const c = await writeConfig('skip', {
      root,
      onUnreadable: 'skip',
      gates: [{ metric: 'accuracy', min: 0.99 }],
    });
    const { code, stderr } = await cli(runArgs(c));
    expect(stderr).not.toMatch(/visiongate: error/);
    expect(code).toBe(0);
    const report = await readReport(c.out);
    expect(report.verdict).toBe('pass');
    expect(report.overall.candidate.accuracy).toBe(1);
    expect(report.unreadable).toHaveLength(1);
    expect(report.unreadable[0]!.id).toBe('broken-0');
    expect(report.unreadable[0]!.reason).toMatch(/truncated or corrupt/);
    expect(report.notices.some((n) => /1 unreadable image\(s\) were skipped/.test(n))).toBe(true);
    const records = await readRecords(c.out);
    expect(records).toHaveLength(16);
    expect(records.some((r) => r.id === 'broken-0')).toBe(false);
    const md = await readFile(path.join(c.out, 'report.md'), 'utf8');
    // Notices are escaped in markdown as a whole (they quote dataset strings): `\(` renders `(`.
    expect(md).toContain('1 unreadable image\\(s\\) were skipped');
  });

  it('onUnreadable: error (the default) — exit 2 with a message naming the image and the way out', async () => {
    const c = await writeConfig('error', { root, gates: [{ metric: 'accuracy', min: 0.99 }] });
    const { code, stderr } = await cli(runArgs(c));
    expect(code).toBe(2);
    expect(stderr).toMatch(/visiongate: error: 1 image\(s\) could not be read/);
    expect(stderr).toMatch(/broken-0: .*truncated or corrupt/);
    expect(stderr).toMatch(/dataset\.onUnreadable: skip/);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('an imagefolder copy of the dataset with linked files and folders', () => {
  /** root/<class>/<image> from the colours images; returns the root. */
  async function imageFolder(name: string): Promise<string> {
    const root = path.join(tmp, name);
    for (const cls of CLASSES)
      for (let k = 0; k < 4; k++) {
        // Red lives in a hidden store inside the root; the class folder is a link to it.
        const dir = path.join(root, cls === 'red' ? '.store/red' : cls);
        await mkdir(dir, { recursive: true });
        await cp(path.join(DATASET, `images/${cls}-${k}.png`), path.join(dir, `${cls}-${k}.png`));
      }
    await symlink(path.join(root, '.store/red'), path.join(root, 'red'));
    // A linked file in a class folder, pointing at another file of the same class.
    await symlink(path.join(root, 'blue/blue-0.png'), path.join(root, 'blue/blue-0-again.png'));
    await writeFile(path.join(root, 'green/notes.txt'), 'not an image');
    return root;
  }
  async function configFor(root: string): Promise<{ config: string; out: string }> {
    const config = path.join(root, '..', `${path.basename(root)}.yml`);
    const cfg = {
      name: 'folders',
      dataset: { root, format: 'imagefolder', classes: CLASSES },
      model: { path: MODEL },
      runtime: { workers: 0 },
      statistics: { resamples: 0 },
      gates: [{ metric: 'accuracy', min: 0.99 }],
    };
    await writeFile(config, JSON.stringify(cfg));
    return { config, out: path.join(root, '..', `${path.basename(root)}-out`) };
  }

  it('follows links inside the root: no class loses its examples; unused files are reported', async () => {
    const c = await configFor(await imageFolder('linked'));
    const { code, stderr } = await cli(runArgs(c));
    expect(code, stderr).toBe(0);
    const report = await readReport(c.out);
    // 4 + 4 + 4 + 4, and blue's linked copy.
    expect(report.dataset.examples).toBe(17);
    expect(report.overall.perClass.map((p) => [p.class, p.support])).toEqual([
      ['red', 4],
      ['green', 4],
      ['blue', 5],
      ['dark', 4],
    ]);
    expect(report.dataset.unused).toEqual({
      count: 1,
      files: [{ path: 'green/notes.txt', reason: 'not an image' }],
    });
    expect(report.notices.join('\n')).toContain(
      '1 file(s) or folder(s) under the dataset root are not part of the dataset: green/notes.txt (not an image)',
    );
  });

  it('refuses a link that leaves the root, naming it: exit 2', async () => {
    const root = await imageFolder('escaping');
    const outside = path.join(tmp, 'outside-dark');
    await mkdir(outside, { recursive: true });
    await cp(path.join(DATASET, 'images/dark-0.png'), path.join(outside, 'x.png'));
    await symlink(path.join(outside, 'x.png'), path.join(root, 'dark/from-outside.png'));
    const { code, stderr } = await cli(runArgs(await configFor(root)));
    expect(code).toBe(2);
    expect(stderr).toContain('1 link(s) under the dataset root');
    expect(stderr).toContain('"dark/from-outside.png"');
  });
});
