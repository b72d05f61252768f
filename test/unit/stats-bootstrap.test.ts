import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  resolveMetric,
  type ClassificationRecord,
} from '../../src/metrics/classification.js';
import { createRandom, type Random } from '../../src/metrics/random.js';
import {
  bootstrapMeanDifference,
  pairedBootstrap,
  pairedBootstrapMetric,
} from '../../src/metrics/stats.js';

/**
 * Paired correctness with P(baseline correct) = pBase, P(candidate correct) = pCand and positive
 * correlation: both read the same uniform u for a fraction `shared` of the examples.
 */
function simulatePairs(rng: Random, n: number, pBase: number, pCand: number, shared: number) {
  const base = new Float64Array(n);
  const cand = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat();
    const v = rng.nextFloat() < shared ? u : rng.nextFloat();
    base[i] = u < pBase ? 1 : 0;
    cand[i] = v < pCand ? 1 : 0;
  }
  return { base, cand };
}

/** Records of a 4-class problem where `correct` decides pred; the rest is arbitrary but valid. */
function recordsFrom(
  rng: Random,
  labels: number[],
  correct: ArrayLike<number>,
): ClassificationRecord[] {
  return labels.map((label, i) => {
    const ok = correct[i] === 1;
    const pred = ok ? label : (label + 1 + rng.nextInt(3)) % 4;
    const conf = 0.4 + 0.6 * rng.nextFloat();
    const pTrue = ok ? conf : (1 - conf) * rng.nextFloat();
    return {
      label,
      pred,
      conf,
      pTrue,
      rank: ok ? 0 : 1 + rng.nextInt(3),
      sumSq: conf * conf + pTrue * pTrue,
    };
  });
}

describe('paired bootstrap', () => {
  it('covers the true accuracy difference at about the nominal 95% rate', () => {
    // 200 simulated datasets of 400 pairs, P(correct) 0.78 vs 0.72, true difference 0.06.
    const rng = createRandom(2024);
    const truth = 0.78 - 0.72;
    let covered = 0;
    const datasets = 200;
    for (let d = 0; d < datasets; d++) {
      const { base, cand } = simulatePairs(rng, 400, 0.72, 0.78, 0.6);
      const ci = bootstrapMeanDifference(cand, base, { resamples: 1000, seed: d });
      if (ci.lower <= truth && truth <= ci.upper) covered++;
    }
    const coverage = covered / datasets;
    expect(coverage).toBeGreaterThanOrEqual(0.9);
    expect(coverage).toBeLessThanOrEqual(0.99);
  });

  it('is deterministic for a seed and reports its settings', () => {
    const { base, cand } = simulatePairs(createRandom(5), 500, 0.7, 0.75, 0.5);
    const a = bootstrapMeanDifference(cand, base, { seed: 9, resamples: 200, confidence: 0.9 });
    const b = bootstrapMeanDifference(cand, base, { seed: 9, resamples: 200, confidence: 0.9 });
    const c = bootstrapMeanDifference(cand, base, { seed: 10, resamples: 200, confidence: 0.9 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toMatchObject({ seed: 9, resamples: 200, confidence: 0.9, method: 'percentile' });
    const meanDiff = cand.reduce((s, v) => s + v, 0) / 500 - base.reduce((s, v) => s + v, 0) / 500;
    expect(a.estimate).toBeCloseTo(meanDiff, 14);
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
    // For a mean the bootstrap SE is close to the plug-in SE of the paired differences.
    const diffs = Array.from(cand, (v, i) => v - base[i]!);
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - meanDiff) ** 2, 0) / 500 / 500);
    expect(a.standardError / sd).toBeGreaterThan(0.8);
    expect(a.standardError / sd).toBeLessThan(1.2);
  });

  it('gives a zero-width interval when the models agree everywhere', () => {
    const same = [1, 0, 1, 1, 0];
    expect(bootstrapMeanDifference(same, same, { resamples: 50 })).toMatchObject({
      estimate: 0,
      lower: 0,
      upper: 0,
      standardError: 0,
    });
  });

  it('weighted recomputation and the per-example fast path agree for accuracy', () => {
    const rng = createRandom(77);
    const labels = Array.from({ length: 300 }, () => rng.nextInt(4));
    const { base, cand } = simulatePairs(rng, 300, 0.6, 0.65, 0.5);
    const candidate = recordsFrom(rng, labels, cand);
    const baseline = recordsFrom(rng, labels, base);
    const options = { seed: 3, resamples: 300 };
    const fast = pairedBootstrapMetric(candidate, baseline, 'accuracy', 4, options);
    const accuracy = resolveMetric('accuracy');
    const slow = pairedBootstrapMetric(
      candidate,
      baseline,
      { ...accuracy, perExample: undefined },
      4,
      options,
    );
    // Same index draws, integer counts: identical up to float rounding of the means.
    expect(slow.estimate).toBeCloseTo(fast.estimate, 14);
    expect(slow.lower).toBeCloseTo(fast.lower, 12);
    expect(slow.upper).toBeCloseTo(fast.upper, 12);
    expect(slow.standardError).toBeCloseTo(fast.standardError, 12);
  });

  it('bootstraps any named metric, with the estimate equal to the full-data difference', () => {
    const rng = createRandom(11);
    const labels = Array.from({ length: 400 }, () => rng.nextInt(4));
    const { base, cand } = simulatePairs(rng, 400, 0.6, 0.7, 0.5);
    const candidate = recordsFrom(rng, labels, cand);
    const baseline = recordsFrom(rng, labels, base);
    const classNames = ['a', 'b', 'c', 'd'];
    for (const name of ['macro_f1', 'ece', 'brier', 'top2_accuracy', 'recall[b]']) {
      const ci = pairedBootstrapMetric(candidate, baseline, name, 4, {
        resamples: 200,
        classNames,
      });
      const def = resolveMetric(name, { classNames });
      const topK = def.topK === undefined ? [] : [def.topK];
      const expected =
        def.get(computeMetrics(candidate, 4, { topK })) -
        def.get(computeMetrics(baseline, 4, { topK }));
      expect(ci.estimate).toBeCloseTo(expected, 12);
      expect(ci.lower).toBeLessThanOrEqual(ci.upper);
      expect(ci.resamples).toBe(200);
    }
  });

  it('passes multiplicities that sum to n', () => {
    const seen: number[] = [];
    pairedBootstrap(
      7,
      (w) => {
        seen.push(w.reduce((s, v) => s + v, 0));
        return 0;
      },
      { resamples: 20 },
    );
    expect(seen).toEqual(new Array<number>(21).fill(7)); // the estimate, then 20 resamples
  });

  it('leaves out NaN replicates and validates input', () => {
    let call = 0;
    const ci = pairedBootstrap(5, () => (call++ % 2 === 0 ? 1 : NaN), { resamples: 10 });
    expect(ci.resamples).toBe(5);
    expect(() => bootstrapMeanDifference([1, 2], [1])).toThrow(RangeError);
    expect(() => bootstrapMeanDifference([], [])).toThrow(RangeError);
    expect(() => bootstrapMeanDifference([1], [1], { resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMeanDifference([1], [1], { confidence: 1.5 })).toThrow(RangeError);
    expect(() => pairedBootstrapMetric([], [], 'nope', 3)).toThrow(/unknown metric/);
  });
});
