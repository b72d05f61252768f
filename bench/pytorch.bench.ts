/**
 * VisionGate's evaluation pass vs the plain PyTorch loop a user would write instead
 * (scripts/bench-pytorch.py: PIL decoding, torchvision transforms, DataLoader, inference_mode),
 * on the same JPEG files, the same ResNet-18 weights, batch size and thread count. The PyTorch
 * loop runs twice per round: as is, and at its best with glibc malloc tuned through the
 * environment (the loop page-faults its activations afresh on every batch otherwise). Raw ONNX
 * Runtime on pre-decoded tensors runs in the same rounds as the ceiling. Contenders are
 * interleaved round by round (order rotated) and every ratio is taken within a round.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../src/config/load.js';
import { runEvaluation } from '../src/engine/run.js';
import type { ClassificationTable, PredictionRecord } from '../src/tasks/classification/records.js';
import { photoDataset, repo } from './datasets.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';
import { median, prepareRawInference } from './raw-inference.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const ONNX = path.join(repo, 'bench/models/resnet18.onnx');
const WEIGHTS = path.join(repo, 'bench/models/resnet18.pt');
const SCRIPT = path.join(repo, 'scripts/bench-pytorch.py');
const BATCH = 16;

/**
 * glibc malloc settings that keep freed memory in the heap instead of returning it to the
 * kernel, so the loop's large activation buffers are not page-faulted afresh on every batch
 * (docs/benchmarks.md has the search that picked them). Read by glibc at process start.
 */
export const TUNED_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(4 * 1024 ** 3),
  MALLOC_TRIM_THRESHOLD_: String(4 * 1024 ** 3),
  MALLOC_TOP_PAD_: String(512 * 1024 ** 2),
};

/**
 * DataLoader workers of the PyTorch loop. With malloc tuned, decoding in line (0) was the
 * fastest and steadiest setting on 2 cores; 1 was close, 2 slower (docs/benchmarks.md).
 */
const WORKERS = 0;

/** Why the bench cannot run here, or undefined when it can. */
async function missingPrerequisite(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    await run(PYTHON, ['-c', 'import torch, torchvision, PIL']);
  } catch {
    return `${PYTHON} cannot import torch, torchvision and PIL (Debian: apt-get install python3-torch python3-torchvision)`;
  }
  if (!existsSync(ONNX) || !existsSync(WEIGHTS))
    return 'bench/models/resnet18.onnx or resnet18.pt missing: run `/usr/bin/python3 scripts/make-bench-models.py`';
  return undefined;
}

interface PyResult {
  images: number;
  seconds: number;
  img_per_s: number;
}

