/**
 * Detection decoding (the convention's decoder, NMS, boxes mapped back to the image) per image
 * against ONNX Runtime inference per image, on the same model and batch, in one run:
 * 1. a YOLOv8n-sized detector at 640×640 (bench/models/yolov8n-shaped.onnx, made by
 *    scripts/make-bench-models.py; random weights, so its own scores are meaningless): inference
 *    is timed on it, decoding on a synthetic head of its output's shape [1, 84, 8400] with
 *    realistic scores (low everywhere, 20 objects with clusters of high ones), at validation
 *    confidence (0.001) and a deployment one (0.25);
 * 2. the detection example's detector (96×96, [1, 8, 144] head) on the example's images, its
 *    own outputs decoded at 0.001.
 * Inference uses onnxruntime-node's default session options (as bench/raw-inference.ts).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeBatch } from '../src/model/detection/batch.js';
import { resolveDetectionOutputs } from '../src/model/detection/convention.js';
import { letterboxPlacement } from '../src/model/detection/geometry.js';
import type { NamedOutput } from '../src/model/ort-session.js';
import { loadModel } from '../src/model/runtime.js';
import { repo, yoloHead } from './datasets.js';
import { opsPerSecond, round, type Bench } from './harness.js';

interface Case {
  name: string;
  model: string;
  /** Input tensors, one per timed image (batch 1, the models' fixed batch). */
  inputs: ort.Tensor[];
  /** The outputs to decode, one per image, and each image's size. */
  outputs: (
    session: ort.InferenceSession,
  ) => Promise<{ output: NamedOutput; w: number; h: number }[]>;
  classes: number;
  confidences: number[];
}

async function exampleInputs(n: number): Promise<{ tensor: ort.Tensor; w: number; h: number }[]> {
  const dir = path.join(repo, 'examples/detection/data/images');
  const files = (await readdir(dir)).sort().slice(0, n);
  return Promise.all(
    files.map(async (f) => {
      const { data, info } = await sharp(path.join(dir, f))
        .resize(96, 96, { fit: 'contain', background: { r: 114, g: 114, b: 114 } })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const x = new Float32Array(3 * 96 * 96);
      for (let i = 0; i < 96 * 96; i++)
        for (let c = 0; c < 3; c++) x[c * 96 * 96 + i] = data[i * info.channels + c]! / 255;
      const meta = await sharp(path.join(dir, f)).metadata();
      return {
        tensor: new ort.Tensor('float32', x, [1, 3, 96, 96]),
        w: meta.width,
        h: meta.height,
      };
    }),
  );
}

const bench: Bench = {
  name: 'detection-decode',
  description:
    'Detection decoding + NMS + mapping back per image vs ONNX Runtime inference per image, same model and batch (1): a YOLOv8n-sized 640×640 detector with a realistic synthetic [1, 84, 8400] head, and the example detector on its images.',
  async run({ quick }) {
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [];
    const minMs = quick ? 500 : 3000;
    const cases: Case[] = [];
    const yolo = path.join(repo, 'bench/models/yolov8n-shaped.onnx');
    if (existsSync(yolo)) {
      const x = new Float32Array(3 * 640 * 640).fill(0.45);
      cases.push({
        name: 'YOLOv8n-sized, 640×640',
        model: yolo,
        inputs: [new ort.Tensor('float32', x, [1, 3, 640, 640])],
        outputs: () =>
          Promise.resolve(
            [1, 2, 3, 4].map((seed) => ({
              output: { name: 'output0', dims: [1, 84, 8400], data: yoloHead(seed) },
              w: 1280,
              h: 720,
            })),
          ),
        classes: 80,
        confidences: [0.001, 0.25],
      });
    } else {
      notes.push(
        'bench/models/yolov8n-shaped.onnx is missing: run /usr/bin/python3 scripts/make-bench-models.py.',
      );
    }
    const example = await exampleInputs(quick ? 8 : 32);
    cases.push({
      name: 'example detector, 96×96',
      model: path.join(repo, 'examples/detection/models/baseline-yolo.onnx'),
      inputs: example.map((e) => e.tensor),
      outputs: async (session) =>
        Promise.all(
          example.map(async (e) => {
            const out = (await session.run({ images: e.tensor })).output0!;
            return {
              output: { name: 'output0', dims: out.dims, data: out.data as Float32Array },
              w: e.w,
              h: e.h,
            };
          }),
        ),
      classes: 4,
      confidences: [0.001],
    });

    for (const c of cases) {
      const session = await ort.InferenceSession.create(await readFile(c.model));
      const model = await loadModel(c.model);
      await model.dispose();
      const resolved = resolveDetectionOutputs('bench', model.outputs, c.classes);
      const inputName = session.inputNames[0]!;
      let i = 0;
      const inferPerSecond = await opsPerSecond(
        async () => session.run({ [inputName]: c.inputs[i++ % c.inputs.length]! }),
        { minMs },
      );
      const outputs = await c.outputs(session);
      const input = { width: c.inputs[0]!.dims[3]!, height: c.inputs[0]!.dims[2]! };
      const placements = outputs.map((o) =>
        letterboxPlacement(o.w, o.h, input.width, input.height),
      );
      const inferMs = 1000 / inferPerSecond;
      rows.push({
        case: `${c.name}: inference`,
        'ms / image': round(inferMs),
        'share of inference': '',
        load: round(os.loadavg()[0]!, 2),
      });
      for (const confidence of c.confidences) {
        let j = 0;
        const decodePerSecond = await opsPerSecond(
          () => {
            const k = j++ % outputs.length;
            return decodeBatch(resolved, [outputs[k]!.output], [placements[k]!], c.classes, input, {
              confidence,
            });
          },
          { minMs },
        );
        const decodeMs = 1000 / decodePerSecond;
        rows.push({
          case: `${c.name}: decode + NMS + map back, conf ${confidence}`,
          'ms / image': round(decodeMs),
          'share of inference': `${round((100 * decodeMs) / inferMs)} %`,
          load: round(os.loadavg()[0]!, 2),
        });
        notes.push(
          `${c.name}, confidence ${confidence}: decoding costs ${round((100 * decodeMs) / inferMs)} % of inference per image.`,
        );
      }
      await session.release();
    }
    return { rows, notes };
  },
};

export default bench;
