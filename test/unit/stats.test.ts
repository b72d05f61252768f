import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/metrics/random.js';
import {
  benjaminiHochberg,
  chiSquareGoodnessOfFit,
  ksTwoSample,
  mcnemarExact,
  pairedOutcomes,
  totalVariationDistance,
  wilsonInterval,
} from '../../src/metrics/stats.js';

describe('exact McNemar', () => {
  it('matches the hand-computed binomial tail', () => {
    // b = 2, c = 9: X ~ Bin(11, 1/2), P(X ≤ 2) = (C(11,0) + C(11,1) + C(11,2)) / 2¹¹
    //   = (1 + 11 + 55) / 2048 = 67/2048; p = 2·67/2048 = 134/2048 = 0.0654296875
    // mid-p = p − P(X = 2) = (134 − 55)/2048 = 79/2048
    const r = mcnemarExact(2, 9);
    expect(r.pValue).toBeCloseTo(134 / 2048, 15);
    expect(r.midPValue).toBeCloseTo(79 / 2048, 15);
    expect(r).toMatchObject({ b: 2, c: 9 });
  });

  it('is symmetric in b and c, capped at 1, and 1 without discordant pairs', () => {
    expect(mcnemarExact(9, 2).pValue).toBe(mcnemarExact(2, 9).pValue);
    expect(mcnemarExact(5, 5).pValue).toBe(1); // 2·P(X ≤ 5), X ~ Bin(10, ½), exceeds 1
    expect(mcnemarExact(0, 0)).toEqual({ b: 0, c: 0, pValue: 1, midPValue: 1 });
    // b = 0, c = 6: 2·(1/2)⁶ = 1/32
    expect(mcnemarExact(0, 6).pValue).toBeCloseTo(1 / 32, 15);
  });

  it('rejects non-counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });

  it('tabulates paired outcomes', () => {
    const cand = [1, 1, 0, 0, 1, true, false];
    const base = [1, 0, 1, 0, 0, true, true];
    expect(pairedOutcomes(cand, base)).toEqual({
      both: 2,
      baselineOnly: 2,
      candidateOnly: 2,
      neither: 1,
    });
    expect(() => pairedOutcomes([1], [])).toThrow(RangeError);
  });
});

describe('Benjamini–Hochberg', () => {
  // The worked example of Benjamini & Hochberg (1995): 15 p-values, q = 0.05. BH rejects
  // the four smallest (Bonferroni, 0.05/15 = 0.0033, only three).
  const p = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719,
    0.6528, 0.759, 1.0,
  ];

  it('rejects the four smallest of the textbook example', () => {
    const r = benjaminiHochberg(p, 0.05);
    expect(r.rejected).toEqual(p.map((_, i) => i < 4));
  });

  it('computes step-up adjusted p-values', () => {
    // m·p_(i)/i: 0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0695, 0.063857…, 0.0645, 0.0765,
    // 0.486, 0.58118…, 0.714875, 0.75323…, 0.81321…, 1; then the running minimum from the top
    // lowers rank 6 (0.0695) to rank 7's 0.063857…
    const expected = [
      0.0015,
      0.003,
      0.0095,
      0.035625,
      0.0603,
      (0.0298 * 15) / 7,
      (0.0298 * 15) / 7,
      0.0645,
      0.0765,
      0.486,
      (0.4262 * 15) / 11,
      0.714875,
      (0.6528 * 15) / 13,
      (0.759 * 15) / 14,
      1,
    ];
    const r = benjaminiHochberg(p);
    r.adjusted.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 12));
  });

  it('returns results in input order', () => {
    const shuffled = [0.5, 0.0001, 0.04, 0.01];
    // sorted: 0.0001 (4·/1 = 0.0004), 0.01 (4·/2 = 0.02), 0.04 (4·/3 = 0.0533), 0.5 (4·/4 = 0.5)
    const r = benjaminiHochberg(shuffled, 0.05);
    expect(r.adjusted[0]).toBeCloseTo(0.5, 15);
    expect(r.adjusted[1]).toBeCloseTo(0.0004, 15);
    expect(r.adjusted[2]).toBeCloseTo(0.16 / 3, 15);
    expect(r.adjusted[3]).toBeCloseTo(0.02, 15);
    expect(r.rejected).toEqual([false, true, false, true]);
    expect(benjaminiHochberg([])).toEqual({ adjusted: [], rejected: [] });
    expect(() => benjaminiHochberg([0.1, NaN])).toThrow(RangeError);
  });
});

describe('Wilson interval', () => {
  // Published values: Newcombe (1998), Stat Med 17:857, worked examples of the score interval.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → [%f, %f]', (x, n, lower, upper) => {
    const r = wilsonInterval(x, n, 0.95);
    expect(r.estimate).toBeCloseTo(x / n, 15);
    expect(r.lower).toBeCloseTo(lower, 4);
    expect(r.upper).toBeCloseTo(upper, 4);
  });

  it('covers the edges and bad input', () => {
    expect(wilsonInterval(20, 20).upper).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ estimate: NaN, lower: 0, upper: 1 });
    expect(wilsonInterval(5, 10, 0.99).lower).toBeLessThan(wilsonInterval(5, 10, 0.9).lower);
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 10, 1)).toThrow(RangeError);
  });
});

