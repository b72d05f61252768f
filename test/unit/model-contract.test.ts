import { describe, expect, it } from 'vitest';
import {
  inputContractSchema,
  outputContractSchema,
  type InputContractConfig,
} from '../../src/config/schema.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { batchDims, defaultBatchSize, resolveContract } from '../../src/model/contract.js';
import type { ValueInfo } from '../../src/model/runtime.js';

/** Config objects go through the zod schema so defaults are exactly what users get. */
const inCfg = (raw: Record<string, unknown> = {}): InputContractConfig =>
  inputContractSchema.parse(raw);
const outCfg = (raw: Record<string, unknown> = {}) => outputContractSchema.parse(raw);

const input = (dims: (number | string)[], type = 'float32', name = 'input'): ValueInfo => ({
  name,
  type,
  dims,
});
const LOGITS: ValueInfo = { name: 'logits', type: 'float32', dims: ['N', 10] };

function resolve(
  inputs: ValueInfo[],
  cfg: Record<string, unknown> = {},
  outputs: ValueInfo[] = [LOGITS],
  out: Record<string, unknown> = {},
) {
  return resolveContract('candidate', inputs, outputs, inCfg(cfg), outCfg(out));
}

function problem(f: () => unknown): UserError {
  try {
    f();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).kind).toBe('model');
    expect((error as Error).message).toMatch(/^candidate model: /);
    return error as UserError;
  }
  throw new Error('expected a model contract error');
}

describe('resolveContract: layout and channels', () => {
  it('NCHW from a channel dim of 3 at index 1; defaults: rgb, 1/255, mean 0, std 1', () => {
    const c = resolve([input(['N', 3, 224, 224])]);
    expect(c).toEqual({
      inputName: 'input',
      outputName: 'logits',
      geometry: {
        width: 224,
        height: 224,
        mode: 'stretch',
        resampler: { library: 'pillow', interpolation: 'bilinear' },
        exif: false,
        pad: '#000000',
      },
      tensor: {
        layout: 'NCHW',
        channels: 'rgb',
        dtype: 'float32',
        scale: 1 / 255,
        mean: [0],
        std: [1],
      },
      outputClasses: 10,
      outputType: 'auto',
    });
    expect(batchDims(c, 4)).toEqual([4, 3, 224, 224]);
  });

  it('NHWC from a channel dim at index 3; 1 channel means gray', () => {
    const c = resolve([input([-1, 28, 32, 1])]);
    expect(c.tensor.layout).toBe('NHWC');
    expect(c.tensor.channels).toBe('gray');
    // [N, H, W, C]: height 28, width 32.
    expect(c.geometry).toMatchObject({ height: 28, width: 32 });
    expect(batchDims(c, 2)).toEqual([2, 28, 32, 1]);
  });

  it('NCHW with 1 channel: gray, and height/width read from dims 2 and 3', () => {
    const c = resolve([input(['batch', 1, 20, 30])]);
    expect(c.tensor).toMatchObject({ layout: 'NCHW', channels: 'gray' });
    expect(c.geometry).toMatchObject({ height: 20, width: 30 });
  });

  it('ambiguous layout ([N, 3, 8, 3]) asks for model.input.layout, and config resolves it', () => {
    const e = problem(() => resolve([input(['N', 3, 8, 3])]));
    expect(e.message).toContain('cannot tell the layout of input input [N, 3, 8, 3]');
    expect(e.message).toContain('set model.input.layout to NCHW or NHWC');
    expect(resolve([input(['N', 3, 8, 3])], { layout: 'NHWC' }).geometry).toMatchObject({
      height: 3,
      width: 8,
    });
  });

  it('fully symbolic dims cannot tell the layout either', () => {
    const e = problem(() => resolve([input(['N', 'C', 'H', 'W'])], { size: 8 }));
    expect(e.message).toContain('[N, C, H, W]');
    expect(e.message).toContain('model.input.layout');
  });

  it('a layout from config that makes the channel dim 224 is refused, naming the key', () => {
    const e = problem(() => resolve([input(['N', 3, 224, 224])], { layout: 'NHWC' }));
    expect(e.message).toContain(
      'read as NHWC (model.input.layout) has 224 channels; supported: 1 (gray) or 3 (rgb/bgr)',
    );
  });

  it('channel count mismatch vs config names both', () => {
    const e = problem(() => resolve([input(['N', 3, 28, 28])], { channels: 'gray' }));
    expect(e.message).toBe(
      'candidate model: model.input.channels is gray (1 channel) but input input [N, 3, 28, 28] (NCHW) has 3',
    );
    const e2 = problem(() => resolve([input(['N', 1, 28, 28])], { channels: 'bgr' }));
    expect(e2.message).toContain('model.input.channels is bgr (3 channels)');
    expect(e2.message).toContain('has 1');
  });

  it('bgr from config is kept', () => {
    expect(resolve([input(['N', 3, 8, 8])], { channels: 'bgr' }).tensor.channels).toBe('bgr');
  });
});

