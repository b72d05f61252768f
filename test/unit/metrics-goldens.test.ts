// Checks the metrics and tests against scikit-learn / SciPy values written by
// scripts/make-metric-goldens.py into test/fixtures/metrics/goldens.json (no Python at test time).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetrics, type ClassificationRecord } from '../../src/metrics/classification.js';
import { chiSquareGoodnessOfFit, ksTwoSample, mcnemarExact } from '../../src/metrics/stats.js';

interface PredictionSet {
  seed: number;
  numClasses: number;
  records: ClassificationRecord[];
  expected: {
    n: number;
    accuracy: number;
    topK: Record<string, number>;
    perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
    macro: { precision: number; recall: number; f1: number };
    weighted: { precision: number; recall: number; f1: number };
    confusion: number[][];
    brier: number;
  };
}

interface Goldens {
  versions: Record<string, string>;
  predictionSets: PredictionSet[];
  mcnemar: { b: number; c: number; pValue: number; midPValue: number }[];
  ks2samp: {
    a: number[];
    b: number[];
    method: 'exact' | 'asymptotic';
    statistic: number;
    pValue: number;
  }[];
  chisquare: {
    observed: number[];
    expected: number[] | null;
    ddof: number;
    statistic: number;
    pValue: number;
  }[];
}

const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/goldens.json', import.meta.url), 'utf8'),
) as Goldens;

describe.each(
  goldens.predictionSets.map((s) => [`seed ${s.seed}, ${s.numClasses} classes`, s] as const),
)('classification metrics vs scikit-learn (%s)', (_name, set) => {
  const ks = Object.keys(set.expected.topK).map(Number);
  const m = computeMetrics(set.records, set.numClasses, { topK: ks });
  const e = set.expected;

  it('accuracy, top-k and confusion matrix', () => {
    expect(m.n).toBe(e.n);
    expect(m.accuracy).toBeCloseTo(e.accuracy, 12);
    for (const { k, accuracy } of m.topK) expect(accuracy).toBeCloseTo(e.topK[String(k)]!, 12);
    expect(m.confusion).toEqual(e.confusion);
  });

  it('per-class precision, recall, F1 and support', () => {
    expect(m.perClass.support).toEqual(e.perClass.support);
    for (let c = 0; c < set.numClasses; c++) {
      expect(m.perClass.precision[c]).toBeCloseTo(e.perClass.precision[c]!, 12);
      expect(m.perClass.recall[c]).toBeCloseTo(e.perClass.recall[c]!, 12);
      expect(m.perClass.f1[c]).toBeCloseTo(e.perClass.f1[c]!, 12);
    }
  });

  it('macro and weighted averages', () => {
    for (const key of ['precision', 'recall', 'f1'] as const) {
      expect(m.macro[key]).toBeCloseTo(e.macro[key], 12);
      expect(m.weighted[key]).toBeCloseTo(e.weighted[key], 12);
    }
  });

  it('Brier score from sufficient statistics equals the full-vector value', () => {
    expect(m.brier).toBeCloseTo(e.brier, 12);
  });
});

describe('exact McNemar vs scipy.stats.binomtest', () => {
  it.each(goldens.mcnemar.map((c) => [c.b, c.c, c] as const))(
    'b = %i, c = %i',
    (_b, _c, golden) => {
      const r = mcnemarExact(golden.b, golden.c);
      expect(r.pValue).toBeCloseTo(golden.pValue, 12);
      expect(r.midPValue).toBeCloseTo(golden.midPValue, 12);
    },
  );
});

describe('two-sample KS vs scipy.stats.ks_2samp', () => {
  it.each(goldens.ks2samp.map((c) => [c.a.length, c.b.length, c.method, c] as const))(
    'n1 = %i, n2 = %i, %s',
    (_n1, _n2, method, golden) => {
      const r = ksTwoSample(golden.a, golden.b, { method });
      expect(r.method).toBe(method);
      expect(r.statistic).toBeCloseTo(golden.statistic, 12);
      if (method === 'exact') {
        expect(r.pValue).toBeCloseTo(golden.pValue, 10);
      } else {
        // SciPy's asymptotic p-value uses the exact one-sample Kolmogorov distribution at
        // n = round(n1·n2/(n1+n2)); ours is the limiting distribution with Stephens' correction.
        // Both approximate the same quantity: require 3% relative agreement.
        expect(Math.abs(r.pValue - golden.pValue) / golden.pValue).toBeLessThan(0.03);
      }
    },
  );

  it('auto picks exact for small samples and asymptotic for large ones', () => {
    const small = goldens.ks2samp[0]!;
    const large = goldens.ks2samp[goldens.ks2samp.length - 1]!;
    expect(ksTwoSample(small.a, small.b).method).toBe('exact');
    expect(ksTwoSample(large.a, large.b).method).toBe('asymptotic');
  });
});

describe('chi-square goodness of fit vs scipy.stats.chisquare', () => {
  it.each(goldens.chisquare.map((c, i) => [i, c] as const))('case %i', (_i, golden) => {
    const r = chiSquareGoodnessOfFit(golden.observed, golden.expected ?? undefined, {
      ddof: golden.ddof,
    });
    expect(r.statistic).toBeCloseTo(golden.statistic, 10);
    expect(r.df).toBe(golden.observed.length - 1 - golden.ddof);
    // Relative precision, also for the 2e-19 tail value.
    expect(Math.abs(r.pValue - golden.pValue) / golden.pValue).toBeLessThan(1e-9);
  });
});
