import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isUserError } from '../../src/errors.js';
import {
  chooseClasses,
  modelMetadataSources,
  type ClassSource,
} from '../../src/init/class-sources.js';
import { configName } from '../../src/init/init.js';
import { ASSUMED_SIZE, planInput } from '../../src/init/input-plan.js';
import {
  hintsFromOnnxMetadata,
  hintsFromPreprocessorConfig,
  type PreprocessingHints,
} from '../../src/init/preprocessing-hints.js';
import { flow, renderYaml, scalar } from '../../src/init/render-yaml.js';
import { DOCS_WORKFLOW_OPTIONS, workflowFiles } from '../../src/init/workflows.js';
import type { ValueInfo } from '../../src/model/runtime.js';

describe('render-yaml', () => {
  it('writes strings plain only when they read back unchanged, in a list too', () => {
    const tricky = [
      'cat',
      'T-shirt/top',
      'Ankle boot',
      '../data/x.csv',
      'yes', // a YAML 1.1 boolean
      'No',
      'null',
      '1.0', // a number if plain
      '0x1A',
      '#1', // a comment if plain
      'a: b',
      'a, b',
      '[x]',
      '',
      ' lead',
      'trail ',
      "it's",
      'quote"d',
      '~',
    ];
    for (const s of tricky) {
      expect(parse(`k: ${scalar(s)}`), s).toEqual({ k: s });
      expect(parse(`k: ${flow([s, s])}`), s).toEqual({ k: [s, s] });
    }
    expect(scalar('cat')).toBe('cat');
    expect(scalar('T-shirt/top')).toBe('T-shirt/top');
    expect(scalar('yes')).toBe('"yes"');
    expect(scalar('#1')).toBe('"#1"');
  });

  it('renders keys, flow values, list items and comments that read back as the same data', () => {
    const text = renderYaml([
      { kind: 'comment', text: 'top' },
      { kind: 'pair', key: 'name', value: 'x' },
      {
        kind: 'pair',
        key: 'model',
        children: [
          { kind: 'pair', key: 'mean', value: [0.485, 0.456, 0.406] },
          { kind: 'pair', key: 'resize', value: { mode: 'center-crop', resizeTo: 256 } },
          { kind: 'commented', lines: ['channels: bgr'] },
        ],
      },
      { kind: 'blank' },
      {
        kind: 'pair',
        key: 'gates',
        children: [{ kind: 'item', value: { metric: 'accuracy', maxDrop: 0.02 } }],
      },
    ]);
    expect(text).toContain('  resize: { mode: center-crop, resizeTo: 256 }\n');
    expect(text).toContain('  # channels: bgr\n');
    expect(parse(text)).toEqual({
      name: 'x',
      model: { mean: [0.485, 0.456, 0.406], resize: { mode: 'center-crop', resizeTo: 256 } },
      gates: [{ metric: 'accuracy', maxDrop: 0.02 }],
    });
  });

  it('wraps comments to 100 columns without breaking a bracketed group', () => {
    const long = `${'word '.repeat(17)}mean: [0.485, 0.456, 0.406] and more words after it`;
    const lines = renderYaml([
      {
        kind: 'pair',
        key: 'a',
        children: [
          { kind: 'comment', text: long },
          { kind: 'pair', key: 'b', value: 1 },
        ],
      },
    ]).split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines.some((l) => l.includes('[0.485, 0.456, 0.406]'))).toBe(true);
  });
});