describe('resolveContract: size', () => {
  it('config size that contradicts fixed dims is refused with both sizes', () => {
    const e = problem(() => resolve([input(['N', 3, 224, 224])], { size: 256 }));
    expect(e.message).toBe(
      'candidate model: model.input.size is [256, 256] but input input [N, 3, 224, 224] (NCHW) expects [224, 224]',
    );
  });

  it('config size that agrees with fixed dims is fine; [h, w] order', () => {
    const c = resolve([input(['N', 3, 100, 200])], { size: [100, 200] });
    expect(c.geometry).toMatchObject({ height: 100, width: 200 });
    const e = problem(() => resolve([input(['N', 3, 100, 200])], { size: [200, 100] }));
    expect(e.message).toContain('model.input.size is [200, 100]');
    expect(e.message).toContain('expects [100, 200]');
  });

  it('dynamic height/width needs model.input.size', () => {
    const e = problem(() => resolve([input(['N', 3, 'height', 'width'])]));
    expect(e.message).toBe(
      'candidate model: input input [N, 3, height, width] has a dynamic height or width: set model.input.size',
    );
    const c = resolve([input(['N', 3, -1, -1])], { size: [64, 48] });
    expect(c.geometry).toMatchObject({ height: 64, width: 48 });
  });

  it('one fixed and one dynamic dim: config must agree on the fixed one', () => {
    const e = problem(() => resolve([input(['N', 3, 64, 'w'])], { size: [32, 48] }));
    expect(e.message).toContain('expects [64, ?]');
    expect(resolve([input(['N', 3, 64, 'w'])], { size: [64, 48] }).geometry).toMatchObject({
      height: 64,
      width: 48,
    });
  });

  it('resize options flow into the geometry', () => {
    const c = resolve([input(['N', 3, 224, 224])], {
      resize: { mode: 'center-crop', resizeTo: 256, interpolation: 'bicubic' },
      background: '#ffffff',
    });
    expect(c.geometry).toEqual({
      width: 224,
      height: 224,
      mode: 'center-crop',
      resampler: { library: 'pillow', interpolation: 'bicubic' },
      resizeTo: 256,
      exif: false,
      background: '#ffffff',
      pad: '#ffffff',
    });
  });

  it("each library's loader defaults: EXIF and 114-grey padding for opencv, antialias on for torchvision", () => {
    const g = (resize: Record<string, unknown>, more: Record<string, unknown> = {}) =>
      resolve([input(['N', 3, 64, 64])], { resize, ...more }).geometry;
    expect(g({ library: 'opencv', mode: 'letterbox' })).toMatchObject({
      resampler: { library: 'opencv', interpolation: 'linear' },
      exif: true,
      pad: '#727272',
    });
    expect(g({ library: 'opencv' })).not.toHaveProperty('background');
    expect(g({ library: 'torchvision' }).resampler).toEqual({
      library: 'torchvision',
      interpolation: 'bilinear',
      antialias: true,
    });
    expect(g({ library: 'torchvision', interpolation: 'nearest' }).resampler).toEqual({
      library: 'torchvision',
      interpolation: 'nearest',
      antialias: false,
    });
    expect(g({ library: 'torchvision', antialias: false }).resampler).toMatchObject({
      antialias: false,
    });
    // Explicit options win over the library's defaults.
    expect(g({ library: 'opencv', pad: '#000000' }, { exif: false })).toMatchObject({
      exif: false,
      pad: '#000000',
    });
    expect(g({ library: 'pillow' }, { exif: true, background: '#102030' })).toMatchObject({
      exif: true,
      background: '#102030',
      pad: '#102030',
    });
  });
});

describe('resolveContract: batch', () => {
  it('a fixed batch of 1 is detected; a symbolic or -1 batch is not fixed', () => {
    expect(resolve([input([1, 3, 8, 8])]).fixedBatch).toBe(1);
    expect(resolve([input([8, 3, 8, 8])]).fixedBatch).toBe(8);
    expect(resolve([input(['N', 3, 8, 8])])).not.toHaveProperty('fixedBatch');
    expect(resolve([input([-1, 3, 8, 8])])).not.toHaveProperty('fixedBatch');
  });
});

