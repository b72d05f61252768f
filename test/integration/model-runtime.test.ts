import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inputContractSchema, outputContractSchema } from '../../src/config/schema.js';
import { evaluate, type ModelUnderTest } from '../../src/engine/evaluate.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { decodeToGeometry } from '../../src/image/decode.js';
import { imagesToTensor } from '../../src/image/tensor.js';
import { batchDims, resolveContract, type ResolvedContract } from '../../src/model/contract.js';
import { loadModel, type LoadedModel } from '../../src/model/runtime.js';
import { ExampleTable } from '../../src/tables/examples.js';
import type { Example } from '../../src/types.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';
import { recordObjects } from '../support/tables.js';

/**
 * The committed tiny ONNX models (test/fixtures/README.md) through real ONNX Runtime: contract
 * resolution, the evaluation pass and the preprocessing, against outputs computed by hand.
 */

const MODELS = path.resolve(import.meta.dirname, '../fixtures/models');
const IMAGES = path.resolve(import.meta.dirname, '../fixtures/images');
const modelFile = (name: string) => path.join(MODELS, name);
const COLOUR_CLASSES = ['red', 'green', 'blue', 'dark'];

type Rgb = [number, number, number];

let tmp: string;
const loaded: LoadedModel[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-model-runtime-'));
});
afterAll(async () => {
  await Promise.all(loaded.map((m) => m.dispose()));
  await rm(tmp, { recursive: true, force: true });
});

/**
 * In the session thread, as real classifiers (≥ 1 MiB) run; these fixtures are small enough to
 * run in process by default, which the CLI and example tests cover.
 */
async function load(name: string): Promise<LoadedModel> {
  const m = await loadModel(modelFile(name), { thread: 'worker' });
  loaded.push(m);
  return m;
}

/** Contract from the model plus a config that goes through the zod schema (the user's defaults). */
function contractOf(
  m: LoadedModel,
  input: Record<string, unknown> = {},
  output: Record<string, unknown> = {},
): ResolvedContract {
  return resolveContract(
    'candidate',
    m.inputs,
    m.outputs,
    inputContractSchema.parse(input),
    outputContractSchema.parse(output),
  );
}

/** Write an 8-bit RGB PNG from a pixel function. */
async function writePng(
  file: string,
  w: number,
  h: number,
  f: (x: number, y: number) => Rgb,
): Promise<Buffer> {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 3);
  const png = await sharp(data, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
  await writeFile(file, png);
  return png;
}

/** A dataset of solid 8×8 colours in a fresh folder; labels are class indices. */
async function solidDataset(
  name: string,
  colours: readonly Rgb[],
  labelOf: (c: Rgb, i: number) => number,
  classes: readonly string[],
): Promise<Example[]> {
  const dir = await mkdtemp(path.join(tmp, `${name}-`));
  return Promise.all(
    colours.map(async (c, i) => {
      const file = `img-${i}.png`;
      await writePng(path.join(dir, file), 8, 8, () => c);
      const labelIndex = labelOf(c, i);
      return {
        id: `${name}-${i}`,
        path: file,
        absPath: path.join(dir, file),
        label: classes[labelIndex]!,
        labelIndex,
        metadata: {},
      };
    }),
  );
}

/** Softmax in float64: the reference the records are compared with. */
function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The README's colour head on a solid colour scaled by 1/255 (mean 0, std 1). */
function colourHead([r, g, b]: Rgb): number[] {
  const m = [r / 255, g / 255, b / 255];
  return [4 * m[0]!, 4 * m[1]!, 4 * m[2]!, 2 - (4 * (m[0]! + m[1]! + m[2]!)) / 3];
}

const argmax = (v: readonly number[]) => v.indexOf(Math.max(...v));

function expectProbs(record: PredictionRecord, expected: readonly number[], tol = 2e-6): void {
  expect(record.probs, `${record.id} probs kept`).toBeDefined();
  expect(record.probs!.length).toBe(expected.length);
  record.probs!.forEach((p, j) =>
    expect(
      Math.abs(p - expected[j]!),
      `${record.id} p[${j}] = ${p}, want ${expected[j]}`,
    ).toBeLessThan(tol),
  );
  expect(record.pred).toBe(argmax(expected));
}

