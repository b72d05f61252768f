/**
 * COCO evaluation speed against the reference, and detection decoding cost per image.
 *
 * 1. 5,000 synthetic images × 80 classes (COCO-like: ~7 objects and ~40 detections an image,
 *    all sizes, a few crowd regions) written as COCO files; VisionGate's evaluateImages +
 *    accumulate + summarize vs pycocotools' evaluate + accumulate + summarize
 *    (scripts/bench-coco-eval.py) on the same files, in alternating rounds; the 12 stats of
 *    both are compared too. Without /usr/bin/python3 + pycocotools the reference is skipped.
 * 2. Decoding a YOLOv8n-shaped raw head [1, 84, 8400] (NMS included) at validation (0.001) and
 *    deployment (0.25) confidence; and the example detector's inference vs its decoding.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import {
  accumulate,
  COCO_STAT_NAMES,
  evaluateImages,
  meanPrecision,
  summarize,
} from '../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../src/metrics/detection/weighted-map.js';
import { createRandom } from '../src/metrics/random.js';
import { decodeYoloV8 } from '../src/model/detection/yolo.js';
import {
  DetectionColumnsBuilder,
  GroundTruthColumnsBuilder,
  type Detection,
  type GroundTruthObject,
} from '../src/tables/detections.js';
import { yoloHead } from './datasets.js';
import { opsPerSecond, round, type Bench } from './harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

interface Synthetic {
  gtJson: unknown;
  dtJson: unknown[];
  gt: GroundTruthObject[][];
  dt: Detection[][];
}

/** COCO-like synthetic data; category ids 1..90 with gaps, as COCO's. */
function synthetic(nImages: number, nClasses: number, seed: number): Synthetic {
  const rng = createRandom(seed);
  const catIds = Array.from({ length: nClasses }, (_, k) => k + 1 + Math.floor(k / 8));
  const W = 640;
  const H = 480;
  const images = [];
  const anns = [];
  const res: unknown[] = [];
  const gt: GroundTruthObject[][] = [];
  const dt: Detection[][] = [];
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const box = () => {
    const side = Math.exp(Math.log(4) + rng.nextFloat() * Math.log(300 / 4));
    const w = r2(side * (0.6 + 0.8 * rng.nextFloat()));
    const h = r2(side * (0.6 + 0.8 * rng.nextFloat()));
    return [r2(rng.nextFloat() * (W - w)), r2(rng.nextFloat() * (H - h)), w, h];
  };
  for (let i = 0; i < nImages; i++) {
    const id = i + 1;
    images.push({ id, file_name: `${id}.jpg`, width: W, height: H });
    const g: GroundTruthObject[] = [];
    const d: Detection[] = [];
    const nObj = 1 + rng.nextInt(14);
    for (let o = 0; o < nObj; o++) {
      const k = rng.nextInt(nClasses);
      const [x, y, w, h] = box() as [number, number, number, number];
      const crowd = rng.nextFloat() < 0.01;
      const area = r2(w * h * (0.5 + 0.5 * rng.nextFloat()));
      anns.push({
        id: anns.length + 1,
        image_id: id,
        category_id: catIds[k],
        bbox: [x, y, w, h],
        area,
        iscrowd: crowd ? 1 : 0,
      });
      g.push({
        box: [x, y, x + w, y + h],
        cocoBox: [x, y, w, h],
        classIndex: k,
        area,
        iscrowd: crowd,
      });
      for (let c = 0; c < 1 + rng.nextInt(3); c++) {
        const j = (v: number, s: number) => r2(v + (rng.nextFloat() - 0.5) * s);
        const s = Math.max(w, h) * 0.2;
        const bb = [j(x, s), j(y, s), Math.max(1, j(w, s)), Math.max(1, j(h, s))] as const;
        const kk = rng.nextFloat() < 0.9 ? k : rng.nextInt(nClasses);
        const score = r2(rng.nextFloat());
        res.push({ image_id: id, category_id: catIds[kk], bbox: [...bb], score });
        d.push({
          box: [bb[0], bb[1], bb[0] + bb[2], bb[1] + bb[3]],
          cocoBox: bb,
          classIndex: kk,
          score,
        });
      }
    }
    for (let f = 0; f < 5 + rng.nextInt(40); f++) {
      const [x, y, w, h] = box() as [number, number, number, number];
      const k = rng.nextInt(nClasses);
      const score = r2(rng.nextFloat() * 0.6);
      res.push({ image_id: id, category_id: catIds[k], bbox: [x, y, w, h], score });
      d.push({ box: [x, y, x + w, y + h], cocoBox: [x, y, w, h], classIndex: k, score });
    }
    gt.push(g);
    dt.push(d);
  }
  const categories = catIds.map((id) => ({ id, name: `c${id}` }));
  return { gtJson: { images, annotations: anns, categories }, dtJson: res, gt, dt };
}

