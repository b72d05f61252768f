import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  METRICS,
  resolveMetric,
  summariseMetrics,
  type ClassificationRecord,
} from '../../src/metrics/classification.js';
import { UnknownMetricError } from '../../src/metrics/values.js';

/** A record from a full probability vector, the way the engine derives one. */
function fromProbs(label: number, probs: number[]): ClassificationRecord {
  let pred = 0;
  for (let j = 1; j < probs.length; j++) if (probs[j]! > probs[pred]!) pred = j;
  const pTrue = probs[label]!;
  return {
    label,
    pred,
    conf: probs[pred]!,
    pTrue,
    rank: probs.filter((p) => p > pTrue).length,
    sumSq: probs.reduce((s, p) => s + p * p, 0),
  };
}

// Six hand-worked examples over 3 classes.
//   i  label  probs              pred  correct  rank  Brier Σ(p−y)²
//   0  0      [0.7, 0.2, 0.1]    0     yes      0     0.09+0.04+0.01   = 0.14
//   1  0      [0.5, 0.3, 0.2]    0     yes      0     0.25+0.09+0.04   = 0.38
//   2  0      [0.4, 0.6, 0.0]    1     no       1     0.36+0.36+0      = 0.72
//   3  1      [0.1, 0.8, 0.1]    1     yes      0     0.01+0.04+0.01   = 0.06
//   4  1      [0.2, 0.35, 0.45]  2     no       1     0.04+0.4225+0.2025 = 0.665
//   5  2      [0.05, 0.05, 0.9]  2     yes      0     0.0025+0.0025+0.01 = 0.015
const HAND: ClassificationRecord[] = [
  fromProbs(0, [0.7, 0.2, 0.1]),
  fromProbs(0, [0.5, 0.3, 0.2]),
  fromProbs(0, [0.4, 0.6, 0.0]),
  fromProbs(1, [0.1, 0.8, 0.1]),
  fromProbs(1, [0.2, 0.35, 0.45]),
  fromProbs(2, [0.05, 0.05, 0.9]),
];

