/** Permutation tests: exact enumeration against scipy, hand-worked cases, calibration by simulation. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { membershipPValue, pairedSwapPValue } from '../../src/metrics/permutation.js';
import { createRandom } from '../../src/metrics/random.js';

interface Goldens {
  paired: { statistic: string; x: number[]; y: number[]; pValue: number }[];
  membership: { statistic: string; values: number[]; m: number; pValue: number }[];
}
const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/permutation.json', import.meta.url), 'utf8'),
) as Goldens;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
const exact = { maxDraws: 1 << 16, exceedances: 20, seed: 0 };

describe('pairedSwapPValue', () => {
  it('equals scipy.stats.permutation_test (samples, two-sided, exact) on its goldens', () => {
    for (const c of goldens.paired) {
      const stat = (swap: Uint8Array) => {
        const x = c.x.map((v, t) => (swap[t] ? c.y[t]! : v));
        const y = c.y.map((v, t) => (swap[t] ? c.x[t]! : v));
        return c.statistic === 'meanDifference'
          ? mean(x) - mean(y)
          : Math.max(...x) - Math.max(...y);
      };
      const r = pairedSwapPValue(c.x.length, stat, exact);
      expect(r.exact).toBe(true);
      expect(r.p).toBeCloseTo(c.pValue, 12);
    }
  });

  it('hand-worked: 3 pairs all worse by 1 have p = 2/8', () => {
    // Differences (1, 1, 1): of the 8 sign patterns, only all + and all − reach |sum| = 3.
    const r = pairedSwapPValue(3, (s) => [0, 1, 2].reduce((a, t) => a + (s[t] ? -1 : 1), 0), exact);
    expect(r).toMatchObject({ observed: 3, p: 0.25, draws: 8, exact: true });
  });

  it('stops early (Besag-Clifford) when the statistic is nowhere near significant', () => {
    const rng = createRandom(5);
    const d = Array.from({ length: 200 }, () => rng.nextFloat() - 0.5);
    const r = pairedSwapPValue(200, (s) => d.reduce((a, v, t) => a + (s[t] ? -v : v), 0), {
      maxDraws: 1000,
      exceedances: 20,
      seed: 1,
    });
    expect(r.exact).toBe(false);
    expect(r.draws).toBeLessThan(200);
    expect(r.p).toBeCloseTo(20 / r.draws, 12);
  });

  it('is calibrated: under the null, P(p ≤ α) ≤ α', () => {
    // 400 null data sets of 40 pairs with exchangeable members; rejections at α = 0.1.
    const rng = createRandom(11);
    let rejected = 0;
    const sims = 400;
    for (let s = 0; s < sims; s++) {
      const x = Array.from({ length: 40 }, () => rng.nextFloat());
      const y = Array.from({ length: 40 }, () => rng.nextFloat());
      const r = pairedSwapPValue(
        40,
        (sw) => {
          let a = 0;
          for (let t = 0; t < 40; t++) a += sw[t] ? y[t]! - x[t]! : x[t]! - y[t]!;
          return a;
        },
        { maxDraws: 199, exceedances: 20, seed: s },
      );
      if (r.p <= 0.1) rejected++;
    }
    // Binomial(400, 0.1): mean 40, sd 6; a p-value off by one draw would not show, one
    // that is not a p-value (e.g. k/R without the +1) would at α = 0.1 only barely: the bound
    // is the check that matters, with 3 sd of slack.
    expect(rejected / sims).toBeLessThan(0.1 + 3 * Math.sqrt(0.09 / sims));
  });
});

describe('membershipPValue', () => {
  it('equals scipy.stats.permutation_test (independent, less, exact) on its goldens', () => {
    for (const c of goldens.membership) {
      const mask = Uint8Array.from(c.values, (_, i) => (i < c.m ? 1 : 0));
      const stat = (inSlice: Uint8Array) => {
        const x = c.values.filter((_, i) => inSlice[i]);
        const y = c.values.filter((_, i) => !inSlice[i]);
        return c.statistic === 'sliceMean' ? mean(x) : median(x) - median(y);
      };
      const r = membershipPValue(mask, stat, exact);
      expect(r.exact).toBe(true);
      expect(r.p).toBeCloseTo(c.pValue, 12);
    }
  });

  it('hand-worked: the two worst of four values as the slice have p = 1/6', () => {
    // C(4, 2) = 6 subsets; only {0, 1} has a sum as small as −2.
    const v = [-1, -1, 0, 0];
    const r = membershipPValue(
      Uint8Array.of(1, 1, 0, 0),
      (m) => v.reduce((a, x, i) => a + (m[i] ? x : 0), 0),
      exact,
    );
    expect(r.draws).toBe(6);
    expect(r.p).toBeCloseTo(1 / 6, 15);
  });

  it('is calibrated: a random slice is a finding at most α of the time', () => {
    const rng = createRandom(12);
    let rejected = 0;
    const sims = 400;
    const N = 60;
    for (let s = 0; s < sims; s++) {
      const v = Array.from({ length: N }, () => rng.nextFloat());
      const mask = new Uint8Array(N);
      for (let i = 0; i < 15; i++) mask[rng.nextInt(N)] = 1;
      const r = membershipPValue(
        mask,
        (m) => {
          let a = 0;
          let k = 0;
          for (let i = 0; i < N; i++)
            if (m[i]) {
              a += v[i]!;
              k++;
            }
          return a / k;
        },
        { maxDraws: 199, exceedances: 20, seed: s },
      );
      if (r.p <= 0.1) rejected++;
    }
    expect(rejected / sims).toBeLessThan(0.1 + 3 * Math.sqrt(0.09 / sims));
  });

  it('counts an undefined rearrangement as extreme, and an undefined observation gives p = 1', () => {
    const r = membershipPValue(Uint8Array.of(1, 0, 0), (m) => (m[2] ? NaN : m[0] ? 0 : 1), exact);
    expect(r.p).toBeCloseTo(2 / 3, 15); // {0}: 0 ≤ 0 counted, {1}: 1 not, {2}: NaN counted
    expect(membershipPValue(Uint8Array.of(1, 0), () => NaN, exact).p).toBe(1);
  });
});