async function run(
  examples: readonly Example[],
  model: LoadedModel,
  contract: ResolvedContract,
  batchSize: number,
) {
  const mut: ModelUnderTest = { role: 'candidate', model, contract };
  const result = await evaluate(
    ExampleTable.fromExamples(examples),
    [mut],
    [{ name: 'clean' }],
    classificationTask,
    { batchSize, keepScores: () => true, workers: 0 },
  );
  return { ...result, records: recordObjects(result.records) };
}

/** Record the dims (and element type) of every ORT call the evaluation makes, still running it. */
function watchRuns(model: LoadedModel) {
  const calls: { dims: number[]; type: string }[] = [];
  const original = model.run.bind(model);
  const spy = vi.spyOn(model, 'run').mockImplementation(async (name, data, dims, out) => {
    calls.push({ dims: [...dims], type: data instanceof Uint8Array ? 'uint8' : 'float32' });
    return original(name, data, dims, out);
  });
  return { calls, restore: () => spy.mockRestore() };
}

async function userError(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

/** 16 distinct solid colours, some of each class. */
const SIXTEEN: Rgb[] = [
  [220, 30, 30],
  [250, 0, 10],
  [180, 90, 60],
  [200, 150, 0],
  [30, 200, 40],
  [0, 255, 0],
  [90, 170, 120],
  [10, 140, 10],
  [40, 40, 210],
  [0, 0, 255],
  [60, 100, 200],
  [120, 30, 240],
  [20, 20, 20],
  [0, 0, 0],
  [50, 40, 30],
  [255, 255, 255],
];

describe('rgb-nchw-dynamic.onnx: the colour head with a dynamic batch', () => {
  let model: LoadedModel;
  let examples: Example[];
  beforeAll(async () => {
    model = await load('rgb-nchw-dynamic.onnx');
    examples = await solidDataset('dyn', SIXTEEN, (c) => argmax(colourHead(c)), COLOUR_CLASSES);
  });

  it('loads: input/output metadata, the classes metadata_props, the file sha256', async () => {
    expect(model.inputs).toEqual([{ name: 'input', type: 'float32', dims: ['N', 3, 8, 8] }]);
    expect(model.outputs).toEqual([{ name: 'logits', type: 'float32', dims: ['N', 4] }]);
    expect(JSON.parse(model.info.metadata.classes!)).toEqual(COLOUR_CLASSES);
    const bytes = await readFile(modelFile('rgb-nchw-dynamic.onnx'));
    expect(model.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const c = contractOf(model);
    expect(c.fixedBatch).toBeUndefined();
    expect(c.outputClasses).toBe(4);
    expect(c.tensor).toMatchObject({ layout: 'NCHW', channels: 'rgb', dtype: 'float32' });
  });

  it.each([
    [1, 16, Array.from({ length: 16 }, () => 1)],
    [3, 6, [3, 3, 3, 3, 3, 1]],
    [16, 1, [16]],
  ])(
    'batch %i: %i ORT calls, every image gives the hand-computed softmax(colour head)',
    async (batch, calls, sizes) => {
      const watch = watchRuns(model);
      try {
        const result = await run(examples, model, contractOf(model), batch);
        expect(result.stats.batches).toBe(calls);
        expect(watch.calls.map((c) => c.dims[0])).toEqual(sizes);
        expect(watch.calls.every((c) => c.dims.slice(1).join() === '3,8,8')).toBe(true);
        expect(result.records.map((r) => r.id)).toEqual(examples.map((e) => e.id));
        result.records.forEach((r, i) => {
          expectProbs(r, softmax(colourHead(SIXTEEN[i]!)));
          expect(r.label).toBe(examples[i]!.labelIndex);
        });
      } finally {
        watch.restore();
      }
    },
  );

  it('the three batch sizes give the same records', async () => {
    const [a, b, c] = await Promise.all(
      [1, 3, 16].map((n) => run(examples, model, contractOf(model), n)),
    );
    const strip = (rs: PredictionRecord[]) =>
      rs.map(({ probs, ...rest }) => ({ ...rest, probs: probs!.map((p) => p.toFixed(6)) }));
    expect(strip(b!.records)).toEqual(strip(a!.records));
    expect(strip(c!.records)).toEqual(strip(a!.records));
  });
});

describe('rgb-nchw-fixed1.onnx: fixed batch 1', () => {
  const FIVE: Rgb[] = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [0, 0, 0],
    [100, 150, 50],
  ];

  it('the contract says fixedBatch 1; metadata has no classes', async () => {
    const model = await load('rgb-nchw-fixed1.onnx');
    expect(model.inputs[0]!.dims).toEqual([1, 3, 8, 8]);
    expect(contractOf(model).fixedBatch).toBe(1);
    expect(model.info.metadata.classes).toBeUndefined();
  });

  it('ORT itself refuses a batch of 5, so the evaluation must split it', async () => {
    const model = await load('rgb-nchw-fixed1.onnx');
    const e = await userError(
      model.run('input', new Float32Array(5 * 192), [5, 3, 8, 8], 'logits'),
    );
    expect(e.message).toMatch(/ONNX Runtime failed running .*\[5, 3, 8, 8\]/);
  });

  it('evaluating 5 images with batchSize 5 makes 5 calls of [1, 3, 8, 8] with correct outputs', async () => {
    const model = await load('rgb-nchw-fixed1.onnx');
    const examples = await solidDataset(
      'fixed1',
      FIVE,
      (c) => argmax(colourHead(c)),
      COLOUR_CLASSES,
    );
    const watch = watchRuns(model);
    try {
      const result = await run(examples, model, contractOf(model), 5);
      expect(watch.calls.map((c) => c.dims)).toEqual(Array.from({ length: 5 }, () => [1, 3, 8, 8]));
      expect(result.stats).toEqual({ decoded: 5, inferences: 5, batches: 5 });
      result.records.forEach((r, i) => expectProbs(r, softmax(colourHead(FIVE[i]!))));
      expect(result.records.map((r) => r.pred)).toEqual([0, 1, 2, 3, 1]);
    } finally {
      watch.restore();
    }
  });
});

describe('rgb-nchw-fixed4.onnx: fixed batch 4', () => {
  const SIX: Rgb[] = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [0, 0, 0],
    [100, 150, 50],
    [20, 40, 200],
  ];

  it('pads a partial batch to the fixed size and keeps only the real outputs', async () => {
    const model = await load('rgb-nchw-fixed4.onnx');
    expect(contractOf(model).fixedBatch).toBe(4);
    const examples = await solidDataset(
      'fixed4',
      SIX,
      (c) => argmax(colourHead(c)),
      COLOUR_CLASSES,
    );
    const watch = watchRuns(model);
    try {
      // batchSize 6 is not a multiple of 4: runs of 4 and 2 (padded to 4).
      const result = await run(examples, model, contractOf(model), 6);
      expect(watch.calls.map((c) => c.dims)).toEqual([
        [4, 3, 8, 8],
        [4, 3, 8, 8],
      ]);
      expect(result.records).toHaveLength(6);
      expect(result.stats.inferences).toBe(6);
      result.records.forEach((r, i) => expectProbs(r, softmax(colourHead(SIX[i]!))));
    } finally {
      watch.restore();
    }
  });
});

