/**
 * Raw ONNX Runtime inference on pre-decoded tensors: the ceiling the evaluation pass is measured
 * against. The images of a bench dataset are decoded and turned into batch tensors up front with
 * the same code and contract as the pass; `run()` then times nothing but `session.run` of a
 * session with onnxruntime-node's default options (spinning threads included, which suit a bare
 * inference loop best), so the ceiling is never lowered by VisionGate's own session options.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedConfig } from '../src/config/load.js';
import { decodeToGeometry } from '../src/image/decode.js';
import { imagesToTensor } from '../src/image/tensor.js';
import { batchDims, resolveContract } from '../src/model/contract.js';
import { loadModel, type RuntimeOptions } from '../src/model/runtime.js';

export interface RawInference {
  images: number;
  /** Run every batch once; returns the milliseconds spent in session.run. */
  run(): Promise<number>;
  dispose(): Promise<void>;
}

/** Load the model and pre-decode the dataset of `dir` (data/manifest.csv, column 2 = path). */
export async function prepareRawInference(
  dir: string,
  loaded: LoadedConfig,
  modelFile: string,
  batch: number,
  runtime: RuntimeOptions = {},
): Promise<RawInference> {
  const model = await loadModel(modelFile, runtime);
  await model.dispose(); // only its input/output metadata is needed
  const session = await ort.InferenceSession.create(await readFile(modelFile), {
    ...(runtime.intraOpThreads ? { intraOpNumThreads: runtime.intraOpThreads } : {}),
  });
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
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let i = 0; i < images.length; i += batch) {
    const b = images.slice(i, i + batch);
    const data = imagesToTensor(b, contract.tensor);
    const type = data instanceof Uint8Array ? 'uint8' : 'float32';
    feeds.push({ [contract.inputName]: new ort.Tensor(type, data, batchDims(contract, b.length)) });
  }
  return {
    images: images.length,
    async run() {
      const t = performance.now();
      for (const x of feeds) await session.run(x, [contract.outputName]);
      return performance.now() - t;
    },
    dispose: () => session.release(),
  };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
