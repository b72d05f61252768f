/**
 * LoadedModel.runOutputs with real ONNX Runtime: the bundled post-NMS detector has float32
 * boxes and scores and int64 labels. Both session back ends (in process and the session thread)
 * must give exactly what ONNX Runtime gives when called directly, int64 kept as int64.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { decodeToGeometry } from '../../src/image/decode.js';
import { imagesToTensor } from '../../src/image/tensor.js';
import { loadModel, type LoadedModel } from '../../src/model/runtime.js';

const ROOT = path.resolve(import.meta.dirname, '../../examples/detection');
const MODEL = path.join(ROOT, 'models/baseline-nms.onnx');
const S = 96;

async function input(file: string): Promise<Float32Array> {
  const img = await decodeToGeometry(
    readFileSync(path.join(ROOT, 'data/images', file)),
    {
      width: S,
      height: S,
      mode: 'letterbox',
      resampler: { library: 'opencv', interpolation: 'linear' },
      exif: true,
      pad: '#727272',
    },
    file,
  );
  return imagesToTensor([img], {
    layout: 'NCHW',
    channels: 'rgb',
    dtype: 'float32',
    scale: 1 / 255,
    mean: [0],
    std: [1],
  }) as Float32Array;
}

const loaded: LoadedModel[] = [];
afterAll(async () => {
  await Promise.all(loaded.map((m) => m.dispose()));
});

describe.each(['main', 'worker'] as const)('runOutputs, session in %s', (thread) => {
  it('gives every named output with its own element type, as ONNX Runtime does', async () => {
    const model = await loadModel(MODEL, { thread });
    loaded.push(model);
    const direct = await ort.InferenceSession.create(MODEL);
    for (const file of ['scene0000.jpg', 'scene0001.jpg']) {
      const x = await input(file);
      const want = await direct.run({ images: new ort.Tensor('float32', x.slice(), [1, 3, S, S]) });
      const { outputs, input: back } = await model.runOutputs(
        'images',
        x,
        [1, 3, S, S],
        ['labels', 'boxes', 'scores'],
      );
      expect(outputs.map((o) => o.name)).toEqual(['labels', 'boxes', 'scores']);
      const [labels, boxes, scores] = outputs;
      expect(labels!.data).toBeInstanceOf(BigInt64Array);
      expect(boxes!.data).toBeInstanceOf(Float32Array);
      expect(labels!.dims).toEqual([1, 100]);
      expect(boxes!.dims).toEqual([1, 100, 4]);
      expect(Array.from(labels!.data as BigInt64Array)).toEqual(
        Array.from(want.labels!.data as BigInt64Array),
      );
      expect(Array.from(boxes!.data as Float32Array)).toEqual(
        Array.from(want.boxes!.data as Float32Array),
      );
      expect(Array.from(scores!.data as Float32Array)).toEqual(
        Array.from(want.scores!.data as Float32Array),
      );
      // A real detection and padding (label -1) are both there: the int64 values went through.
      expect((labels!.data as BigInt64Array).some((v) => v >= 0n)).toBe(true);
      expect((labels!.data as BigInt64Array).at(-1)).toBe(-1n);
      expect(back?.length).toBe(3 * S * S);
    }
    await direct.release();
  });

  it('names the model and the output when an output is not there', async () => {
    const model = await loadModel(MODEL, { thread });
    loaded.push(model);
    const error = await model
      .runOutputs('images', await input('scene0000.jpg'), [1, 3, S, S], ['boxes', 'classes'])
      .catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('baseline-nms.onnx');
    expect(String((error as Error).message)).toContain('classes');
  });
});