describe('nhwc-uint8.onnx: raw interleaved pixels', () => {
  it('resolves to NHWC uint8 (scale 1), feeds Uint8Array [n, 8, 8, 3] and gives the colour-head outputs', async () => {
    const model = await load('nhwc-uint8.onnx');
    const c = contractOf(model);
    expect(c.tensor.layout).toBe('NHWC');
    expect(c.tensor.dtype).toBe('uint8');
    expect(c.tensor.channels).toBe('rgb');
    const colours = SIXTEEN.slice(0, 6);
    const examples = await solidDataset(
      'nhwc',
      colours,
      (col) => argmax(colourHead(col)),
      COLOUR_CLASSES,
    );
    const watch = watchRuns(model);
    try {
      const result = await run(examples, model, c, 4);
      expect(watch.calls).toEqual([
        { dims: [4, 8, 8, 3], type: 'uint8' },
        { dims: [2, 8, 8, 3], type: 'uint8' },
      ]);
      result.records.forEach((r, i) => expectProbs(r, softmax(colourHead(colours[i]!))));
    } finally {
      watch.restore();
    }
  });

  it('a non-uniform image: the probe (channel means 31.5, 107, 189.5) gives the colour head of its means', async () => {
    // Fed as planar NCHW bytes instead, each "channel" would average a mix of R, G and B values.
    const model = await load('nhwc-uint8.onnx');
    const c = contractOf(model);
    const png = await writePng(path.join(tmp, 'probe-nhwc.png'), 8, 8, PROBE);
    const img = await decodeToGeometry(png, c.geometry, 'probe');
    const out = await model.run(
      c.inputName,
      imagesToTensor([img], c.tensor),
      batchDims(c, 1),
      c.outputName,
    );
    const m = [31.5 / 255, 107 / 255, 189.5 / 255];
    const want = [4 * m[0]!, 4 * m[1]!, 4 * m[2]!, 2 - (4 * (m[0]! + m[1]! + m[2]!)) / 3];
    want.forEach((v, j) => expect(Math.abs(out.data[j]! - v), `logit ${j}`).toBeLessThan(1e-5));
  });

  it('refuses scale/mean/std for a uint8 input', async () => {
    const model = await load('nhwc-uint8.onnx');
    const e = await userError(() => contractOf(model, { mean: [0.5, 0.5, 0.5] }));
    expect(e.message).toMatch(/uint8.*scale, mean and std apply to float32 inputs only/);
  });
});

