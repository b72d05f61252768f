// A variant made at source size (`frame: 'source'`, detection's robustness variants) is the
// transform or corruption of the decoded image at its own size, then letterboxed as the model's
// input: the padding stays the pad colour and a translation moves the image by a fraction of its
// own size. Real ONNX Runtime, real sharp, the fixture model linear-identity.onnx (logits = the
// three channel means and x[0, 0, 0] − x[0, 7, 7] of its 8×8 input).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputContractSchema, outputContractSchema } from '../../src/config/schema.js';
import { applyCorruption } from '../../src/corruptions/index.js';
import { Rng } from '../../src/corruptions/rng.js';
import { evaluate, type ModelUnderTest, type Variant } from '../../src/engine/evaluate.js';
import { decodeFullSize, fitToGeometry, loaderSteps } from '../../src/image/decode.js';
import { imagesToTensor } from '../../src/image/tensor.js';
import { resolveContract } from '../../src/model/contract.js';
import { loadModel, type LoadedModel } from '../../src/model/runtime.js';
import { ExampleTable } from '../../src/tables/examples.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import { applyTransform, type TransformSpec } from '../../src/transforms/index.js';
import { recordObjects } from '../support/tables.js';
import type { Example, RgbImage } from '../../src/types.js';

const MODELS = path.resolve(import.meta.dirname, '../fixtures/models');
let tmp = '';
let loaded: LoadedModel | undefined;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-source-frame-'));
});
afterAll(async () => {
  await loaded?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

const logitsOf = (img: RgbImage, m: ModelUnderTest): number[] => {
  const t = imagesToTensor([img], m.contract.tensor);
  const mean = (a: number, b: number) => {
    let s = 0;
    for (let i = a; i < b; i++) s += t[i]!;
    return s / (b - a);
  };
  return [mean(0, 64), mean(64, 128), mean(128, 192), t[0]! - t[63]!];
};
const softmax = (l: number[]) => {
  const e = l.map((v) => Math.exp(v - Math.max(...l)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('variants made at source size', () => {
  it('are the image transformed or corrupted at its own size, then letterboxed', async () => {
    // Wide 8×4 images: letterboxed into 8×8 with two pad rows above and below.
    const examples: Example[] = [];
    for (let i = 0; i < 4; i++) {
      const rng = Rng.fromKey(`frame-${i}`);
      const data = Buffer.alloc(8 * 4 * 3);
      for (let k = 0; k < data.length; k++) data[k] = rng.nextU32() % 256;
      const file = path.join(tmp, `img-${i}.png`);
      await sharp(data, { raw: { width: 8, height: 4, channels: 3 } })
        .png()
        .toFile(file);
      examples.push({
        id: `e${i}`,
        path: `img-${i}.png`,
        absPath: file,
        label: 'a',
        labelIndex: 0,
        metadata: {},
      });
    }
    loaded = await loadModel(path.join(MODELS, 'linear-identity.onnx'));
    const m: ModelUnderTest = {
      role: 'candidate',
      model: loaded,
      contract: resolveContract(
        'candidate',
        loaded.inputs,
        loaded.outputs,
        inputContractSchema.parse({ resize: { mode: 'letterbox', library: 'opencv' } }),
        outputContractSchema.parse({}),
      ),
    };
    const g = m.contract.geometry;
    const shift: TransformSpec = { type: 'translate', dx: 0, dy: 0.25 };
    const noise = {
      kind: 'corruption',
      name: 'gaussian_noise',
      severity: 5,
      table: 'imagenet',
      pixelScale: 'reference',
    } as const;
    const variants: Variant[] = [
      { name: 'clean' },
      { name: 't:shift', frame: 'source', task: () => ({ kind: 'transform', spec: shift }) },
      { name: 'noise', frame: 'source', task: (e) => ({ ...noise, seedKey: e.id }) },
    ];
    for (const workers of [0, 1]) {
      const result = await evaluate(
        ExampleTable.fromExamples(examples),
        [m],
        variants,
        classificationTask,
        { batchSize: 4, keepScores: () => true, workers },
      );
      const records = recordObjects(result.records);
      let differs = 0;
      for (const e of examples) {
        const full = await decodeFullSize(await readFile(e.absPath), loaderSteps(g), e.path);
        const want = {
          't:shift': fitToGeometry(applyTransform(full, shift), g),
          noise: fitToGeometry(
            await applyCorruption(full, 'gaussian_noise', 5, {
              seedKey: e.id,
              table: 'imagenet',
            }),
            g,
          ),
        };
        for (const [variant, img] of Object.entries(want)) {
          const r = records.find((x) => x.id === e.id && x.variant === variant)!;
          const p = softmax(logitsOf(img, m));
          r.probs!.forEach((v, j) =>
            expect(Math.abs(v - p[j]!), `${e.id} ${variant} workers ${workers}`).toBeLessThan(2e-6),
          );
        }
        // Made on the model's input instead, the shift moves the pad rows in by a quarter of 8
        // rows (not of 4): the pixels differ, so the check above can fail.
        const onInput = applyTransform(fitToGeometry(full, g), shift);
        if (
          logitsOf(onInput, m).some((v, j) => Math.abs(v - logitsOf(want['t:shift'], m)[j]!) > 1e-3)
        )
          differs++;
      }
      expect(differs).toBe(examples.length);
    }
  });
});