async function referenceAvailable(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    await run(PYTHON, [
      '-c',
      'import sys, os; sys.path.insert(0, os.environ.get("PYCOCOTOOLS_PATH", "")); import numpy; import pycocotools.cocoeval',
    ]);
  } catch {
    return 'pycocotools not importable by /usr/bin/python3 (pip install pycocotools, or PYCOCOTOOLS_PATH)';
  }
  return undefined;
}

const bench: Bench = {
  name: 'coco-eval',
  description:
    'COCO bbox evaluation of 5,000 synthetic images × 80 classes vs pycocotools on the same files; detection decoding (NMS included) per image vs inference.',
  async run({ quick }) {
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [];
    const nImages = quick ? 1000 : 5000;
    const data = synthetic(nImages, 80, 1);
    const dir = path.join(repo, 'bench/results/coco-eval');
    await mkdir(dir, { recursive: true });
    const gtFile = path.join(dir, 'gt.json');
    const dtFile = path.join(dir, 'results.json');
    await writeFile(gtFile, JSON.stringify(data.gtJson));
    await writeFile(dtFile, JSON.stringify(data.dtJson));
    const gb = new GroundTruthColumnsBuilder();
    data.gt.forEach((g) => gb.push(g));
    const db = new DetectionColumnsBuilder();
    data.dt.forEach((d) => db.push(d));
    const gt = gb.finish();
    const dt = db.finish();
    const missing = await referenceAvailable();
    if (missing) notes.push(`Reference skipped: ${missing}. Its time is in docs/benchmarks.md.`);
    const rounds = quick ? 1 : 2;
    let ours: number[] = [];
    let theirs: number[] = [];
    let stats: number[] = [];
    let refStats: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const s = summarize(accumulate(evaluateImages(gt, dt, 80)));
      ours.push((performance.now() - t0) / 1000);
      stats = COCO_STAT_NAMES.map((n) => s[n]);
      if (!missing) {
        const { stdout } = await run(
          PYTHON,
          [path.join(repo, 'scripts/bench-coco-eval.py'), gtFile, dtFile],
          { maxBuffer: 1 << 20 },
        );
        const out = JSON.parse(stdout) as { seconds: number; stats: number[] };
        theirs.push(out.seconds);
        refStats = out.stats;
      }
      rows.push({
        case: `round ${r + 1}: ${nImages} images × 80 classes, ${dt.scores.length} detections`,
        'VisionGate s': round(ours[r]!),
        'pycocotools s': theirs[r] === undefined ? 'skipped' : round(theirs[r]!),
        'speed-up': theirs[r] === undefined ? '' : round(theirs[r]! / ours[r]!),
        load: round(os.loadavg()[0]!, 2),
      });
    }
    if (refStats.length > 0) {
      const diff = Math.max(...stats.map((v, i) => Math.abs(v - refStats[i]!)));
      notes.push(`Largest difference of the 12 stats from pycocotools: ${diff.toExponential(2)}.`);
      ours = [...ours].sort((a, b) => a - b);
      theirs = [...theirs].sort((a, b) => a - b);
      notes.push(`Best / best speed-up: ${round(theirs[0]! / ours[0]!)}× (goal ≥ 5×).`);
    }

    // A bootstrap resample of a slice: mAP + AP50 of weighted images, a third of the images
    // drawn with replacement (accumulate walks only images of nonzero weight).
    const ev = evaluateImages(gt, dt, 80);
    const rng = createRandom(7);
    const third = Math.floor(nImages / 3);
    const resamples = Array.from({ length: quick ? 5 : 20 }, () => {
      const w = new Uint32Array(nImages);
      for (let t = 0; t < third; t++) w[rng.nextInt(third)]!++;
      return w;
    });
    // The reference path (a full accumulate at area "all" and the last maxDets, then the two
    // means) against the fast one, alternating in one run, as the paired bootstrap calls them:
    // one metric per call.
    const last = ev.params.maxDets.length - 1;
    const t50 = ev.params.iouThresholds.indexOf(0.5);
    const referenceOf = (w: Uint32Array) => {
      const acc = accumulate(ev, { weights: w, areas: [0], maxDets: [last] });
      return { map: meanPrecision(acc, 0, last), ap50: meanPrecision(acc, 0, last, [t50]) };
    };
    let refSeconds = 0;
    let fastSeconds = 0;
    const refValues = new Float64Array(2 * resamples.length);
    const fastValues = new Float64Array(2 * resamples.length);
    for (let round2 = 0; round2 < 3; round2++) {
      let t0 = performance.now();
      resamples.forEach((w, i) => {
        refValues[2 * i] = referenceOf(w).map;
        refValues[2 * i + 1] = referenceOf(w).ap50;
      });
      refSeconds += (performance.now() - t0) / 1000;
      t0 = performance.now();
      resamples.forEach((w, i) => {
        fastValues[2 * i] = mapOfImages(ev, w, ['map']).map;
        fastValues[2 * i + 1] = mapOfImages(ev, w, ['ap50']).ap50;
      });
      fastSeconds += (performance.now() - t0) / 1000;
    }
    const calls = 3 * resamples.length;
    if (refValues.some((v, i) => !Object.is(v, fastValues[i])))
      notes.push('weighted-map differs from the reference accumulate!');
    rows.push({
      case: `bootstrap resample of a slice (${third} of ${nImages} images): mAP, AP50, reference accumulate`,
      'VisionGate s': round(refSeconds / calls),
      'pycocotools s': '',
      'speed-up': '',
      load: round(os.loadavg()[0]!, 2),
    });
    rows.push({
      case: `bootstrap resample of a slice (${third} of ${nImages} images): mAP, AP50, weighted-map`,
      'VisionGate s': round(fastSeconds / calls),
      'pycocotools s': '',
      'speed-up': round(refSeconds / fastSeconds),
      load: round(os.loadavg()[0]!, 2),
    });
    notes.push(
      `Bootstrap resample, weighted-map vs reference accumulate (same run): ${round(refSeconds / fastSeconds)}× faster.`,
    );

    // Decoding: a YOLOv8n-shaped head at validation and deployment confidence.
    const head = { name: 'output0', dims: [1, 84, 8400], data: yoloHead(2) };
    for (const confidence of [0.001, 0.25]) {
      const perSecond = await opsPerSecond(() => decodeYoloV8(head, { confidence }), {
        minMs: quick ? 300 : 1500,
      });
      rows.push({
        case: `decode [1, 84, 8400] + NMS, conf ${confidence}`,
        'VisionGate s': round(1 / perSecond),
        'pycocotools s': '',
        'speed-up': '',
        load: round(os.loadavg()[0]!, 2),
      });
    }
    // The example detector: inference vs decoding of its [1, 8, 144] head, per image.
    const model = path.join(repo, 'examples/detection/models/baseline-yolo.onnx');
    if (existsSync(model)) {
      const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
      const inputName = session.inputNames[0]!;
      const dims = session.inputMetadata[0]!;
      const shape = (dims.isTensor ? dims.shape : [1, 3, 96, 96]).map((d) =>
        typeof d === 'number' ? d : 1,
      );
      const input = new ort.Tensor(
        'float32',
        new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.4),
        shape,
      );
      const outName = session.outputNames[0]!;
      const sample = (await session.run({ [inputName]: input }))[outName]!;
      const infer = await opsPerSecond(() => session.run({ [inputName]: input }), {
        minMs: quick ? 300 : 1500,
      });
      const t = { name: outName, dims: sample.dims, data: sample.data as Float32Array };
      const decode = await opsPerSecond(() => decodeYoloV8(t), { minMs: quick ? 300 : 1500 });
      rows.push({
        case: `example detector: inference (1 thread)`,
        'VisionGate s': round(1 / infer),
        'pycocotools s': '',
        'speed-up': '',
        load: round(os.loadavg()[0]!, 2),
      });
      rows.push({
        case: `example detector: decode + NMS, conf 0.001`,
        'VisionGate s': round(1 / decode),
        'pycocotools s': '',
        'speed-up': '',
        load: round(os.loadavg()[0]!, 2),
      });
      notes.push(
        `Example detector: decoding costs ${round((100 * infer) / decode, 2)}% of its inference time per image.`,
      );
      await session.release();
    }
    return { rows, notes };
  },
};

export default bench;