describe('probs.onnx: outputs that already are probabilities', () => {
  const COLOURS: Rgb[] = [
    [255, 0, 0],
    [0, 255, 0],
    [40, 40, 210],
    [20, 20, 20],
  ];

  it('auto-detected: pTrue is the model’s own probability (no second softmax)', async () => {
    const model = await load('probs.onnx');
    const c = contractOf(model);
    expect(c.outputType).toBe('auto');
    // Label every example as "dark" so pTrue is not always the maximum.
    const examples = await solidDataset('probs', COLOURS, () => 3, COLOUR_CLASSES);
    const result = await run(examples, model, c, 4);
    for (let i = 0; i < COLOURS.length; i++) {
      const img = await decodeToGeometry(await readFile(examples[i]!.absPath), c.geometry, 'p');
      const raw = await model.run(
        c.inputName,
        imagesToTensor([img], c.tensor),
        batchDims(c, 1),
        c.outputName,
      );
      const record = result.records[i]!;
      expect(Math.abs(record.pTrue - raw.data[3]!), record.id).toBeLessThan(1e-6);
      expectProbs(record, softmax(colourHead(COLOURS[i]!)));
    }
    // The README's pure red row: [0.9326, 0.0171, 0.0171, 0.0333]. Softmaxed twice it would be
    // about [0.40, 0.20, 0.20, 0.20].
    expect(result.records[0]!.conf).toBeCloseTo(0.9326, 4);
    expect(result.records[0]!.pTrue).toBeCloseTo(0.0333, 4);
  });
});

describe('model.output.type: probabilities set by the user', () => {
  it('non-negative scores are divided by their sum: pure red [4, 0, 0, 2/3] → [6/7, 0, 0, 1/7]', async () => {
    const model = await load('rgb-nchw-dynamic.onnx');
    const examples = await solidDataset('as-probs', [[255, 0, 0]], () => 0, COLOUR_CLASSES);
    const result = await run(examples, model, contractOf(model, {}, { type: 'probabilities' }), 1);
    expectProbs(result.records[0]!, [6 / 7, 0, 0, 1 / 7]);
  });

  it('a logits model with negative outputs: UserError saying so, not an internal error', async () => {
    // linear-identity on the probe image: [31.5, 107, 189.5] / 255 and TL − BR = −63/255 < 0.
    const model = await load('linear-identity.onnx');
    const examples = await solidDataset('neg', [[0, 0, 0]], () => 0, ['c0', 'c1', 'c2', 'd']);
    const file = path.join(tmp, 'probe-neg.png');
    await writePng(file, 8, 8, PROBE);
    const probe = { ...examples[0]!, id: 'probe-neg', path: path.basename(file), absPath: file };
    const c = contractOf(model, {}, { type: 'probabilities' });
    const neg = await userError(run([probe], model, c, 1));
    expect(neg.kind).toBe('model');
    expect(neg.message).toMatch(
      /probabilities .* has negative scores: \[0\.1235, 0\.4196, 0\.7431, -0\.2471\]/,
    );
    expect(neg.message).toMatch(/set the type to logits or auto/);
    // The black image gives [0, 0, 0, 0]: no distribution either.
    const zero = await userError(run(examples, model, c, 1));
    expect(zero.message).toMatch(/sums to 0: \[0, 0, 0, 0\]/);
  });
});

