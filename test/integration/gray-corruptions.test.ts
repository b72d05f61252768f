// A gray model's corruptions are made on the gray image, one channel (docs/corruptions.md, "Gray
// models"), while an RGB model evaluated in the same pass, on the same decoded geometry, still
// gets its corruptions made on RGB. Real ONNX Runtime, real sharp, the fixture models
// gray-nchw.onnx (logits [4m − 2, 2 − 4m], m the mean of the luma tensor) and
// linear-identity.onnx (logits = the three channel means and a pixel difference).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputContractSchema, outputContractSchema } from '../../src/config/schema.js';
import { applyCorruption } from '../../src/corruptions/index.js';
import { Rng } from '../../src/corruptions/rng.js';
import { evaluate, type ModelUnderTest, type Variant } from '../../src/engine/evaluate.js';
import { decodeToGeometry } from '../../src/image/decode.js';
import { imagesToTensor } from '../../src/image/tensor.js';
import { resolveContract } from '../../src/model/contract.js';
import { loadModel, type LoadedModel } from '../../src/model/runtime.js';
import { ExampleTable } from '../../src/tables/examples.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import { recordObjects } from '../support/tables.js';
import type { Example, RgbImage } from '../../src/types.js';

const MODELS = path.resolve(import.meta.dirname, '../fixtures/models');
let tmp = '';
const loaded: LoadedModel[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-gray-'));
});
afterAll(async () => {
  await Promise.all(loaded.map((m) => m.dispose()));
  await rm(tmp, { recursive: true, force: true });
});

async function model(name: string, role: 'candidate' | 'baseline'): Promise<ModelUnderTest> {
  const m = await loadModel(path.join(MODELS, name));
  loaded.push(m);
  const contract = resolveContract(
    role,
    m.inputs,
    m.outputs,
    inputContractSchema.parse({}),
    outputContractSchema.parse({}),
  );
  return { role, model: m, contract };
}

function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
};

describe('impulse_noise@5 in one pass over a gray model and an RGB model', () => {
  it('each model sees its corruption made for its own channels', async () => {
    // Six 8×8 colour images with texture.
    const examples: Example[] = [];
    for (let i = 0; i < 6; i++) {
      const rng = Rng.fromKey(`gray-${i}`);
      const data = Buffer.alloc(8 * 8 * 3);
      for (let k = 0; k < data.length; k++) data[k] = 40 + (rng.nextU32() % 176);
      const file = path.join(tmp, `img-${i}.png`);
      await sharp(data, { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toFile(file);
      examples.push({
        id: `e${i}`,
        path: `img-${i}.png`,
        absPath: file,
        label: 'light',
        labelIndex: 0,
        metadata: {},
      });
    }
    const gray = await model('gray-nchw.onnx', 'candidate');
    const rgb = await model('linear-identity.onnx', 'baseline');
    expect(gray.contract.tensor.channels).toBe('gray');
    expect(rgb.contract.tensor.channels).toBe('rgb');
    const task = (e: Example) =>
      ({
        kind: 'corruption',
        name: 'impulse_noise',
        severity: 5,
        seedKey: e.id,
        table: 'imagenet',
        pixelScale: 'reference',
      }) as const;
    const variants: Variant[] = [{ name: 'clean' }, { name: 'impulse_noise@5', task }];
    for (const workers of [0, 1]) {
      const result = await evaluate(
        ExampleTable.fromExamples(examples),
        [gray, rgb],
        variants,
        classificationTask,
        { batchSize: 4, keepScores: () => true, workers },
      );
      const records = recordObjects(result.records).filter((r) => r.variant === 'impulse_noise@5');
      let separated = 0;
      for (const e of examples) {
        const clean = await decodeToGeometry(
          await readFile(e.absPath),
          gray.contract.geometry,
          e.path,
        );
        const opts = { seedKey: e.id, table: 'imagenet' as const };
        const asGray = await applyCorruption(clean, 'impulse_noise', 5, {
          ...opts,
          channels: 'gray',
        });
        const asRgb = await applyCorruption(clean, 'impulse_noise', 5, opts);
        const m = (img: RgbImage) => mean(imagesToTensor([img], gray.contract.tensor));
        // Gray model: the gray-made corruption.
        const g = records.find((r) => r.id === e.id && r.model === 'candidate')!;
        const want = softmax([4 * m(asGray) - 2, 2 - 4 * m(asGray)]);
        g.probs!.forEach((p, j) =>
          expect(Math.abs(p - want[j]!), `${e.id} gray`).toBeLessThan(2e-6),
        );
        if (Math.abs(m(asGray) - m(asRgb)) > 1e-3) separated++;
        // RGB model: the RGB-made corruption (channel means and a pixel difference, / 255).
        const r = records.find((x) => x.id === e.id && x.model === 'baseline')!;
        const t = imagesToTensor([asRgb], rgb.contract.tensor);
        const plane = 64;
        const logits = [0, 1, 2].map((c) => mean(t.subarray(c * plane, (c + 1) * plane)));
        logits.push(t[0]! - t[63]!);
        const wantRgb = softmax(logits);
        r.probs!.forEach((p, j) =>
          expect(Math.abs(p - wantRgb[j]!), `${e.id} rgb`).toBeLessThan(2e-6),
        );
      }
      // The two ways of corrupting really differ on these images, so the checks above can fail.
      expect(separated, `workers ${workers}`).toBeGreaterThanOrEqual(4);
    }
  });
});
