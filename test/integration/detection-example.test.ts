/**
 * The bundled detection example end to end through the detection foundations, with real sharp
 * and real ONNX Runtime: read the COCO file, letterbox each image, run the raw-head and the
 * post-NMS exports, decode, map boxes back, evaluate. The candidate was trained without dim
 * scenes (scripts/make-detection-example.py): its regression must show on lighting=dim, and
 * the mAP must agree with what pycocotools computed on the Python side (models/metrics.json,
 * OpenCV preprocessing, so agreement is close rather than exact).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCocoDataset } from '../../src/dataset/detection/coco.js';
import type { DetectionDataset } from '../../src/dataset/detection/types.js';
import { decodePlaced } from '../../src/image/decode.js';
import type { Geometry } from '../../src/image/geometry.js';
import { imagesToTensor } from '../../src/image/tensor.js';
import {
  accumulate,
  COCO_STAT_NAMES,
  evaluateImages,
  summarize,
  type ImageEvaluation,
} from '../../src/metrics/detection/coco-eval.js';
import { mapOfImages } from '../../src/metrics/detection/weighted-map.js';
import { detectionChanges } from '../../src/metrics/detection/changes.js';
import { pairedDetectionBootstrap } from '../../src/metrics/detection/paired.js';
import { decodeBatch } from '../../src/model/detection/batch.js';
import { resolveDetectionOutputs } from '../../src/model/detection/convention.js';
import { placementOf, type InputPlacement } from '../../src/model/detection/geometry.js';
import { loadModel } from '../../src/model/runtime.js';
import { DetectionColumnsBuilder, type DetectionColumns } from '../../src/tables/detections.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/detection');
const S = 96;
const pycocotools = JSON.parse(readFileSync(path.join(root, 'models/metrics.json'), 'utf8')) as {
  models: Record<
    string,
    {
      detections: number;
      stats: number[];
      perClass: Record<string, [number, number]>;
      slices: Record<string, [number, number]>;
    }
  >;
};

let ds: DetectionDataset;
let inputs: Float32Array[];
let placements: InputPlacement[];
const evals = new Map<string, ImageEvaluation>();
const dets = new Map<string, DetectionColumns>();

/** Run one export over every image through the product's path: runOutputs, then decodeBatch. */
async function runModel(
  file: string,
): Promise<{ convention: string; detections: DetectionColumns }> {
  const model = await loadModel(path.join(root, 'models', file));
  const resolved = resolveDetectionOutputs(file, model.outputs, ds.classes.length);
  const b = new DetectionColumnsBuilder();
  // The exports have a fixed batch of 1 (torch.onnx.export without dynamic axes).
  for (let i = 0; i < inputs.length; i++) {
    const { outputs } = await model.runOutputs(
      'images',
      inputs[i]!.slice(),
      [1, 3, S, S],
      resolved.outputs,
    );
    const [found] = decodeBatch(resolved, outputs, [placements[i]!], ds.classes.length, {
      width: S,
      height: S,
    });
    b.push(found!);
  }
  await model.dispose();
  return { convention: resolved.convention, detections: b.finish() };
}

function sliceRows(column: string, value: string): number[] {
  const c = ds.images.column(column);
  return Array.from({ length: ds.images.length }, (_, i) => i).filter(
    (i) => ds.images.value(c, i) === value,
  );
}
function weightsOf(rows: number[]): Uint32Array {
  const w = new Uint32Array(ds.images.length);
  for (const r of rows) w[r] = 1;
  return w;
}

beforeAll(async () => {
  ds = await readCocoDataset(path.join(root, 'data/annotations.json'), {
    imagesRoot: path.join(root, 'data/images'),
  });
  const geometry: Geometry = {
    width: S,
    height: S,
    mode: 'letterbox',
    // Ultralytics' LetterBox: cv2.resize INTER_LINEAR, pad 114, images read by cv2.imread.
    resampler: { library: 'opencv' as const, interpolation: 'linear' as const },
    exif: true,
    pad: '#727272',
  };
  const spec = {
    layout: 'NCHW' as const,
    channels: 'rgb' as const,
    dtype: 'float32' as const,
    scale: 1 / 255,
    mean: [0],
    std: [1],
  };
  inputs = [];
  placements = [];
  for (let i = 0; i < ds.images.length; i++) {
    const placed = await decodePlaced(
      readFileSync(ds.images.absPath(i)),
      geometry,
      ds.images.paths[i]!,
    );
    inputs.push(imagesToTensor([placed.image], spec) as Float32Array);
    placements.push(placementOf(placed.sourceWidth, placed.sourceHeight, geometry));
  }
  for (const name of ['baseline-yolo', 'candidate-yolo', 'baseline-nms']) {
    const { convention, detections } = await runModel(`${name}.onnx`);
    expect(convention).toBe(name.endsWith('yolo') ? 'yolo-v8' : 'boxes-scores-labels');
    dets.set(name, detections);
    evals.set(name, evaluateImages(ds.gt, detections, ds.classes.length));
  }
}, 600_000);