describe('nan.onnx: NaN outputs', () => {
  it('is a UserError naming the examples', async () => {
    const model = await load('nan.onnx');
    const examples = await solidDataset('nan', SIXTEEN.slice(0, 3), () => 0, COLOUR_CLASSES);
    const e = await userError(run(examples, model, contractOf(model), 8));
    expect(e.kind).toBe('model');
    expect(e.message).toMatch(/NaN or infinite scores for 3 example\(s\)/);
    for (const ex of examples) expect(e.message).toContain(ex.id);
  });
});

describe('two-inputs.onnx', () => {
  it('is refused with a message listing both inputs', async () => {
    const model = await load('two-inputs.onnx');
    expect(model.inputs.map((i) => i.name)).toEqual(['a', 'b']);
    const e = await userError(() => contractOf(model));
    expect(e.kind).toBe('model');
    expect(e.message).toContain('2 inputs');
    expect(e.message).toContain('a float32 [N, 3, 8, 8]');
    expect(e.message).toContain('b float32 [N, 3, 8, 8]');
  });

  it('is refused even when model.input.name picks one of them', async () => {
    const model = await load('two-inputs.onnx');
    const e = await userError(() => contractOf(model, { name: 'a' }));
    expect(e.message).toContain('2 inputs');
  });
});

describe('gray-nchw.onnx: one channel', () => {
  it('luma conversion then logits [4m − 2, 2 − 4m]', async () => {
    const model = await load('gray-nchw.onnx');
    const c = contractOf(model);
    expect(c.tensor.channels).toBe('gray');
    expect(JSON.parse(model.info.metadata.classes!)).toEqual(['light', 'dark']);
    const colours: Rgb[] = [
      [255, 255, 255],
      [0, 0, 0],
      [255, 0, 0],
      [200, 100, 50],
      [0, 255, 0],
      [128, 128, 128],
    ];
    // BT.601 luma: 0.299 R + 0.587 G + 0.114 B; m = luma / 255.
    const logits = colours.map(([r, g, b]) => {
      const m = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      return [4 * m - 2, 2 - 4 * m];
    });
    // White [2, −2] → light; black [−2, 2] → dark; red (m = 0.299) → dark; green (m = 0.587) → light.
    expect(logits.map(argmax)).toEqual([0, 1, 1, 1, 0, 0]);
    const examples = await solidDataset('gray', colours, (_, i) => argmax(logits[i]!), [
      'light',
      'dark',
    ]);
    const result = await run(examples, model, c, 4);
    result.records.forEach((r, i) => expectProbs(r, softmax(logits[i]!)));
  });

  it('the gray ramp fixture: m = 4·31.5 / 255', async () => {
    const model = await load('gray-nchw.onnx');
    const c = contractOf(model);
    const img = await decodeToGeometry(
      await readFile(path.join(IMAGES, 'gray-ramp.png')),
      c.geometry,
      'g',
    );
    const out = await model.run(
      c.inputName,
      imagesToTensor([img], c.tensor),
      batchDims(c, 1),
      c.outputName,
    );
    const m = 126 / 255;
    expect(out.dims).toEqual([1, 2]);
    expect(out.data[0]).toBeCloseTo(4 * m - 2, 5);
    expect(out.data[1]).toBeCloseTo(2 - 4 * m, 5);
  });
});

/**
 * The probe image for linear-identity and flatten-identity: R = 8y + x, G = 100 + 2x,
 * B = 200 − 3y. Channel means: R 31.5, G 107, B 189.5; (0,0) = (0, 100, 200), (7,7) = (63, 114, 179).
 */
