/**
 * Detection decoders on real ONNX Runtime outputs of tiny constant models
 * (scripts/make-detection-fixtures.py), expected detections worked by hand; and the raw head of
 * the example detector decoded against Ultralytics' validation NMS rules run with
 * torchvision.ops.nms (scripts/make-detection-example.py, test/fixtures/detection/).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import type { DetectionConvention } from '../../src/config/task.js';
import { decodeDetections, resolveDetectionOutputs } from '../../src/model/detection/convention.js';
import type { OutputTensor } from '../../src/model/detection/tensor.js';
import { decodeYoloV8 } from '../../src/model/detection/yolo.js';
import { describeSession } from '../../src/model/ort-session.js';

const f = Math.fround;

async function runFixture(name: string) {
  const session = await ort.InferenceSession.create(
    new URL(`../fixtures/models/detection-${name}.onnx`, import.meta.url).pathname,
  );
  const { outputs } = describeSession(session);
  const result = await session.run({
    images: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]),
  });
  const tensors = new Map<string, OutputTensor>(
    Object.entries(result).map(([k, v]) => [
      k,
      { name: k, dims: v.dims, data: v.data as OutputTensor['data'] },
    ]),
  );
  await session.release();
  return { outputs, tensors };
}

async function decodeFixture(name: string, numClasses: number, options = {}) {
  const { outputs, tensors } = await runFixture(name);
  const resolved = resolveDetectionOutputs('candidate', outputs, numClasses);
  return {
    resolved,
    detections: decodeDetections(resolved, tensors, numClasses, { width: 32, height: 32 }, options),
  };
}

const det = (box: number[], score: number, classIndex: number) => ({ box, score, classIndex });

describe('detection output conventions on real ONNX Runtime outputs', () => {
  it('raw [N, 4+C, A]: multi-label candidates, class-aware NMS, stable ties', async () => {
    const { resolved, detections } = await decodeFixture('yolo-v8', 2);
    expect(resolved).toEqual({ convention: 'yolo-v8', outputs: ['output0'] });
    // a0 c0 0.9 kept; a4 (same box, same score, later) and a1 c0 (IoU 360/440 > 0.7) suppressed;
    // a1 c1 0.6 kept and suppresses a0 c1 0.05 (IoU 0.82); a3 gives both classes at 0.3;
    // a2 (0.0005) is below the confidence.
    expect(detections).toEqual([
      [
        det([40, 40, 60, 60], f(0.9), 0),
        det([42, 40, 62, 60], f(0.6), 1),
        det([5, 75, 35, 85], f(0.3), 0),
        det([5, 75, 35, 85], f(0.3), 1),
      ],
    ]);
  });

  it('raw [N, 4+C, A] single-label and with a higher confidence', async () => {
    const { detections } = await decodeFixture('yolo-v8', 2, { multiLabel: false });
    expect(detections[0]!.map((d) => [d.classIndex, d.score])).toEqual([
      [0, f(0.9)],
      [0, f(0.3)],
    ]);
    const { detections: high } = await decodeFixture('yolo-v8', 2, { confidence: 0.5 });
    expect(high[0]!.map((d) => [d.classIndex, d.score])).toEqual([
      [0, f(0.9)],
      [1, f(0.6)],
    ]);
  });

  it('raw [N, A, 5+C]: objectness × class score in float32', async () => {
    const { resolved, detections } = await decodeFixture('yolo-v5', 2);
    expect(resolved.convention).toBe('yolo-v5');
    expect(detections).toEqual([
      [
        det([40, 40, 60, 60], f(f(0.8) * f(0.9)), 0),
        det([6, 6, 14, 14], f(0.25), 0),
        det([6, 6, 14, 14], f(0.25), 1),
        det([40, 40, 60, 60], f(f(0.1) * f(0.9)), 1),
      ],
    ]);
  });

  it('post-NMS boxes / scores / labels: padding dropped, score order', async () => {
    const { resolved, detections } = await decodeFixture('boxes-scores-labels', 2);
    expect(resolved).toEqual({
      convention: 'boxes-scores-labels',
      outputs: ['boxes', 'scores', 'labels'],
    });
    expect(detections).toEqual([[det([5, 5, 9, 9], f(0.9), 0), det([1, 2, 3, 4], f(0.8), 1)]]);
  });

  it('[N, K, 6] end-to-end rows', async () => {
    const { resolved, detections } = await decodeFixture('end-to-end', 2);
    expect(resolved.convention).toBe('end-to-end');
    expect(detections).toEqual([[det([5, 6, 7, 8], f(0.95), 0), det([1, 2, 3, 4], f(0.7), 1)]]);
  });

  it('DETR: softmax with a no-object class, boxes scaled to the input', async () => {
    const { resolved, detections } = await decodeFixture('detr', 2);
    expect(resolved.convention).toBe('detr');
    const e = Math.exp;
    // query 0: softmax(2, 0, 0)[0]; query 1: best real class 0 at softmax(0, 0, 3)[0].
    const d = detections[0]!;
    expect(d.map((x) => x.classIndex)).toEqual([0, 0]);
    expect(d[0]!.score).toBeCloseTo(e(2) / (e(2) + 2), 6);
    expect(d[1]!.score).toBeCloseTo(1 / (2 + e(3)), 6);
    expect(d[0]!.box).toEqual([12, 8, 20, 24]);
    expect(d[1]!.box).toEqual([6, 6, 10, 10]);
  });

  it('RT-DETR: sigmoid, top-k over queries × classes', async () => {
    const { resolved, detections } = await decodeFixture('rt-detr', 2);
    expect(resolved.convention).toBe('rt-detr');
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    // Q = 2 picks from the 4 scores: query 0 class 0 (σ2) and query 0 class 1 (σ1).
    const d = detections[0]!;
    expect(d.map((x) => [x.classIndex, x.box])).toEqual([
      [0, [12, 8, 20, 24]],
      [1, [12, 8, 20, 24]],
    ]);
    expect(d[0]!.score).toBeCloseTo(s(2), 6);
    expect(d[1]!.score).toBeCloseTo(s(1), 6);
  });
});

describe('convention detection', () => {
  const info = (name: string, dims: (number | string)[], type = 'float32') => ({
    name,
    type,
    dims,
  });

  it('needs the class count to tell DETR from RT-DETR, and says so', () => {
    const outs = [info('logits', [1, 100, 92]), info('pred_boxes', [1, 100, 4])];
    expect(resolveDetectionOutputs('m', outs, 91).convention).toBe('detr');
    expect(resolveDetectionOutputs('m', outs, 92).convention).toBe('rt-detr');
    expect(() => resolveDetectionOutputs('m', outs, undefined)).toThrow(/fit no detection/);
  });

  it('tells [N, 4+C, A] from [N, A, 5+C] by the class count', () => {
    expect(resolveDetectionOutputs('m', [info('output0', [1, 84, 8400])], 80).convention).toBe(
      'yolo-v8',
    );
    expect(resolveDetectionOutputs('m', [info('output0', [1, 25200, 85])], 80).convention).toBe(
      'yolo-v5',
    );
    expect(
      resolveDetectionOutputs('m', [info('output0', ['batch', 84, 8400])], undefined).convention,
    ).toBe('yolo-v8');
  });

  it('an [N, 6, 6] output with 2 classes is ambiguous: asks for the config', () => {
    try {
      resolveDetectionOutputs('candidate', [info('output0', [1, 6, 6])], 2);
      expect.unreachable();
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /candidate model: its outputs output0 float32 \[1, 6, 6\] could be 'yolo-v8' or 'end-to-end' with 2 classes: set model.output.convention/,
      );
    }
    const c: DetectionConvention = 'end-to-end';
    expect(resolveDetectionOutputs('m', [info('output0', [1, 6, 6])], 2, c).convention).toBe(c);
  });

  it('a config that contradicts the model names both sides', () => {
    expect(() =>
      resolveDetectionOutputs('baseline', [info('output0', [1, 84, 8400])], 80, 'detr'),
    ).toThrow(
      "baseline model: model.output.convention is 'detr' (DETR logits [N, Q, C+1] + pred_boxes) but the model's outputs are output0 float32 [1, 84, 8400] with 80 classes; they fit 'yolo-v8' (raw YOLOv8/v11 head [N, 4+C, A])",
    );
  });

  it('a class count that does not fit the head is an error naming the outputs', () => {
    expect(() => resolveDetectionOutputs('m', [info('output0', [1, 84, 8400])], 3)).toThrow(
      /output0 float32 \[1, 84, 8400\] fit no detection convention VisionGate decodes with 3 classes/,
    );
  });
});

interface DecodeGolden {
  images: {
    shape: number[];
    output: number[];
    detections: number[][];
    detectionsConf25Iou45Max5: number[][];
  }[];
}
const golden = JSON.parse(
  readFileSync(new URL('../fixtures/detection/yolo-decode.json', import.meta.url), 'utf8'),
) as DecodeGolden;

describe('the example detector head, against Ultralytics NMS rules with torchvision', () => {
  golden.images.forEach((im, i) => {
    it(`image ${i}: the same detections, bit for bit in float32`, () => {
      const t: OutputTensor = {
        name: 'output0',
        dims: im.shape,
        data: Float32Array.from(im.output),
      };
      const rows = (d: ReturnType<typeof decodeYoloV8>) =>
        d[0]!.map((x) => [...x.box, x.score, x.classIndex]);
      const got = rows(decodeYoloV8(t));
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(im.detections);
      expect(rows(decodeYoloV8(t, { confidence: 0.25, iou: 0.45, maxDetections: 5 }))).toEqual(
        im.detectionsConf25Iou45Max5,
      );
    });
  });
});
