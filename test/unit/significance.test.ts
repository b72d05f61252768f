/** Which p-value a target's significance comes from, and the permutation test's agreement rule. */
import { describe, expect, it } from 'vitest';
import { adjustAcrossTargets, type PairedStats } from '../../src/analysis/significance.js';
import { isSignificantWorsening } from '../../src/gates/significance.js';
import { benjaminiHochberg } from '../../src/metrics/stats.js';

const mcnemar = { b: 0, c: 0, p: 1 };
const tested = (p: number, delta: number, iv?: [number, number]): PairedStats => ({
  intervals: iv ? { map: { lower: iv[0], upper: iv[1] } } : {},
  mcnemar,
  permutation: { metric: 'map', delta, p, draws: 200 },
});

describe('adjustAcrossTargets', () => {
  it("adjusts the permutation test's p where a task has one, McNemar's elsewhere", () => {
    const stats = [
      tested(0.004, -0.17, [-0.2, -0.14]),
      { intervals: {}, mcnemar: { b: 9, c: 1, p: 0.02 } },
    ];
    adjustAcrossTargets(stats, 0.05);
    const { adjusted } = benjaminiHochberg([0.004, 0.02], 0.05);
    expect(stats.map((s) => s.pAdjusted)).toEqual(adjusted);
    expect(stats.map((s) => s.significant)).toEqual([true, true]);
  });

  it('calls a permutation test significant only where the bootstrap interval agrees', () => {
    const stats = [
      tested(0.001, -0.05, [-0.09, 0.01]), // interval covers 0
      tested(0.001, -0.05, [0.01, 0.09]), // interval on the other side of 0
      tested(0.001, -0.05, [-0.09, -0.01]), // agrees
      tested(0.001, -0.05), // no interval computed: the test alone
    ];
    adjustAcrossTargets(stats, 0.05);
    expect(stats.map((s) => s.significant)).toEqual([false, false, true, true]);
  });
});

describe('isSignificantWorsening on a permutation-tested metric', () => {
  it("reads the test's significance and the delta's direction, not McNemar's counts", () => {
    const worse = { ...tested(0.001, -0.1), significant: true };
    const better = { ...tested(0.001, 0.1), significant: true };
    expect(isSignificantWorsening(worse, 'map', true, 'map')).toBe(true);
    expect(isSignificantWorsening(better, 'map', true, 'map')).toBe(false);
    expect(isSignificantWorsening({ ...worse, significant: false }, 'map', true, 'map')).toBe(
      false,
    );
  });
});