const PROBE = (x: number, y: number): Rgb => [8 * y + x, 100 + 2 * x, 200 - 3 * y];

describe('linear-identity.onnx: preprocessing checked through ORT', () => {
  let model: LoadedModel;
  let probePng: Buffer;
  beforeAll(async () => {
    model = await load('linear-identity.onnx');
    probePng = await writePng(path.join(tmp, 'probe.png'), 8, 8, PROBE);
  });

  async function outputs(input: Record<string, unknown>, bytes: Buffer): Promise<number[]> {
    const c = contractOf(model, input);
    const img = await decodeToGeometry(bytes, c.geometry, 'probe');
    const out = await model.run(
      c.inputName,
      imagesToTensor([img], c.tensor),
      batchDims(c, 1),
      c.outputName,
    );
    expect(out.dims).toEqual([1, 4]);
    return Array.from(out.data);
  }
  const expectClose = (got: number[], want: number[]) =>
    want.forEach((v, j) =>
      expect(Math.abs(got[j]! - v), `output ${j}: ${got[j]} vs ${v}`).toBeLessThan(1e-5),
    );

  it('the README check: x[0,c,y,x] = 100c + 8y + x gives [31.5, 131.5, 231.5, −63]', async () => {
    const t = new Float32Array(192);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) t[c * 64 + y * 8 + x] = 100 * c + 8 * y + x;
    const out = await model.run('input', t, [1, 3, 8, 8], 'logits');
    expectClose(Array.from(out.data), [31.5, 131.5, 231.5, -63]);
  });

  it('defaults (x/255, mean 0, std 1)', async () => {
    expectClose(await outputs({}, probePng), [31.5 / 255, 107 / 255, 189.5 / 255, -63 / 255]);
  });

  it('scale 0.01, mean [0.1, 0.2, 0.3], std [0.5, 2, 4], rgb', async () => {
    // ((mean·0.01) − μ) / σ per channel; TL − BR of channel 0 = (0 − 63)·0.01 / 0.5.
    expectClose(await outputs({ scale: 0.01, mean: [0.1, 0.2, 0.3], std: [0.5, 2, 4] }, probePng), [
      (0.315 - 0.1) / 0.5,
      (1.07 - 0.2) / 2,
      (1.895 - 0.3) / 4,
      -1.26,
    ]);
  });

  it('the same with channels bgr: B is channel 0, mean/std in model channel order', async () => {
    expectClose(
      await outputs(
        { scale: 0.01, mean: [0.1, 0.2, 0.3], std: [0.5, 2, 4], channels: 'bgr' },
        probePng,
      ),
      [(1.895 - 0.1) / 0.5, (1.07 - 0.2) / 2, (0.315 - 0.3) / 4, ((200 - 179) * 0.01) / 0.5],
    );
  });

  it('one mean/std for all channels: ImageNet-style scalar (x/255 − 0.5) / 0.25', async () => {
    expectClose(await outputs({ mean: 0.5, std: 0.25 }, probePng), [
      (31.5 / 255 - 0.5) / 0.25,
      (107 / 255 - 0.5) / 0.25,
      (189.5 / 255 - 0.5) / 0.25,
      -63 / 255 / 0.25,
    ]);
  });

  it('the evaluation pass feeds the same tensor: logits recovered from the record probabilities', async () => {
    // softmax is shift-invariant: ln(p_j / p_0) = logit_j − logit_0.
    const examples: Example[] = [
      {
        id: 'probe',
        path: 'probe.png',
        absPath: path.join(tmp, 'probe.png'),
        label: 'mean-c0',
        labelIndex: 0,
        metadata: {},
      },
    ];
    const input = { scale: 0.01, mean: [0.1, 0.2, 0.3], std: [0.5, 2, 4], channels: 'bgr' };
    const result = await run(examples, model, contractOf(model, input), 1);
    const p = result.records[0]!.probs!;
    const want = [(1.895 - 0.1) / 0.5, (1.07 - 0.2) / 2, (0.315 - 0.3) / 4, 0.42];
    for (let j = 1; j < 4; j++) expect(Math.log(p[j]! / p[0]!)).toBeCloseTo(want[j]! - want[0]!, 5);
  });
});

