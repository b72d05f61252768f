/**
 * The small fixture models (test/fixtures/models/, described in test/fixtures/README.md) as the
 * fuzz properties choose them: what each declares, so a config can match its contract or
 * contradict it on purpose, and model files that are not models at all.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { createRandom } from '../../../src/metrics/random.js';

export const MODELS_DIR = path.resolve(import.meta.dirname, '../../fixtures/models');

export interface FixtureModel {
  file: string;
  /** Class names in its `classes` metadata, or undefined when it has none. */
  classes?: readonly string[];
  /** Number of outputs (classes). */
  outputs: number;
  channels: 1 | 3;
  layout: 'NCHW' | 'NHWC';
  dtype: 'float32' | 'uint8';
  outputName: string;
  /** Fixed batch dimension, if any. */
  batch?: number;
}

const COLOURS = ['red', 'green', 'blue', 'dark'] as const;

/** Models a run can use (one input, class scores out). */
export const GOOD_MODELS: readonly FixtureModel[] = [
  {
    file: 'rgb-nchw-dynamic.onnx',
    classes: COLOURS,
    outputs: 4,
    channels: 3,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'logits',
  },
  {
    file: 'rgb-nchw-fixed1.onnx',
    outputs: 4,
    channels: 3,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'logits',
    batch: 1,
  },
  {
    file: 'rgb-nchw-fixed4.onnx',
    classes: COLOURS,
    outputs: 4,
    channels: 3,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'logits',
    batch: 4,
  },
  {
    file: 'nhwc-uint8.onnx',
    classes: COLOURS,
    outputs: 4,
    channels: 3,
    layout: 'NHWC',
    dtype: 'uint8',
    outputName: 'logits',
  },
  {
    file: 'probs.onnx',
    classes: COLOURS,
    outputs: 4,
    channels: 3,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'probs',
  },
  {
    file: 'gray-nchw.onnx',
    classes: ['light', 'dark'],
    outputs: 2,
    channels: 1,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'logits',
  },
  {
    file: 'linear-identity.onnx',
    classes: ['mean-c0', 'mean-c1', 'mean-c2', 'c0-tl-minus-br'],
    outputs: 4,
    channels: 3,
    layout: 'NCHW',
    dtype: 'float32',
    outputName: 'logits',
  },
];

/**
 * A model that must be refused with exit code 2: a real ONNX model VisionGate cannot use, or
 * a file that is not a model.
 */
export type BadModel =
  | { kind: 'fixture'; file: 'two-inputs.onnx' | 'nan.onnx' }
  | { kind: 'bytes'; what: 'empty' | 'text' | 'png' | 'truncated' | 'random'; seed: number }
  | { kind: 'missing' }
  | { kind: 'folder' };

export function badModelArb(): fc.Arbitrary<BadModel> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('fixture' as const),
      file: fc.constantFrom('two-inputs.onnx' as const, 'nan.onnx' as const),
    }),
    fc.record({
      kind: fc.constant('bytes' as const),
      what: fc.constantFrom(
        'empty' as const,
        'text' as const,
        'png' as const,
        'truncated' as const,
        'random' as const,
      ),
      seed: fc.integer({ min: 1, max: 1 << 30 }),
    }),
    fc.constant({ kind: 'missing' as const }),
    fc.constant({ kind: 'folder' as const }),
  );
}

/** The bytes of a bad model file (undefined: write none / a folder). */
export async function badModelBytes(m: BadModel): Promise<Buffer | undefined> {
  if (m.kind === 'fixture') return readFile(path.join(MODELS_DIR, m.file));
  if (m.kind !== 'bytes') return undefined;
  const good = await readFile(path.join(MODELS_DIR, 'rgb-nchw-dynamic.onnx'));
  const random = createRandom(m.seed);
  switch (m.what) {
    case 'empty':
      return Buffer.alloc(0);
    case 'text':
      return Buffer.from('this is not a model\n');
    case 'png':
      return readFile(path.resolve(MODELS_DIR, '../images/rgb-quadrants.png'));
    case 'truncated':
      return good.subarray(0, 1 + (m.seed % (good.length - 1)));
    case 'random':
      return Buffer.from(Array.from({ length: 1 + (m.seed % 300) }, () => random.nextInt(256)));
  }
}