describe('preprocessing hints', () => {
  it('ConvNeXt (crop_pct): resize the shorter side to int(224 / 0.875) = 256, crop 224', () => {
    const h = hintsFromPreprocessorConfig(
      {
        image_processor_type: 'ConvNextImageProcessor',
        crop_pct: 0.875,
        size: { shortest_edge: 224 },
        resample: 3,
        image_mean: [0.485, 0.456, 0.406],
        image_std: [0.229, 0.224, 0.225],
        rescale_factor: 0.00392156862745098,
      },
      'p.json',
    );
    expect(h.resize).toEqual({ mode: 'center-crop', resizeTo: 256, interpolation: 'bicubic' });
    expect(h.size).toEqual([224, 224]);
    expect(h.mean).toEqual([0.485, 0.456, 0.406]);
    expect(h.std).toEqual([0.229, 0.224, 0.225]);
    expect(h.scale).toBe(1 / 255);
    // At 384 and above ConvNeXt warps to a square without cropping.
    const big = hintsFromPreprocessorConfig({ crop_pct: 0.875, size: { shortest_edge: 384 } }, 'p');
    expect(big.resize).toEqual({ mode: 'stretch' });
    expect(big.size).toEqual([384, 384]);
  });

  it('shortest_edge + centre crop is Resize + CenterCrop; height/width is a plain resize', () => {
    const crop = hintsFromPreprocessorConfig(
      {
        size: { shortest_edge: 256 },
        do_center_crop: true,
        crop_size: { height: 224, width: 224 },
        resample: 2,
      },
      'p',
    );
    expect(crop.resize).toEqual({ mode: 'center-crop', resizeTo: 256, interpolation: 'bilinear' });
    expect(crop.size).toEqual([224, 224]);
    const vit = hintsFromPreprocessorConfig(
      { size: { height: 224, width: 224 }, do_normalize: false, do_rescale: false },
      'p',
    );
    expect(vit.resize).toEqual({ mode: 'stretch' });
    expect(vit.size).toEqual([224, 224]);
    expect([vit.scale, vit.mean, vit.std]).toEqual([1, [0], [1]]);
    const legacy = hintsFromPreprocessorConfig({ size: 32, resample: 0 }, 'p');
    expect(legacy.resize).toEqual({ mode: 'stretch', interpolation: 'nearest' });
    expect(legacy.size).toEqual([32, 32]);
  });

  it('ONNX image metadata: pixel format and nominal range, case-insensitive', () => {
    const bgr = hintsFromOnnxMetadata({
      'Image.BitmapPixelFormat': 'Bgr8',
      'Image.NominalPixelRange': 'Normalized_1_1',
    });
    expect(bgr.channels).toBe('bgr');
    // (x/255 − 0.5) / 0.5 maps 0 → −1 and 255 → 1.
    expect([bgr.scale, bgr.mean, bgr.std]).toEqual([1 / 255, [0.5], [0.5]]);
    const raw = hintsFromOnnxMetadata({ 'image.nominalpixelrange': 'NOMINALRANGE_0_255' });
    expect([raw.scale, raw.mean, raw.std]).toEqual([1, [0], [1]]);
    const studio = hintsFromOnnxMetadata({ 'Image.NominalPixelRange': 'NominalRange_16_235' });
    expect(studio.scale).toBeUndefined();
    expect(studio.ignored[0]).toContain('cannot be expressed');
    expect(hintsFromOnnxMetadata({ imgsz: '[320, 256]' }).size).toEqual([320, 256]);
  });
});

const f32 = (dims: (number | string)[]): ValueInfo[] => [{ name: 'x', type: 'float32', dims }];
const out4: ValueInfo[] = [{ name: 'y', type: 'float32', dims: ['N', 4] }];
const noHints = (): PreprocessingHints => ({ from: {}, ignored: [] });

describe('planInput', () => {
  it('reads what the shape settles and assumes the rest, saying so', () => {
    const p = planInput('candidate', f32(['N', 3, 32, 32]), out4, noHints());
    expect(p.layout).toEqual({ value: 'NCHW', how: 'model' });
    expect(p.size).toEqual({ value: [32, 32], how: 'model' });
    expect(p.channels.how).toBe('assumed');
    expect(p.normalisation).toEqual({
      value: { scale: 1 / 255, mean: [0], std: [1] },
      how: 'assumed',
    });
    expect(p.settings).toEqual({
      resize: { mode: 'stretch', library: 'pillow', interpolation: 'bilinear' },
      mean: 0,
      std: 1,
    });
  });

  it('a shape that tells neither layout nor size: NCHW and 224 assumed, and the run accepts them', () => {
    const p = planInput('candidate', f32(['N', 'C', 'H', 'W']), out4, noHints());
    expect(p.layout).toEqual({ value: 'NCHW', how: 'assumed' });
    expect(p.size).toEqual({ value: [ASSUMED_SIZE, ASSUMED_SIZE], how: 'assumed' });
    expect(p.settings.layout).toBe('NCHW');
    expect(p.settings.size).toEqual([224, 224]);
  });

  it('uint8 input: no normalisation; hints that do not fit the model are said, not used', () => {
    const u8 = planInput('candidate', [{ name: 'x', type: 'uint8', dims: ['N', 8, 8, 3] }], out4, {
      ...noHints(),
      mean: [0.5],
      std: [0.5],
      scale: 1 / 255,
      size: [224, 224],
      from: { mean: 'm', std: 'm', scale: 'm', size: 'imgsz' },
    });
    expect(u8.normalisation).toBeUndefined();
    expect(u8.settings.mean).toBeUndefined();
    expect(u8.ignored.join('\n')).toContain('uint8');
    expect(u8.ignored.join('\n')).toContain("imgsz: 224×224, but the model's input is 8×8");
    const gray = planInput('candidate', f32(['N', 1, 8, 8]), out4, {
      ...noHints(),
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      from: { mean: 'p.json', std: 'p.json' },
    });
    expect(gray.normalisation?.how).toBe('assumed');
    expect(gray.ignored.join('\n')).toContain('3 values for a 1-channel input');
  });

  it('a model the run cannot feed is refused with the run’s own message', () => {
    try {
      planInput('candidate', [...f32(['N', 3, 8, 8]), ...f32(['N', 3, 8, 8])], out4, noHints());
      throw new Error('accepted');
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toContain('the model has 2 inputs');
    }
  });
});