describe('flatten-identity.onnx: golden tensor of the whole pipeline', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await load('flatten-identity.onnx');
  });

  /** Hand-built NCHW tensor of PROBE: value at c·64 + y·8 + x, source channel per order. */
  function expected(order: number[], scale: number, mean: number[], std: number[]): number[] {
    const out: number[] = [];
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          out.push((PROBE(x, y)[order[c]!]! * scale - mean[c]!) / std[c]!);
    return out;
  }

  it.each([
    ['rgb, defaults', {}, [0, 1, 2], 1 / 255, [0, 0, 0], [1, 1, 1]],
    ['rgb, raw 0-255 (scale 1)', { scale: 1 }, [0, 1, 2], 1, [0, 0, 0], [1, 1, 1]],
    [
      'bgr, per-channel mean/std',
      { channels: 'bgr', mean: [0.406, 0.456, 0.485], std: [0.225, 0.224, 0.229] },
      [2, 1, 0],
      1 / 255,
      [0.406, 0.456, 0.485],
      [0.225, 0.224, 0.229],
    ],
  ] as [string, Record<string, unknown>, number[], number, number[], number[]][])(
    '%s',
    async (_, input, order, scale, mean, std) => {
      const c = contractOf(model, input);
      expect(c.outputClasses).toBe(192);
      const png = await writePng(path.join(tmp, 'flat.png'), 8, 8, PROBE);
      const img = await decodeToGeometry(png, c.geometry, 'flat');
      // Two images in one batch: the second is the first mirrored left-right (x → 7 − x).
      const mirrored = { ...img, data: new Uint8Array(img.data.length) };
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++)
          mirrored.data.set(
            img.data.subarray((y * 8 + 7 - x) * 3, (y * 8 + 8 - x) * 3),
            (y * 8 + x) * 3,
          );
      const out = await model.run(
        c.inputName,
        imagesToTensor([img, mirrored], c.tensor),
        batchDims(c, 2),
        c.outputName,
      );
      expect(out.dims).toEqual([2, 192]);
      const want = expected(order, scale, mean, std);
      for (let i = 0; i < 192; i++) {
        expect(Math.abs(out.data[i]! - want[i]!), `image 0 element ${i}`).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(want[i]!)),
        );
        const ch = Math.floor(i / 64);
        const y = Math.floor((i % 64) / 8);
        const x = i % 8;
        const wantMirror = want[ch * 64 + y * 8 + (7 - x)]!;
        expect(Math.abs(out.data[192 + i]! - wantMirror), `image 1 element ${i}`).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(wantMirror)),
        );
      }
    },
  );
});

describe('model files that cannot be used', () => {
  it('a text file, a PNG renamed to .onnx and a truncated model: "is not an ONNX model", naming the file', async () => {
    const notes = path.join(tmp, 'notes.onnx');
    await writeFile(notes, 'these are my notes, not a model\n');
    const png = path.join(tmp, 'image.onnx');
    await writeFile(png, await readFile(path.join(IMAGES, 'rgb-quadrants.png')));
    const bytes = await readFile(modelFile('rgb-nchw-dynamic.onnx'));
    const cut = path.join(tmp, 'cut.onnx');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const file of [notes, png, cut]) {
      const e = await userError(loadModel(file));
      expect(e.kind).toBe('model');
      expect(e.message).toBe(
        `${file} is not an ONNX model (cannot parse it as a protobuf ModelProto)`,
      );
    }
  });

  it('an empty file parses as an empty ModelProto: ONNX Runtime refuses it, still a UserError', async () => {
    const file = path.join(tmp, 'empty.onnx');
    await writeFile(file, Buffer.alloc(0));
    const e = await userError(loadModel(file));
    expect(e.kind).toBe('model');
    expect(e.message.startsWith(`ONNX Runtime cannot load ${file}: `), e.message).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('a missing file: UserError "file not found"', async () => {
    const file = path.join(tmp, 'nope', 'model.onnx');
    const e = await userError(loadModel(file));
    expect(e.kind).toBe('model');
    expect(e.message).toBe(`cannot read model ${file}: file not found`);
  });
});