async function runPytorch(
  dataDir: string,
  threads: number,
  env: Record<string, string>,
  predsFile?: string,
): Promise<PyResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_')),
  );
  const { stdout } = await run(
    PYTHON,
    [
      SCRIPT,
      '--root',
      dataDir,
      '--manifest',
      path.join(dataDir, 'manifest.csv'),
      '--weights',
      WEIGHTS,
      '--batch',
      String(BATCH),
      '--threads',
      String(threads),
      '--workers',
      String(WORKERS),
      ...(predsFile ? ['--preds', predsFile] : []),
    ],
    { env: { ...clean, ...env }, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as PyResult;
}

/** [top-1 class, its probability, top-5 classes] per example id, from bench-pytorch.py --preds. */
type PyPred = [number, number, number[]];

/** How closely VisionGate's records match the PyTorch loop's outputs on the same files. */
function compareWithPytorch(
  records: readonly PredictionRecord[],
  py: Record<string, PyPred>,
): { top1: number; top5: number; confDiff: number } {
  let top1 = 0;
  let top5 = 0;
  let confDiff = 0;
  for (const r of records) {
    const [pred, conf, five] = py[r.id] ?? [-1, NaN, []];
    if (pred === r.pred) top1++;
    // Records keep full probability vectors only for the data suite, so the check is whether
    // VisionGate's prediction is in PyTorch's top 5 (and the top-1 agreement above).
    if (five.includes(r.pred)) top5++;
    confDiff = Math.max(confDiff, Math.abs(r.conf - conf) / conf);
  }
  return { top1: top1 / records.length, top5: top5 / records.length, confDiff };
}

const bench: Bench = {
  name: 'pytorch',
  description: `VisionGate's evaluation pass vs a plain PyTorch eval loop (PIL + torchvision transforms, DataLoader) on the same 256×256 JPEGs and ResNet-18 weights, batch ${BATCH}, threads = CPUs; PyTorch with and without glibc malloc tuning; raw ONNX Runtime on pre-decoded tensors as the ceiling. Interleaved rounds, ratios within a round.`,
  async run({ quick }) {
    const missing = await missingPrerequisite();
    if (missing) return { rows: [], notes: [`pytorch bench skipped: ${missing}.`] };

    const n = quick ? 64 : 256;
    const rounds = quick ? 2 : 5;
    const threads = os.availableParallelism();
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-bench-pt-'));
    try {
      const cfgText = (await photoDataset(tmp, n))
        .replace('MODEL', ONNX)
        .replace('BATCH', String(BATCH));
      const cfgFile = path.join(tmp, 'visiongate.yml');
      await writeFile(cfgFile, cfgText);
      const loaded = parseConfig(cfgText, cfgFile);
      const dataDir = path.join(tmp, 'data');
      const raw = await prepareRawInference(tmp, loaded, ONNX, BATCH);

      type Name = 'visiongate pass' | 'raw ORT' | 'PyTorch' | 'PyTorch + malloc tuning';
      const contenders: { name: Name; ips: () => Promise<number> }[] = [
        {
          name: 'visiongate pass',
          ips: async () => {
            const { report, records } = await runEvaluation(loaded, { baseline: { none: true } });
            return records.size / report.timing.evaluate!;
          },
        },
        { name: 'raw ORT', ips: async () => (n * 1000) / (await raw.run()) },
        { name: 'PyTorch', ips: async () => (await runPytorch(dataDir, threads, {})).img_per_s },
        {
          name: 'PyTorch + malloc tuning',
          ips: async () => (await runPytorch(dataDir, threads, TUNED_MALLOC_ENV)).img_per_s,
        },
      ];

      // Warm-up (page cache, JIT, first-run allocations) and the same-model check: top-1 of
      // the PyTorch loop vs VisionGate's records on the same files.
      const predsFile = path.join(tmp, 'preds.json');
      await runPytorch(dataDir, threads, TUNED_MALLOC_ENV, predsFile);
      const { records } = await runEvaluation(loaded, { baseline: { none: true } });
      await raw.run();
      const check = compareWithPytorch(
        (records.tables as readonly ClassificationTable[]).flatMap((t) =>
          Array.from({ length: t.length }, (_, i) => t.at(i)),
        ),
        JSON.parse(await readFile(predsFile, 'utf8')) as Record<string, PyPred>,
      );

      const ips = new Map<Name, number[]>(contenders.map((c) => [c.name, []]));
      const loads: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const order = [...contenders.slice(r % 4), ...contenders.slice(0, r % 4)];
        for (const c of order) ips.get(c.name)!.push(await c.ips());
        loads.push(os.loadavg()[0]!);
      }
      await raw.dispose();

      const ref = ips.get('PyTorch + malloc tuning')!;
      const rows = contenders.map(({ name }) => {
        const v = ips.get(name)!;
        return {
          contender: name,
          'img/s median': round(median(v)),
          'img/s best': round(Math.max(...v)),
          'vs tuned PyTorch (median of round ratios)': round(median(v.map((x, i) => x / ref[i]!))),
          'vs tuned PyTorch (best / best)': round(Math.max(...v) / Math.max(...ref)),
        };
      });
      const pass = ips.get('visiongate pass')!;
      const rawIps = ips.get('raw ORT')!;
      return {
        rows,
        notes: [
          `${n} images, ${rounds} rounds, batch ${BATCH}, ${threads} threads (ORT default intra-op threads; torch.set_num_threads(${threads})), PyTorch DataLoader num_workers=${WORKERS}; ${os.cpus()[0]?.model ?? ''}.`,
          `malloc tuning: ${Object.entries(TUNED_MALLOC_ENV)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}.`,
          `visiongate pass / raw ORT: median of round ratios ${round(median(pass.map((x, i) => x / rawIps[i]!)))}, best / best ${round(Math.max(...pass) / Math.max(...rawIps))}.`,
          `Same model check (VisionGate's records vs the PyTorch loop, same files): top-1 agrees on ${round(check.top1 * 100)}%, VisionGate's class is in PyTorch's top 5 on ${round(check.top5 * 100)}%, top-1 probability differs by ${round(check.confDiff * 100, 2)}% at most (relative; sharp vs PIL decoding and resampling).`,
          `Load average (1 min) during the rounds: ${loads.map((l) => l.toFixed(2)).join(', ')}. Best-of-rounds approximates an idle machine; the median is what a shared one gives.`,
          'PyTorch seconds cover its loop only (no interpreter start, imports or model load), the same span as report.timing.evaluate.',
        ],
      };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
export default bench;
