/** The detection keys of visiongate.yml: task inference, defaults, and keys of the wrong task. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { isUserError, type UserError } from '../../src/errors.js';

const FILE = '/project/ci/visiongate.yml';
const lines = (...l: string[]) => `${l.join('\n')}\n`;
const COCO = lines(
  'dataset:',
  '  format: coco',
  '  root: data/images',
  '  annotations: data/annotations.json',
  'model:',
  '  path: model.onnx',
);

function errorOf(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    const e = error as UserError;
    return [e.message, ...(e.details ?? [])].join('\n');
  }
  throw new Error('parseConfig accepted an invalid config');
}

describe('task', () => {
  it('is detection when the dataset format is coco, yolo or voc and the config names none', () => {
    expect(parseConfig(COCO, FILE).config.task).toBe('detection');
    for (const format of ['yolo', 'voc'])
      expect(
        parseConfig(
          lines('dataset:', `  format: ${format}`, '  root: d', 'model:', '  path: m.onnx'),
          FILE,
        ).config.task,
      ).toBe('detection');
  });

  it('stays classification otherwise, with the parsed config unchanged', () => {
    const { config } = parseConfig(
      lines('dataset:', '  root: d', 'model:', '  path: m.onnx'),
      FILE,
    );
    expect(config.task).toBe('classification');
    expect(config.metrics).toEqual({ topK: [1, 5] });
    expect(config.model.output).toEqual({ type: 'auto' });
  });

  it('refuses a detection format under task: classification, naming the line', () => {
    expect(errorOf(`task: classification\n${COCO}`)).toMatch(
      /visiongate\.yml:1.*coco is a detection format: remove task: classification/,
    );
  });

  it('refuses task: detection on a dataset without boxes', () => {
    expect(
      errorOf(lines('task: detection', 'dataset:', '  root: d', 'model:', '  path: m.onnx')),
    ).toMatch(
      /dataset\.format.*task: detection needs boxes: set dataset\.format to coco, yolo or voc/,
    );
  });
});

describe('detection keys', () => {
  it('leaves decode options unset (the decoder has the defaults) and parses them when given', () => {
    const { config } = parseConfig(
      COCO.replace(
        '  path: model.onnx\n',
        lines(
          '  path: model.onnx',
          '  output:',
          '    convention: yolo-v8',
          '    confidence: 0.01',
          '    iou: 0.6',
          '    maxDetections: 100',
        ),
      ) + lines('metrics:', '  detection:', '    scoreThreshold: 0.3'),
      FILE,
    );
    expect(config.model.output).toEqual({
      type: 'auto',
      convention: 'yolo-v8',
      confidence: 0.01,
      iou: 0.6,
      maxDetections: 100,
    });
    expect(config.metrics.detection).toEqual({ scoreThreshold: 0.3, iou: 0.5 });
  });

  it('coco needs its annotation file', () => {
    expect(
      errorOf(lines('dataset:', '  format: coco', '  root: d', 'model:', '  path: m.onnx')),
    ).toMatch(/dataset\.annotations.*COCO instances JSON/);
  });

  it('refuses detection keys in a classification config, naming each', () => {
    const message = errorOf(
      lines(
        'dataset:',
        '  root: d',
        '  split: val',
        'model:',
        '  path: m.onnx',
        '  output:',
        '    confidence: 0.2',
        'metrics:',
        '  detection: {}',
      ),
    );
    expect(message).toMatch(/dataset\.split applies to task: detection only/);
    expect(message).toMatch(/model\.output\.confidence applies to task: detection only/);
    expect(message).toMatch(/metrics\.detection applies to task: detection only/);
  });

  it("refuses classification's output type and a class list coco already has", () => {
    const message = errorOf(
      COCO.replace(
        '  path: model.onnx\n',
        lines('  path: model.onnx', '  output:', '    type: logits'),
      ).replace('  format: coco\n', lines('  format: coco', '  classes: [a, b]')),
    );
    expect(message).toMatch(/model\.output\.type .* applies to classification/);
    expect(message).toMatch(/coco names its classes \(categories\): remove dataset\.classes/);
  });

  it('accepts the robustness suite for detection, with box-moving and colour transforms', () => {
    const { config } = parseConfig(
      COCO +
        lines(
          'robustness:',
          '  corruptions: [fog]',
          '  transforms:',
          '    - { type: hflip }',
          '    - { type: translate, dx: 0.1, dy: 0 }',
          '    - { type: color_jitter, brightness: 1.2 }',
          '  gates:',
          '    maxMPCDrop: 0.02',
          '    minConsistency: 0.8',
        ),
      FILE,
    );
    expect(config.robustness?.transforms).toHaveLength(3);
    expect(config.robustness?.gates.maxMPCDrop).toBe(0.02);
  });

  it('refuses a transform that does not move boxes to boxes, naming the key and line', () => {
    const message = errorOf(
      COCO +
        lines(
          'robustness:',
          '  transforms:',
          '    - { type: hflip }',
          '    - { type: rotate, degrees: 10 }',
        ),
    );
    expect(message).toContain('robustness.transforms[1].type');
    expect(message).toContain('visiongate.yml:10:');
    expect(message).toMatch(/rotate does not move boxes to boxes/);
  });

  it("refuses classification's robustness gates for detection, naming the detection one", () => {
    expect(errorOf(COCO + lines('robustness:', '  gates:', '    maxRelativeMCE: 1.1'))).toMatch(
      /robustness\.gates\.maxRelativeMCE applies to task: classification only: for task: detection use maxRPCDrop/,
    );
    expect(
      errorOf(
        lines(
          'dataset:',
          '  root: data',
          'model:',
          '  path: m.onnx',
          'robustness:',
          '  gates:',
          '    minRPC: 0.5',
        ),
      ),
    ).toMatch(/robustness\.gates\.minRPC applies to task: detection only/);
  });

  it('names a convention it does not know, with the ones it does', () => {
    expect(
      errorOf(
        COCO.replace(
          '  path: model.onnx\n',
          lines('  path: model.onnx', '  output:', '    convention: yolov8'),
        ),
      ),
    ).toMatch(/yolo-v8/);
  });
});
