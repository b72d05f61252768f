/**
 * One read and one decode per image: with every suite on (regression, robustness with
 * corruptions and a transform, the data suite with duplicates, image properties, leakage against
 * a training manifest and drift against a reference manifest), each image file is read once and
 * decoded once per distinct model geometry. Counted from outside the code under test: every
 * `readFile` of the process (node's own module, re-exported to ES imports) and every sharp
 * pipeline that starts from encoded bytes (sharp's prototype); the real pass, models and suites run.
 */
import { createHash } from 'node:crypto';
import fsp, { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runFromConfigFile } from '../../src/engine/run.js';

const example = path.resolve(import.meta.dirname, '../../examples/fashion');
let dir: string;
/** Every image file of the run, and what it is for. */
const files: { abs: string; role: 'eval' | 'train' | 'reference' }[] = [];

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-one-decode-'));
  const rows = (await readFile(path.join(example, 'data/manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1, 33)
    .map((line) => line.split(','));
  const manifest = ['id,path,label,site'];
  const train = ['id,path,label'];
  const reference = ['id,path,label'];
  for (const [k, [id, rel, label, , , site]] of rows.entries()) {
    const file = `${id}${path.extname(rel!)}`;
    await copyFile(path.join(example, 'data', rel!), path.join(dir, file));
    const role = k < 24 ? 'eval' : k < 28 ? 'train' : 'reference';
    files.push({ abs: path.join(dir, file), role });
    if (role === 'eval') manifest.push(`${id},${file},${label},${site}`);
    else (role === 'train' ? train : reference).push(`${id},${file},${label}`);
  }
  // An upright-by-EXIF JPEG (stored sideways, orientation 6) and a PNG with alpha: the two
  // images whose scan pixels differ from some model's decode.
  const first = path.join(example, 'data', rows[0]![1]!);
  await sharp(first)
    .resize(28, 40)
    .rotate(90)
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toFile(path.join(dir, 'oriented.jpg'));
  await sharp(first)
    .ensureAlpha()
    .composite([
      {
        input: Buffer.from(new Uint8Array(28 * 10 * 4)),
        raw: { width: 28, height: 10, channels: 4 },
        blend: 'dest-in',
        top: 0,
        left: 0,
      },
    ])
    .png()
    .toFile(path.join(dir, 'alpha.png'));
  const label = rows[0]![2]!;
  manifest.push(`oriented,oriented.jpg,${label},site-a`, `alpha,alpha.png,${label},site-b`);
  files.push(
    { abs: path.join(dir, 'oriented.jpg'), role: 'eval' },
    { abs: path.join(dir, 'alpha.png'), role: 'eval' },
  );
  await writeFile(path.join(dir, 'manifest.csv'), manifest.join('\n') + '\n');
  await writeFile(path.join(dir, 'train.csv'), train.join('\n') + '\n');
  await writeFile(path.join(dir, 'reference.csv'), reference.join('\n') + '\n');
  const input = `{ scale: 0.00392156862745098, mean: 0.2860, std: 0.3530, resize: { mode: stretch, interpolation: bilinear } }`;
  await writeFile(
    path.join(dir, 'visiongate.yml'),
    [
      'name: one-decode',
      'dataset: { root: ., manifest: manifest.csv, classes: ' +
        JSON.stringify(path.join(example, 'data/classes.txt')) +
        ' }',
      `model: { path: ${JSON.stringify(path.join(example, 'models/candidate.onnx'))}, input: ${input} }`,
      // A second geometry: OpenCV's resize and loader (EXIF applied), alpha flattened onto white.
      `baseline:`,
      `  model: ${JSON.stringify(path.join(example, 'models/baseline.onnx'))}`,
      `  input: { scale: 0.00392156862745098, mean: 0.2860, std: 0.3530, background: '#ffffff', resize: { mode: stretch, library: opencv, interpolation: area } }`,
      'data:',
      '  trainManifest: train.csv',
      '  referenceManifest: reference.csv',
      '  bias: { attributes: [site] }',
      'robustness:',
      '  corruptions: [gaussian_noise, jpeg_compression, pixelate]',
      '  severities: [1, 3]',
      '  transforms: [{ type: rotate, degrees: 10 }]',
      'gates: [{ metric: accuracy, min: 0 }]',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('one read, one decode per geometry', () => {
  it('reads each image file once and decodes it once per distinct geometry, every suite on', async () => {
    const reads = new Map<string, number>();
    const realRead = fsp.readFile;
    const readSpy = vi
      .spyOn(fsp, 'readFile')
      .mockImplementation((...args: Parameters<typeof fsp.readFile>) => {
        const [file] = args;
        // Paths only: a file handle is not a file read by name (none is used here).
        const p = typeof file === 'string' ? path.resolve(file) : undefined;
        if (p?.startsWith(dir)) reads.set(p, (reads.get(p) ?? 0) + 1);
        return realRead(...args);
      });
    // Named imports of node:fs/promises see the spy only after this.
    syncBuiltinESMExports();
    // Every sharp pipeline ends in toBuffer here; one whose input is encoded bytes (not raw
    // pixels) decodes them. Keyed by the bytes' sha256, so corruption round trips (JPEG
    // compression of a variant) are told apart from files.
    type Pipeline = { options: { input: { buffer?: unknown; rawChannels?: number } } };
    const proto = sharp.prototype as unknown as { toBuffer: (...a: unknown[]) => unknown };
    const realToBuffer = proto.toBuffer;
    const decodes = new Map<string, number>();
    const decodeSpy = vi.spyOn(proto, 'toBuffer').mockImplementation(function (
      this: Pipeline,
      ...args: unknown[]
    ) {
      const { buffer, rawChannels } = this.options.input;
      if (Buffer.isBuffer(buffer) && rawChannels === undefined) {
        const h = sha(buffer);
        decodes.set(h, (decodes.get(h) ?? 0) + 1);
      }
      return realToBuffer.apply(this, args);
    });
    let run;
    try {
      run = await runFromConfigFile(path.join(dir, 'visiongate.yml'));
    } finally {
      readSpy.mockRestore();
      decodeSpy.mockRestore();
      syncBuiltinESMExports();
    }

    // Every suite ran, and every check that looks at pixels.
    const { suites } = run.report;
    expect(suites.robustness).toBeDefined();
    const checks = suites.data!.checks;
    for (const c of ['duplicates', 'leakage', 'imageProperties', 'bias'] as const)
      expect(checks[c].status).toBe('ran');
    const props = checks.imageProperties;
    if (props.status !== 'ran') throw new Error('imageProperties skipped');
    expect(props.readableCount).toBe(26);
    expect(props.drift).toBeDefined();
    expect(run.report.models.baseline?.input).toBeDefined();

    for (const f of files) {
      const bytes = await readFile(f.abs);
      expect({ file: path.basename(f.abs), reads: reads.get(f.abs) }).toEqual({
        file: path.basename(f.abs),
        reads: 1,
      });
      // Two distinct geometries (candidate: Pillow, baseline: OpenCV): two decodes of an
      // evaluation image, one of a training or reference image (its scan alone).
      expect({ file: path.basename(f.abs), decodes: decodes.get(sha(bytes)) }).toEqual({
        file: path.basename(f.abs),
        decodes: f.role === 'eval' ? 2 : 1,
      });
    }
    // Nothing else under the dataset folder was read but the config and the manifests.
    const others = [...reads.keys()].filter((p) => !files.some((f) => f.abs === p));
    expect(others.filter((p) => !/\.(csv|yml)$/.test(p))).toEqual([]);
  });
});