describe('computeMetrics on a hand-worked case', () => {
  const m = computeMetrics(HAND, 3, { topK: [1, 2] });

  it('counts accuracy and top-k', () => {
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 15); // examples 0, 1, 3, 5
    expect(m.topK).toEqual([
      { k: 1, accuracy: 4 / 6 },
      { k: 2, accuracy: 1 }, // every rank ≤ 1
    ]);
  });

  it('builds the confusion matrix with rows = true, cols = predicted', () => {
    // true 0 → predicted 0, 0, 1; true 1 → 1, 2; true 2 → 2
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('computes per-class precision, recall, F1 and support', () => {
    // class 0: TP 2, predicted 2, support 3 → P 1,   R 2/3, F1 2·2/(2+3) = 0.8
    // class 1: TP 1, predicted 2, support 2 → P 1/2, R 1/2, F1 2·1/(2+2) = 0.5
    // class 2: TP 1, predicted 2, support 1 → P 1/2, R 1,   F1 2·1/(2+1) = 2/3
    expect(m.perClass.support).toEqual([3, 2, 1]);
    expect(m.perClass.predicted).toEqual([2, 2, 2]);
    expect(m.perClass.precision).toEqual([1, 0.5, 0.5]);
    expect(m.perClass.recall[0]).toBeCloseTo(2 / 3, 15);
    expect(m.perClass.recall.slice(1)).toEqual([0.5, 1]);
    expect(m.perClass.f1[0]).toBeCloseTo(0.8, 15);
    expect(m.perClass.f1[1]).toBeCloseTo(0.5, 15);
    expect(m.perClass.f1[2]).toBeCloseTo(2 / 3, 15);
  });

  it('averages macro (unweighted) and weighted (by support)', () => {
    // macro P = (1 + 1/2 + 1/2)/3 = 2/3; R = (2/3 + 1/2 + 1)/3 = 13/18; F1 = (4/5 + 1/2 + 2/3)/3 = 59/90
    expect(m.macro.precision).toBeCloseTo(2 / 3, 15);
    expect(m.macro.recall).toBeCloseTo(13 / 18, 15);
    expect(m.macro.f1).toBeCloseTo(59 / 90, 15);
    // weighted P = (1·3 + 1/2·2 + 1/2·1)/6 = 0.75; R = (2 + 1 + 1)/6 = accuracy;
    // F1 = (0.8·3 + 0.5·2 + 2/3·1)/6 = 61/90
    expect(m.weighted.precision).toBeCloseTo(0.75, 15);
    expect(m.weighted.recall).toBeCloseTo(4 / 6, 15);
    expect(m.weighted.f1).toBeCloseTo(61 / 90, 15);
  });

  it('computes Brier from sumSq and pTrue', () => {
    // (0.14 + 0.38 + 0.72 + 0.06 + 0.665 + 0.015) / 6 = 1.98 / 6
    expect(m.brier).toBeCloseTo(0.33, 14);
  });

  it('computes ECE with one example per bin', () => {
    // conf 0.7 → bin 10 (correct), 0.5 → bin 7 (correct), 0.6 → bin 8 (wrong; 0.6 = 9/15 is the
    // bin's closed upper edge), 0.8 → bin 11 (correct; 12/15 upper edge), 0.45 → bin 6 (wrong),
    // 0.9 → bin 13 (correct). ECE = (0.3 + 0.5 + 0.6 + 0.2 + 0.45 + 0.1) / 6 = 2.15 / 6
    expect(m.ece).toBeCloseTo(2.15 / 6, 14);
    const used = m.calibration.map((b, i) => (b.count > 0 ? i : -1)).filter((i) => i >= 0);
    expect(used).toEqual([6, 7, 8, 10, 11, 13]);
    expect(m.calibration[8]).toMatchObject({ count: 1, accuracy: 0, meanConfidence: 0.6 });
    expect(m.calibration[0]).toMatchObject({ count: 0, accuracy: null, meanConfidence: null });
  });
});

describe('zero division and label sets', () => {
  // 4 classes; class 3 never occurs and is never predicted, class 2 is predicted but never true.
  //   true 0 → pred 0, 0;  true 1 → pred 2, 1
  const records = [0, 0, 1, 1].map((label, i) => ({
    label,
    pred: [0, 0, 2, 1][i]!,
    conf: 0.9,
    pTrue: 0.5,
    rank: 0,
    sumSq: 0.8,
  }));
  const m = computeMetrics(records, 4, { topK: [] });

  it('gives 0 for undefined per-class scores (scikit-learn zero_division default)', () => {
    // class 2: TP 0, predicted 1, support 0 → P 0, R 0/0 → 0, F1 0; class 3: all 0/0 → 0
    expect(m.perClass.precision).toEqual([1, 1, 0, 0]);
    expect(m.perClass.recall).toEqual([1, 0.5, 0, 0]);
    expect(m.perClass.f1[3]).toBe(0);
  });

  it('macro-averages over classes present as true or predicted labels only', () => {
    // classes 0, 1, 2 (class 3 is absent from both): P = (1 + 1 + 0)/3, R = (1 + 0.5 + 0)/3
    expect(m.macro.precision).toBeCloseTo(2 / 3, 15);
    expect(m.macro.recall).toBeCloseTo(0.5, 15);
    // F1: class 0 1, class 1 2·1/(1+2) = 2/3, class 2 0 → (5/3)/3
    expect(m.macro.f1).toBeCloseTo(5 / 9, 15);
  });

  it('returns NaN rates for no records', () => {
    const empty = computeMetrics([], 3);
    expect(empty.n).toBe(0);
    expect(empty.accuracy).toBeNaN();
    expect(empty.macro.f1).toBeNaN();
    expect(empty.ece).toBeNaN();
    expect(empty.brier).toBeNaN();
    expect(empty.confusion).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects out-of-range class indices and bad options', () => {
    expect(() => computeMetrics([{ ...records[0]!, label: 4 }], 4)).toThrow(RangeError);
    expect(() => computeMetrics([{ ...records[0]!, pred: -1 }], 4)).toThrow(RangeError);
    expect(() => computeMetrics(records, 0)).toThrow(RangeError);
    expect(() => computeMetrics(records, 4, { topK: [0] })).toThrow(RangeError);
    expect(() => computeMetrics(records, 4, { weights: [1] })).toThrow(RangeError);
  });
});

describe('weights', () => {
  it('equal duplicating records by their multiplicity', () => {
    const weights = [2, 0, 1, 3, 1, 0];
    const duplicated = HAND.flatMap((r, i) => Array.from({ length: weights[i]! }, () => r));
    const weighted = computeMetrics(HAND, 3, { topK: [1, 2], weights });
    const plain = computeMetrics(duplicated, 3, { topK: [1, 2] });
    expect(weighted.n).toBe(7);
    expect(weighted.confusion).toEqual(plain.confusion);
    for (const name of ['accuracy', 'macro_f1', 'weighted_f1', 'ece', 'brier', 'macro_recall']) {
      const def = resolveMetric(name);
      expect(def.get(weighted)).toBeCloseTo(def.get(plain), 14);
    }
  });

  it('summariseMetrics equals computeMetrics without the confusion matrix', () => {
    const { confusion: _c, ...rest } = computeMetrics(HAND, 3);
    expect(summariseMetrics(HAND, 3)).toEqual(rest);
  });
});

describe('metric names', () => {
  const m = computeMetrics(HAND, 3, { topK: [1, 2, 5] });

  it('lists the fixed-name metrics with a direction', () => {
    expect(METRICS.map((d) => d.name)).toEqual([
      'accuracy',
      'top5_accuracy',
      'macro_precision',
      'macro_recall',
      'macro_f1',
      'weighted_precision',
      'weighted_recall',
      'weighted_f1',
      'ece',
      'brier',
    ]);
    expect(METRICS.filter((d) => d.direction === 'lower-is-better').map((d) => d.name)).toEqual([
      'ece',
      'brier',
    ]);
    expect(resolveMetric('macro_f1').get(m)).toBe(m.macro.f1);
    expect(resolveMetric('weighted_recall').get(m)).toBeCloseTo(m.accuracy, 15);
  });

  it('resolves top<k>_accuracy for any k and says when k was not computed', () => {
    expect(resolveMetric('top2_accuracy').get(m)).toBe(1);
    expect(resolveMetric('top1_accuracy').get(m)).toBe(m.accuracy);
    expect(() => resolveMetric('top3_accuracy').get(m)).toThrow(/pass 3 in options.topK/);
    expect(resolveMetric('top3_accuracy').topK).toBe(3);
  });

  it('resolves per-class metrics by class name, else by index', () => {
    const classNames = ['cat', 'dog', '0'];
    expect(resolveMetric('recall[cat]', { classNames }).get(m)).toBeCloseTo(2 / 3, 15);
    expect(resolveMetric('precision[dog]', { classNames }).get(m)).toBe(0.5);
    // "0" is a class name here, so it means class 2, not index 0.
    expect(resolveMetric('recall[0]', { classNames }).get(m)).toBe(1);
    expect(resolveMetric('f1[1]', { classNames }).get(m)).toBeCloseTo(0.5, 15);
    expect(resolveMetric('recall[0]').get(m)).toBeCloseTo(2 / 3, 15);
    expect(resolveMetric('f1[cat]', { classNames }).direction).toBe('higher-is-better');
  });

  it('rejects unknown names with the allowed forms', () => {
    expect(() => resolveMetric('acuracy')).toThrow(UnknownMetricError);
    expect(() => resolveMetric('acuracy')).toThrow(/top<k>_accuracy, precision\[<class>\]/);
    expect(() => resolveMetric('recall[bird]', { classNames: ['cat', 'dog'] })).toThrow(
      /unknown class "bird"/,
    );
    expect(() => resolveMetric('recall[5]', { numClasses: 3 })).toThrow(UnknownMetricError);
    expect(() => resolveMetric('top0_accuracy')).toThrow(UnknownMetricError);
  });

  it('declares per-example values for mean metrics only', () => {
    const withPerExample = METRICS.filter((d) => d.perExample !== undefined).map((d) => d.name);
    expect(withPerExample).toEqual(['accuracy', 'top5_accuracy', 'brier']);
    const brier = resolveMetric('brier').perExample!;
    expect(HAND.map(brier).reduce((a, b) => a + b, 0) / HAND.length).toBeCloseTo(m.brier, 15);
  });
});
