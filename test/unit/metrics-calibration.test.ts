import { describe, expect, it } from 'vitest';
import {
  brierOfRecord,
  brierScore,
  CALIBRATION_BINS,
  calibrationBinIndex,
  expectedCalibrationError,
} from '../../src/metrics/calibration.js';
import { computeMetrics } from '../../src/metrics/classification.js';

describe('calibrationBinIndex: bins (k/15, (k+1)/15]', () => {
  it('puts a value equal to an edge in the lower bin', () => {
    expect(CALIBRATION_BINS).toBe(15);
    expect(calibrationBinIndex(1 / 15)).toBe(0);
    expect(calibrationBinIndex(2 / 15)).toBe(1);
    expect(calibrationBinIndex(0.6)).toBe(8); // 0.6 == 9/15 as doubles
    expect(calibrationBinIndex(0.8)).toBe(11); // 12/15
    expect(calibrationBinIndex(14 / 15)).toBe(13);
  });

  it('moves just above an edge to the next bin', () => {
    expect(calibrationBinIndex(1 / 15 + 1e-12)).toBe(1);
    expect(calibrationBinIndex(0.6 + 1e-12)).toBe(9);
  });

  it('puts every edge k/15 in bin k−1, for all k', () => {
    for (let k = 1; k <= 15; k++) expect(calibrationBinIndex(k / 15)).toBe(k - 1);
  });

  it('handles 0, 1 and out-of-range values', () => {
    expect(calibrationBinIndex(0)).toBe(0);
    expect(calibrationBinIndex(1e-9)).toBe(0);
    expect(calibrationBinIndex(1)).toBe(14);
    expect(calibrationBinIndex(1.0000001)).toBe(14); // float32 softmax rounding
    expect(() => calibrationBinIndex(NaN)).toThrow(RangeError);
    expect(calibrationBinIndex(0.5, 2)).toBe(0);
    expect(calibrationBinIndex(0.51, 2)).toBe(1);
  });
});

describe('expected calibration error', () => {
  // Four examples, two sharing a bin:
  //   conf 0.91 correct, conf 0.93 wrong → bin 13 (13/15 = 0.8667, 14/15 = 0.9333]:
  //       acc 0.5, mean conf 0.92, |gap| 0.42, weight 2/4
  //   conf 0.2 correct → bin 2 (0.1333, 0.2]: |1 − 0.2| = 0.8, weight 1/4
  //   conf 1.0 correct → bin 14: gap 0
  //   ECE = 0.5·0.42 + 0.25·0.8 + 0 = 0.21 + 0.2 = 0.41
  const records = [
    { label: 1, pred: 1, conf: 0.91 },
    { label: 0, pred: 1, conf: 0.93 },
    { label: 2, pred: 2, conf: 0.2 },
    { label: 3, pred: 3, conf: 1.0 },
  ];

  it('weights each bin gap by its share of examples', () => {
    expect(expectedCalibrationError(records)).toBeCloseTo(0.41, 14);
  });

  it('agrees with computeMetrics', () => {
    const full = records.map((r) => ({ ...r, pTrue: 0.5, rank: 0, sumSq: 1 }));
    const m = computeMetrics(full, 4, { topK: [] });
    expect(m.ece).toBeCloseTo(0.41, 14);
    expect(m.calibration[13]).toEqual({
      lower: 13 / 15,
      upper: 14 / 15,
      count: 2,
      meanConfidence: 0.92,
      accuracy: 0.5,
    });
  });

  it('is 0 for perfectly calibrated bins and NaN for no data', () => {
    // conf 0.5 in one bin, one of two correct → gap 0
    const half = [
      { label: 0, pred: 0, conf: 0.5 },
      { label: 1, pred: 0, conf: 0.5 },
    ];
    expect(expectedCalibrationError(half)).toBe(0);
    expect(expectedCalibrationError([])).toBeNaN();
  });

  it('supports other bin counts', () => {
    // 2 bins: (0, 0.5] holds 0.2 (correct): gap 0.8; (0.5, 1] holds 0.91, 0.93, 1.0 with 2 of 3
    // correct: mean conf 2.84/3, acc 2/3 → gap |2 − 2.84|/4 = 0.21; ECE = 0.8/4 + 0.21 = 0.41
    expect(expectedCalibrationError(records, 2)).toBeCloseTo(0.41, 14);
    // 1 bin: |3 − 3.04| / 4 = 0.01
    expect(expectedCalibrationError(records, 1)).toBeCloseTo(0.01, 14);
    expect(() => expectedCalibrationError(records, 0)).toThrow(RangeError);
  });
});

describe('Brier score', () => {
  it('expands Σ(p − y)² into sumSq − 2·pTrue + 1', () => {
    // p = [0.2, 0.5, 0.3], y = class 1: (0.04 + 0.25 + 0.09) − 2·0.5 + 1 = 0.38
    // directly: 0.2² + (0.5 − 1)² + 0.3² = 0.04 + 0.25 + 0.09 = 0.38
    expect(brierOfRecord({ sumSq: 0.38, pTrue: 0.5 })).toBeCloseTo(0.38, 15);
    // perfect prediction 0, confidently wrong 2
    expect(brierOfRecord({ sumSq: 1, pTrue: 1 })).toBe(0);
    expect(brierOfRecord({ sumSq: 1, pTrue: 0 })).toBe(2);
    expect(
      brierScore([
        { sumSq: 1, pTrue: 1 },
        { sumSq: 1, pTrue: 0 },
      ]),
    ).toBe(1);
    expect(brierScore([])).toBeNaN();
  });
});