describe('detection example', () => {
  it('has image metadata and COCO category ids from the file', () => {
    expect(ds.classes).toEqual(['t-shirt', 'trouser', 'bag', 'ankle-boot']);
    expect(ds.categoryIds).toEqual([1, 3, 5, 9]);
    expect(ds.images.metadata.map((m) => m.name)).toEqual(['lighting', 'background']);
  });

  it('gives the numbers pycocotools gives on the same files, to 1e-4', () => {
    for (const model of ['baseline', 'candidate']) {
      const ref = pycocotools.models[model]!;
      const ev = evals.get(`${model}-yolo`)!;
      expect(dets.get(`${model}-yolo`)!.scores.length).toBe(ref.detections);
      const stats = summarize(accumulate(ev));
      COCO_STAT_NAMES.forEach((name, i) => expect(stats[name]).toBeCloseTo(ref.stats[i]!, 4));
      ds.categoryIds!.forEach((id, k) => {
        expect(stats.perClass[k]!.ap).toBeCloseTo(ref.perClass[String(id)]![0], 4);
        expect(stats.perClass[k]!.ap50).toBeCloseTo(ref.perClass[String(id)]![1], 4);
      });
      for (const [key, [map, ap50]] of Object.entries(ref.slices)) {
        const [column, value] = key.split('=') as [string, string];
        const ours = mapOfImages(ev, weightsOf(sliceRows(column, value)));
        expect(ours.map, `${model} ${key} mAP`).toBeCloseTo(map, 4);
        expect(ours.ap50, `${model} ${key} AP50`).toBeCloseTo(ap50, 4);
      }
      console.log(
        `${model}: mAP ${stats.ap.toFixed(4)} (pycocotools ${ref.stats[0]!.toFixed(4)}), lighting=dim ${mapOfImages(ev, weightsOf(sliceRows('lighting', 'dim'))).map.toFixed(4)} (pycocotools ${ref.slices['lighting=dim']![0].toFixed(4)})`,
      );
    }
    expect(pycocotools.models.candidate!.slices['lighting=dim']![0]).toBeLessThan(
      pycocotools.models.baseline!.slices['lighting=dim']![0] - 0.05,
    );
  });

  it("shows the candidate's regression on lighting=dim, not on bright", () => {
    const dim = sliceRows('lighting', 'dim');
    const bright = sliceRows('lighting', 'bright');
    const c = evals.get('candidate-yolo')!;
    const b = evals.get('baseline-yolo')!;
    const onDim = pairedDetectionBootstrap(c, b, 'map', { rows: dim, resamples: 100, seed: 1 });
    const onBright = pairedDetectionBootstrap(c, b, 'map', {
      rows: bright,
      resamples: 200,
      seed: 1,
    });
    console.log(
      `mAP delta dim ${onDim.estimate.toFixed(4)} [${onDim.lower.toFixed(4)}, ${onDim.upper.toFixed(4)}], bright ${onBright.estimate.toFixed(4)} [${onBright.lower.toFixed(4)}, ${onBright.upper.toFixed(4)}]`,
    );
    expect(onDim.upper).toBeLessThan(0);
    expect(onDim.estimate).toBeLessThan(onBright.estimate - 0.05);
    const changes = detectionChanges(
      ds.gt,
      dets.get('baseline-yolo')!,
      dets.get('candidate-yolo')!,
      ds.classes.length,
      { scoreThreshold: 0.25 },
    );
    const missed = (rows: number[]) =>
      changes
        .filter((ch) => rows.includes(ch.image))
        .reduce((n, ch) => n + ch.newlyMissed.length, 0);
    console.log(`newly missed objects at 0.25: dim ${missed(dim)}, bright ${missed(bright)}`);
    expect(missed(dim) / dim.length).toBeGreaterThan(missed(bright) / bright.length);
  }, 600_000);

  it('the post-NMS export gives close to the raw head decoded here', () => {
    const raw = mapOfImages(evals.get('baseline-yolo')!).map;
    const graph = mapOfImages(evals.get('baseline-nms')!).map;
    console.log(
      `baseline mAP: raw head ${raw.toFixed(4)}, NMS in the graph (conf 0.05, iou 0.6, 100 boxes) ${graph.toFixed(4)}`,
    );
    expect(Math.abs(raw - graph)).toBeLessThan(0.05);
  });
});
