/**
 * End-to-end evaluation throughput vs raw ONNX Runtime inference on pre-decoded tensors: same
 * model, same batch size, same threads, interleaved in one process (raw, then the pass, round
 * after round; ratios taken within a round). The ratio is the figure of merit: how much of the
 * model's own speed the whole pass keeps (decoding, preprocessing, scoring, records). Goal: ≥ 0.9
 * where inference dominates. Raw uses onnxruntime-node's default session options
 * (bench/raw-inference.ts), the pass VisionGate's.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { runEvaluation } from '../src/engine/run.js';
import { fashionDataset, photoDataset, repo } from './datasets.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';
import { median, prepareRawInference } from './raw-inference.js';

interface Case {
  name: string;
  model: string;
  /** Builds the dataset folder and returns the config text. */
  make: (dir: string, n: number) => Promise<string>;
  n: number;
  batch: number;
  rounds: number;
  /** Also evaluate the same model as the baseline (two sessions, as in a PR comparison). */
  withBaseline?: boolean;
}

async function measure(
  c: Case,
  tmp: string,
  loads: number[],
): Promise<Record<string, string | number>> {
  const dir = path.join(tmp, c.name.replace(/\W+/g, '-'));
  let cfgText = (await c.make(dir, c.n))
    .replace('MODEL', c.model)
    .replace('BATCH', String(c.batch));
  if (c.withBaseline) cfgText += `baseline: { model: ${JSON.stringify(c.model)} }\n`;
  const cfgFile = path.join(dir, 'visiongate.yml');
  await writeFile(cfgFile, cfgText);
  const loaded = parseConfig(cfgText, cfgFile);
  const raw = await prepareRawInference(dir, loaded, c.model, c.batch);
  const models = c.withBaseline ? 2 : 1;

  // The evaluation pass as the report times it (decode, preprocess, infer, score, records);
  // model loading, a fixed cost per run, is reported separately. Images per second: each image
  // goes through every model, so the raw side runs `models` times too.
  const pass = async () => {
    const { report } = await runEvaluation(loaded, {});
    return { ips: c.n / report.timing.evaluate!, load: report.timing.loadModels ?? NaN };
  };
  const rawOnce = async () => {
    let ms = 0;
    for (let m = 0; m < models; m++) ms += await raw.run();
    return (c.n * 1000) / ms;
  };
  await rawOnce(); // warm-up
  await pass();
  const rawIps: number[] = [];
  const passIps: number[] = [];
  const loadS: number[] = [];
  for (let r = 0; r < c.rounds; r++) {
    // Alternate which side goes first so a burst of background load hits both alike.
    const first = r % 2 === 0;
    if (first) rawIps.push(await rawOnce());
    const p = await pass();
    passIps.push(p.ips);
    loadS.push(p.load);
    if (!first) rawIps.push(await rawOnce());
    loads.push(os.loadavg()[0]!);
  }
  await raw.dispose();
  return {
    case: c.name,
    images: c.n,
    batch: c.batch,
    rounds: c.rounds,
    'raw ORT img/s (median)': round(median(rawIps)),
    'pass img/s (median)': round(median(passIps)),
    'pass / raw (median of rounds)': round(median(passIps.map((p, i) => p / rawIps[i]!))),
    'pass / raw (best / best)': round(Math.max(...passIps) / Math.max(...rawIps)),
    'model load s': round(median(loadS)),
  };
}

const bench: Bench = {
  name: 'pipeline',
  description:
    'End-to-end `visiongate run` evaluation pass (decode, preprocess, infer, score) vs raw ONNX Runtime on pre-decoded tensors; same model, batch and threads, interleaved rounds in one process.',
  async run({ quick }) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-bench-'));
    const rows: Record<string, string | number>[] = [];
    const loads: number[] = [];
    const notes: string[] = [
      `${os.availableParallelism()} CPUs, ${os.cpus()[0]?.model ?? ''}, Node ${process.version}`,
    ];
    try {
      rows.push(
        await measure(
          {
            name: 'small CNN 28×28 (example)',
            model: path.join(repo, 'examples/fashion/models/candidate.onnx'),
            make: fashionDataset,
            n: quick ? 600 : 3000,
            batch: 64,
            rounds: quick ? 2 : 5,
          },
          tmp,
          loads,
        ),
      );
      const resnet = path.join(repo, 'bench/models/resnet18.onnx');
      if (existsSync(resnet)) {
        for (const withBaseline of [false, true]) {
          rows.push(
            await measure(
              {
                name: `ResNet-18 224×224${withBaseline ? ', + same model as baseline' : ''}`,
                model: resnet,
                make: photoDataset,
                n: quick ? 64 : 256,
                batch: 16,
                rounds: quick ? 2 : 5,
                withBaseline,
              },
              tmp,
              loads,
            ),
          );
        }
      } else {
        notes.push(
          'ResNet-18 skipped: run `/usr/bin/python3 scripts/make-bench-models.py` to create bench/models/resnet18.onnx.',
        );
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    notes.push(
      'pass = the evaluation pass (decode, preprocess, infer, score; report.timing.evaluate). img/s counts images, each run through every model. Goal: pass / raw ≥ 0.9 where inference dominates (ResNet-18). The small CNN is decode-bound: its ratio shows the per-image overhead.',
      'median of rounds = what a busy shared machine gives; best / best approximates an idle one.',
      `Load average (1 min) after each round: ${loads.map((l) => l.toFixed(1)).join(', ')}.`,
    );
    return { rows, notes };
  },
};
export default bench;