describe('defaultBatchSize', () => {
  const rgb = (side: number | string) => resolve([input(['N', 3, side, side])]);
  it('is 32 for small and mid-sized inputs', () => {
    expect(defaultBatchSize([resolve([input(['N', 1, 28, 28])])])).toBe(32);
    expect(defaultBatchSize([rgb(224)])).toBe(32);
    // 2^23 / (3 · 295²) = 32.1: the last side that keeps 32.
    expect(defaultBatchSize([rgb(295)])).toBe(32);
    expect(defaultBatchSize([rgb(296)])).toBe(31);
  });
  it('keeps a batch input tensor near 2^23 values for large inputs, never below 1', () => {
    expect(defaultBatchSize([rgb(512)])).toBe(10); // 8388608 / 786432 = 10.67
    expect(defaultBatchSize([rgb(1024)])).toBe(2); // 2.67
    expect(defaultBatchSize([rgb(4096)])).toBe(1); // 0.17
    // Gray inputs count one channel: 8388608 / 512² = 32.
    expect(defaultBatchSize([resolve([input(['N', 1, 512, 512])])])).toBe(32);
  });
  it("takes the smallest over the models, and the candidate's fixed batch first", () => {
    expect(defaultBatchSize([rgb(224), rgb(512)])).toBe(10);
    expect(defaultBatchSize([resolve([input([4, 3, 1024, 1024])]), rgb(224)])).toBe(4);
    expect(defaultBatchSize([])).toBe(32);
  });
});

describe('resolveContract: dtype and normalisation', () => {
  it('uint8 input: raw pixels, scale 1', () => {
    const c = resolve([input(['N', 8, 8, 3], 'uint8')]);
    expect(c.tensor).toEqual({
      layout: 'NHWC',
      channels: 'rgb',
      dtype: 'uint8',
      scale: 1,
      mean: [0],
      std: [1],
    });
  });

  it('uint8 with mean, std or scale is refused, naming the keys that are set', () => {
    for (const [cfg, keys] of [
      [{ mean: 0.5 }, 'model.input.mean'],
      [{ std: [0.2, 0.2, 0.2] }, 'model.input.std'],
      [{ scale: 0.5, mean: 0.1 }, 'model.input.scale, model.input.mean'],
    ] as const) {
      const e = problem(() => resolve([input(['N', 8, 8, 3], 'uint8')], cfg));
      expect(e.message).toContain(
        `${keys}: input input is uint8 (raw 0-255 pixels), and scale, mean and std apply to float32 inputs only`,
      );
    }
  });

  it('model.input.dtype contradicting the model is refused', () => {
    const e = problem(() => resolve([input(['N', 3, 8, 8])], { dtype: 'uint8' }));
    expect(e.message).toBe(
      'candidate model: model.input.dtype is uint8 but input input is float32',
    );
  });

  it('an unsupported element type is refused', () => {
    const e = problem(() => resolve([input(['N', 3, 8, 8], 'float16')]));
    expect(e.message).toContain('element type float16; supported: float32, uint8');
  });

  it('per-channel mean/std are kept; one value is kept as one', () => {
    const c = resolve([input(['N', 3, 8, 8])], {
      scale: 0.5,
      mean: [0.485, 0.456, 0.406],
      std: 0.25,
    });
    expect(c.tensor).toMatchObject({ scale: 0.5, mean: [0.485, 0.456, 0.406], std: [0.25] });
  });

  it('mean with the wrong number of values is refused', () => {
    const e = problem(() => resolve([input(['N', 3, 8, 8])], { mean: [0.5, 0.5] }));
    expect(e.message).toBe(
      'candidate model: model.input.mean has 2 values; give 1 or 3 (one per rgb channel)',
    );
    // A gray input takes exactly one value.
    const g = problem(() => resolve([input(['N', 1, 8, 8])], { std: [0.2, 0.2, 0.2] }));
    expect(g.message).toBe('candidate model: model.input.std has 3 values; a gray input takes 1');
  });

  it('std 0 is refused (it would divide by zero)', () => {
    expect(problem(() => resolve([input(['N', 3, 8, 8])], { std: 0 })).message).toContain(
      'model.input.std must not contain 0',
    );
    expect(
      problem(() => resolve([input(['N', 3, 8, 8])], { std: [0.2, 0, 0.2] })).message,
    ).toContain('model.input.std must not contain 0');
  });
});