describe('chi-square goodness of fit', () => {
  it('computes Pearson X² by hand', () => {
    // observed [10, 20, 30] vs uniform (E = 20 each): (100 + 0 + 100)/20 = 10, df 2
    // P(χ²₂ ≥ x) = e^{−x/2} = e^{−5}
    const r = chiSquareGoodnessOfFit([10, 20, 30]);
    expect(r.statistic).toBe(10);
    expect(r.df).toBe(2);
    expect(r.pValue).toBeCloseTo(Math.exp(-5), 14);
    // expected given as proportions is rescaled to the observed total
    expect(chiSquareGoodnessOfFit([10, 20, 30], [1, 1, 1]).statistic).toBe(10);
    // The upper tail keeps its relative precision: [0, 0, 60] vs uniform (E = 20):
    // X² = 20 + 20 + 40²/20 = 120, df 2 → p = e^{−60} ≈ 8.8e−27 (1 − CDF would give 0)
    const far = chiSquareGoodnessOfFit([0, 0, 60]);
    expect(far.statistic).toBe(120);
    expect(Math.abs(far.pValue - Math.exp(-60)) / Math.exp(-60)).toBeLessThan(1e-9);
    // odd df uses Γ(k + ½): [0, 40] vs uniform: X² = 20 + 20 = 40, df 1 → p = erfc(√20) ≈ 2.54e−10
    expect(chiSquareGoodnessOfFit([0, 40]).pValue).toBeCloseTo(2.5396285894708634e-10, 20);
  });

  it('handles zero expected cells', () => {
    // O = 5 where E = 0: infinite statistic, p = 0
    expect(chiSquareGoodnessOfFit([5, 5, 5], [1, 1, 0])).toMatchObject({
      statistic: Infinity,
      pValue: 0,
    });
    // O = E = 0: the cell is left out (df 1 instead of 2)
    const r = chiSquareGoodnessOfFit([10, 30, 0], [1, 1, 0]);
    expect(r.df).toBe(1);
    expect(r.statistic).toBe(10); // (10 − 20)²/20 + (30 − 20)²/20
    expect(chiSquareGoodnessOfFit([4], [1]).pValue).toBeNaN();
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow(RangeError);
  });
});

describe('two-sample Kolmogorov–Smirnov', () => {
  it('computes D and the exact p-value of separated samples by hand', () => {
    // [1,2,3] vs [4,5,6]: the ECDFs differ by 1 at x = 3. Of the C(6,3) = 20 merge orders only
    // AAABBB and BBBAAA reach D = 1, so p = 2/20.
    const r = ksTwoSample([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(0.1, 15);
    expect(r.method).toBe('exact');
  });

  it('handles ties and NaN', () => {
    // NaN dropped: [1, 2] vs [2, 2, 3]. F1 − F2 after each distinct value (all copies of a tied
    // value consumed together): x=1: 1/2 − 0; x=2: 1 − 2/3; x=3: 1 − 1. D = 1/2
    const r = ksTwoSample([1, 2, NaN], [2, 2, 3]);
    expect(r.statistic).toBe(0.5);
    expect(ksTwoSample([1, 2], [1, 2]).pValue).toBe(1);
    expect(() => ksTwoSample([], [1])).toThrow(RangeError);
  });

  it('has consistent exact and asymptotic p-values for moderate n', () => {
    const rng = createRandom(7);
    const a = Array.from({ length: 400 }, () => rng.nextFloat());
    const b = Array.from({ length: 300 }, () => rng.nextFloat() * 1.1);
    const exact = ksTwoSample(a, b, { method: 'exact' });
    const asym = ksTwoSample(a, b, { method: 'asymptotic' });
    expect(exact.statistic).toBe(asym.statistic);
    expect(Math.abs(exact.pValue - asym.pValue)).toBeLessThan(0.01);
  });

  it('has asymptotic p-values in [0, 1] across λ', () => {
    for (const shift of [0, 0.001, 0.01, 0.05, 0.2, 0.5, 1]) {
      const a = Array.from({ length: 2000 }, (_, i) => i / 2000);
      const b = a.map((x) => x + shift);
      const r = ksTwoSample(a, b, { method: 'asymptotic' });
      expect(r.pValue).toBeGreaterThanOrEqual(0);
      expect(r.pValue).toBeLessThanOrEqual(1);
    }
  });
});

describe('total variation distance', () => {
  it('normalises and halves the L1 distance', () => {
    // [1,1,2] → [.25,.25,.5]; q = [.5,.5,0]: ½(.25 + .25 + .5) = 0.5
    expect(totalVariationDistance([1, 1, 2], [0.5, 0.5, 0])).toBeCloseTo(0.5, 15);
    expect(totalVariationDistance([3, 1], [30, 10])).toBe(0);
    expect(totalVariationDistance([1, 0], [0, 1])).toBe(1);
    expect(() => totalVariationDistance([1], [1, 2])).toThrow(RangeError);
    expect(() => totalVariationDistance([0, 0], [1, 2])).toThrow(RangeError);
  });
});

describe('createRandom', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    const rng = createRandom(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.nextInt(10)]!++;
    // χ² test of uniformity at 9 df: should not be extreme
    expect(chiSquareGoodnessOfFit(counts).pValue).toBeGreaterThan(0.001);
    for (let i = 0; i < 1000; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(() => rng.nextInt(0)).toThrow(RangeError);
  });
});

describe('createRandom.fillInts', () => {
  it('gives the same values as repeated nextInt, for small and large bounds', () => {
    for (const n of [1, 7, 10_000, 3_000_000_000]) {
      const a = createRandom(n);
      const b = createRandom(n);
      const out = new Uint32Array(50);
      a.fillInts(out, n);
      expect(Array.from(out)).toEqual(Array.from({ length: 50 }, () => b.nextInt(n)));
      expect(out.every((v) => v < n)).toBe(true);
    }
  });
});