const src = (origin: ClassSource['origin'], classes: string[], where = origin): ClassSource => ({
  origin,
  where,
  classes,
});

describe('chooseClasses', () => {
  const labels = ['cat', 'dog', 'bird'];

  it('takes the best source whose length is the output size and that names every label', () => {
    const choice = chooseClasses(
      [
        src('dataset-file', ['bird', 'cat', 'dog']),
        src('model-metadata', ['cat', 'dog']), // 2 names for 3 outputs
        src('model-config', ['dog', 'cat', 'bird']),
        src('labels', ['bird', 'cat', 'dog']),
      ],
      labels,
      3,
    );
    expect(choice.chosen.origin).toBe('model-config');
    expect(choice.warnings).toContain(
      'model-metadata was not used: 2 names, but the model has 3 outputs',
    );
    expect(choice.warnings.join('\n')).toContain(
      'dataset-file disagrees with the list used: the same names in another order (position 0: "bird" instead of "dog")',
    );
  });

  it('a list that misses labels is not used; the same list elsewhere is noted as agreeing', () => {
    const choice = chooseClasses(
      [
        src('model-metadata', ['n01', 'n02', 'n03']),
        src('model-file', ['cat', 'dog', 'bird']),
        src('dataset-file', ['cat', 'dog', 'bird']),
      ],
      labels,
      3,
    );
    expect(choice.chosen.origin).toBe('model-file');
    expect(choice.warnings[0]).toBe(
      'model-metadata was not used: does not name the labels "cat", "dog", "bird"',
    );
    expect(choice.agreeing).toEqual(['dataset-file']);
  });

  it('labels that are class indices 0..K−1 get "0".."K−1" when no named list holds them', () => {
    const choice = chooseClasses([src('model-metadata', ['a', 'b', 'c', 'd'])], ['0', '3', '1'], 4);
    expect(choice.chosen.classes).toEqual(['0', '1', '2', '3']);
    expect(choice.warnings.join('\n')).toContain('the labels are class indices 0-3');
    // In numeric order: the labels sorted as strings would put "10" before "2".
    const twelve = Array.from({ length: 12 }, (_, i) => String(i));
    const sorted = [...twelve].sort();
    const many = chooseClasses([src('labels', sorted)], twelve, 12);
    expect(many.chosen.classes).toEqual(twelve);
  });

  it('nothing fits: a UserError listing each list and its problem', () => {
    try {
      chooseClasses([src('model-metadata', ['a', 'b'])], labels, 2);
      throw new Error('accepted');
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toContain('The model has 2 outputs; the data has 3 labels');
      expect((error as Error).message).toContain('model-metadata: does not name the labels');
    }
  });

  it('model metadata: "classes" JSON or a comma list, Ultralytics "names" (a Python dict)', () => {
    expect(modelMetadataSources({ classes: '["a", "b"]' }).sources[0]!.classes).toEqual(['a', 'b']);
    expect(modelMetadataSources({ labels: 'a, b,c' }).sources[0]!.classes).toEqual(['a', 'b', 'c']);
    const yolo = modelMetadataSources({ names: "{0: 'person', 1: 'bicycle', 2: \"it's\"}" });
    expect(yolo.sources[0]).toMatchObject({
      origin: 'model-names',
      classes: ['person', 'bicycle', "it's"],
    });
    expect(modelMetadataSources({ names: '{0: a, 2: b}' }).ignored[0]).toContain('"names"');
  });
});

describe('workflows and names', () => {
  it('quotes watched paths a shell would split, and uses the key it is given', () => {
    const files = workflowFiles({
      ...DOCS_WORKFLOW_OPTIONS,
      key: 'shop-cams',
      watch: ['my models/', "it's.onnx", 'data/'],
    });
    expect(files.pr).toContain(`-- 'my models/' 'it'\\''s.onnx' data/; then`);
    expect(files.pr).toContain('key: shop-cams');
    expect(files.baseline).toContain('key: shop-cams');
  });

  it('a config name from its folder, restricted to what the name key allows', () => {
    expect(configName('/home/me/Shop Cams (v2)')).toBe('Shop-Cams-v2');
    expect(configName('/')).toBe('default');
    expect(configName('/x/...')).toBe('default');
  });
});