describe('resolveContract: inputs and outputs', () => {
  it('two inputs are refused, listing them', () => {
    const e = problem(() =>
      resolve([input(['N', 3, 8, 8], 'float32', 'a'), input(['N', 3, 8, 8], 'float32', 'b')]),
    );
    expect(e.message).toContain(
      'the model has 2 inputs (a float32 [N, 3, 8, 8]; b float32 [N, 3, 8, 8])',
    );
    expect(e.message).toContain('exactly one image tensor');
  });

  it('two inputs are refused even when model.input.name picks one', () => {
    const e = problem(() =>
      resolve([input(['N', 3, 8, 8], 'float32', 'a'), input(['N', 3, 8, 8], 'float32', 'b')], {
        name: 'a',
      }),
    );
    expect(e.message).toContain('the model has 2 inputs');
  });

  it('an unknown input name lists the inputs that exist', () => {
    const e = problem(() =>
      resolve([input(['N', 3, 8, 8], 'float32', 'pixel_values')], { name: 'images' }),
    );
    expect(e.message).toBe(
      'candidate model: input "images" (model.input.name) is not in the model; its inputs are: pixel_values float32 [N, 3, 8, 8]',
    );
  });

  it('an input that is not 4-D is refused', () => {
    const e = problem(() => resolve([input(['N', 784])]));
    expect(e.message).toContain(
      'input input has shape [N, 784]; an image classifier input must have 4 dims',
    );
  });

  it('output by name, or the first output by default', () => {
    const outs: ValueInfo[] = [
      { name: 'logits', type: 'float32', dims: ['N', 10] },
      { name: 'probs', type: 'float32', dims: ['N', 10] },
    ];
    expect(resolve([input(['N', 3, 8, 8])], {}, outs).outputName).toBe('logits');
    expect(
      resolve([input(['N', 3, 8, 8])], {}, outs, { name: 'probs', type: 'probabilities' }),
    ).toMatchObject({
      outputName: 'probs',
      outputType: 'probabilities',
    });
  });

  it('an unknown output name lists the outputs that exist', () => {
    const e = problem(() => resolve([input(['N', 3, 8, 8])], {}, [LOGITS], { name: 'scores' }));
    expect(e.message).toBe(
      'candidate model: output "scores" (model.output.name) is not in the model; its outputs are: logits float32 [N, 10]',
    );
  });

  it('an output that is not [N, K] is refused', () => {
    for (const dims of [['N'], ['N', 10, 5], ['N', 7, 7, 10]] as (number | string)[][]) {
      const e = problem(() =>
        resolve([input(['N', 3, 8, 8])], {}, [{ name: 'out', type: 'float32', dims }]),
      );
      expect(e.message).toContain('expected class scores [batch, classes]');
      expect(e.message).toContain(`output out has shape [${dims.join(', ')}]`);
    }
  });

  it('singleton dims around the classes are accepted ([N, 1, 10] has 10 classes)', () => {
    const c = resolve([input(['N', 3, 8, 8])], {}, [
      { name: 'out', type: 'float32', dims: ['N', 1, 10] },
    ]);
    expect(c.outputClasses).toBe(10);
  });

  it('a symbolic class dim leaves outputClasses unset', () => {
    const c = resolve([input(['N', 3, 8, 8])], {}, [
      { name: 'out', type: 'float32', dims: ['N', 'K'] },
    ]);
    expect(c).not.toHaveProperty('outputClasses');
  });

  it('no inputs / no outputs', () => {
    expect(problem(() => resolve([])).message).toBe('candidate model: the model has no inputs');
    expect(problem(() => resolve([input(['N', 3, 8, 8])], {}, [])).message).toBe(
      'candidate model: the model has no outputs',
    );
  });

  it('the label names the model in messages', () => {
    try {
      resolveContract('baseline', [], [LOGITS], inCfg(), outCfg());
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('baseline model: the model has no inputs');
    }
  });

  it('the file, when given, is named too (a second input has no config key to point at)', () => {
    const two = [input(['N', 3, 8, 8]), { ...input(['N', 3, 8, 8]), name: 'b' }];
    try {
      resolveContract('candidate', two, [LOGITS], inCfg(), outCfg(), 'models/two.onnx');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^candidate model models\/two\.onnx: the model has 2 inputs/,
      );
    }
  });
});
