/**
 * End-to-end evaluation throughput vs raw ONNX Runtime inference on pre-decoded tensors: same
 * model, same batch size, same threads, measured in the same process one after the other. The
 * ratio is the figure of merit: how much of the model's own speed the whole pass keeps
 * (decoding, preprocessing, scoring, records). Goal: ≥ 0.9 where inference dominates.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { parseConfig } from '../src/config/load.js';
import { runEvaluation } from '../src/engine/run.js';
import { decodeToGeometry } from '../src/image/decode.js';
import { imagesToTensor } from '../src/image/tensor.js';
import { batchDims, resolveContract } from '../src/model/contract.js';
import { loadModel } from '../src/model/runtime.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

interface Case {
  name: string;
  model: string;
  /** Builds the dataset folder and returns the config text. */
  make: (dir: string, n: number) => Promise<string>;
  n: number;
  batch: number;
}

/** Copies of the example's 28×28 images (PNG/JPEG as shipped). */
async function fashionDataset(dir: string, n: number): Promise<string> {
  const src = path.join(repo, 'examples/fashion/data');
  const lines = (await readFile(path.join(src, 'manifest.csv'), 'utf8')).trim().split('\n');
  const rows: string[] = [lines[0]!];
  for (let i = 0; i < n; i++) {
    const cells = lines[1 + (i % (lines.length - 1))]!.split(',');
    const ext = path.extname(cells[1]!);
    const rel = `img/${i}${ext}`;
    await mkdir(path.join(dir, 'data/img'), { recursive: true });
    await writeFile(path.join(dir, 'data', rel), await readFile(path.join(src, cells[1]!)));
    rows.push([`e${i}`, rel, ...cells.slice(2)].join(','));
  }
  await writeFile(path.join(dir, 'data/manifest.csv'), `${rows.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'data/classes.txt'),
    await readFile(path.join(src, 'classes.txt')),
  );
  return `name: bench
dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }
model: { path: MODEL, input: { scale: 0.00392156862745098, mean: 0.286, std: 0.353 } }
runtime: { batchSize: BATCH }
slices: { classes: true }
`;
}

/** 256×256 JPEG photos-like images (smooth colour fields + texture), center-cropped to 224. */
async function photoDataset(dir: string, n: number): Promise<string> {
  await mkdir(path.join(dir, 'data/img'), { recursive: true });
  const rows = ['id,path,label'];
  for (let i = 0; i < n; i++) {
    const w = 256;
    const buf = Buffer.alloc(w * w * 3);
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        buf[o] = (x + i * 7) & 255;
        buf[o + 1] = (y * 2 + i * 13) & 255;
        buf[o + 2] = ((x ^ y) + i) & 255;
      }
    const rel = `img/${i}.jpg`;
    await sharp(buf, { raw: { width: w, height: w, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, 'data', rel));
    rows.push(`p${i},${rel},c${i % 10}`);
  }
  await writeFile(path.join(dir, 'data/manifest.csv'), `${rows.join('\n')}\n`);
  const classes = Array.from({ length: 1000 }, (_, k) => `c${k}`);
  return `name: bench
dataset: { root: data, manifest: data/manifest.csv, classes: [${classes.join(', ')}] }
model:
  path: MODEL
  input: { resize: { mode: center-crop, resizeTo: 256 }, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
runtime: { batchSize: BATCH }
slices: { classes: false }
`;
}

async function measure(c: Case, tmp: string): Promise<Record<string, string | number>> {
  const dir = path.join(tmp, c.name.replace(/\W+/g, '-'));
  const cfgText = (await c.make(dir, c.n))
    .replace('MODEL', c.model)
    .replace('BATCH', String(c.batch));
  const cfgFile = path.join(dir, 'visiongate.yml');
  await writeFile(cfgFile, cfgText);
  const loaded = parseConfig(cfgText, cfgFile);

  // Raw: the same images decoded and preprocessed up front, then only session.run is timed.
  const model = await loadModel(c.model);
  const contract = resolveContract(
    'candidate',
    model.inputs,
    model.outputs,
    loaded.config.model.input,
    loaded.config.model.output,
  );
  const lines = (await readFile(path.join(dir, 'data/manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1);
  const images = await Promise.all(
    lines.map(async (l) =>
      decodeToGeometry(
        await readFile(path.join(dir, 'data', l.split(',')[1]!)),
        contract.geometry,
        l,
      ),
    ),
  );
  const tensors: { data: Float32Array | Uint8Array; dims: number[] }[] = [];
  for (let i = 0; i < images.length; i += c.batch) {
    const b = images.slice(i, i + c.batch);
    tensors.push({ data: imagesToTensor(b, contract.tensor), dims: batchDims(contract, b.length) });
  }
  const rawRun = async () => {
    for (const t of tensors)
      await model.run(contract.inputName, t.data, t.dims, contract.outputName);
  };
  // The evaluation pass as the report times it (decode, preprocess, infer, score, records);
  // model loading, a fixed cost per run, is reported separately.
  let passSeconds = 0;
  let loadSeconds = 0;
  const e2eRun = async () => {
    const { report } = await runEvaluation(loaded, { noBaseline: true });
    passSeconds += report.timing.evaluate ?? NaN;
    loadSeconds += report.timing.loadModels ?? NaN;
  };
  await rawRun(); // warm-up
  await e2eRun();
  // Interleave repetitions so background load hits both sides alike.
  let rawMs = 0;
  let e2eMs = 0;
  const reps = 3;
  passSeconds = 0;
  loadSeconds = 0;
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    await rawRun();
    rawMs += performance.now() - t;
    t = performance.now();
    await e2eRun();
    e2eMs += performance.now() - t;
  }
  await model.dispose();
  const rawIps = (c.n * reps * 1000) / rawMs;
  const passIps = (c.n * reps) / passSeconds;
  const wholeIps = (c.n * reps * 1000) / e2eMs;
  return {
    case: c.name,
    images: c.n,
    batch: c.batch,
    'raw ORT img/s': round(rawIps),
    'pass img/s': round(passIps),
    'pass / raw': round(passIps / rawIps),
    'whole run img/s': round(wholeIps),
    'model load s': round(loadSeconds / reps),
  };
}

const bench: Bench = {
  name: 'pipeline',
  description:
    'End-to-end `visiongate run` throughput (decode, preprocess, infer, score) vs raw ONNX Runtime on pre-decoded tensors; same model, batch and threads, interleaved in one process.',
  async run({ quick }) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-bench-'));
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [`${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}`];
    try {
      rows.push(
        await measure(
          {
            name: 'small CNN 28×28 (example)',
            model: path.join(repo, 'examples/fashion/models/candidate.onnx'),
            make: fashionDataset,
            n: quick ? 600 : 3000,
            batch: 64,
          },
          tmp,
        ),
      );
      const resnet = path.join(here, 'models/resnet18.onnx');
      if (existsSync(resnet)) {
        rows.push(
          await measure(
            {
              name: 'ResNet-18 224×224',
              model: resnet,
              make: photoDataset,
              n: quick ? 32 : 128,
              batch: 16,
            },
            tmp,
          ),
        );
      } else {
        notes.push(
          'ResNet-18 skipped: run `/usr/bin/python3 scripts/make-bench-models.py` to create bench/models/resnet18.onnx.',
        );
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    notes.push(
      'pass = the evaluation pass (decode, preprocess, infer, score); whole run adds model loading, dataset checks and the report. Goal: pass / raw ≥ 0.9 where inference dominates (ResNet-18). The small CNN is decode-bound: its ratio shows the per-image overhead.',
    );
    return { rows, notes };
  },
};
export default bench;
