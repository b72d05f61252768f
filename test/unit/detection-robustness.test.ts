/** mPC and rPC (Michaelis et al. 2019), worked by hand. */
import { describe, expect, it } from 'vitest';
import { corruptionPerformance } from '../../src/metrics/detection/robustness.js';

describe('corruptionPerformance', () => {
  it('mPC is the mean over corruptions of the mean over severities; rPC divides by clean', () => {
    const r = corruptionPerformance(0.4, {
      fog: { 1: 0.3, 2: 0.2, 3: 0.1 }, // mean 0.2
      blur: { 1: 0.35, 2: 0.25 }, // mean 0.3 (two severities only)
    });
    expect(r.perCorruption.fog).toBeCloseTo(0.2, 15);
    expect(r.perCorruption.blur).toBeCloseTo(0.3, 15);
    // Not the mean of all five values (0.24): each corruption weighs the same.
    expect(r.mPC).toBeCloseTo(0.25, 15);
    expect(r.rPC).toBeCloseTo(0.625, 15);
  });

  it('leaves undefined values (−1) and empty corruptions out', () => {
    const r = corruptionPerformance(0.5, { fog: { 1: -1, 2: 0.2 }, snow: { 1: -1 } });
    expect(r.perCorruption).toEqual({ fog: 0.2, snow: null });
    expect(r.mPC).toBeCloseTo(0.2, 15);
    expect(corruptionPerformance(0, { fog: { 1: 0.1 } }).rPC).toBeNull();
    expect(corruptionPerformance(0.3, {}).mPC).toBeNull();
  });
});
