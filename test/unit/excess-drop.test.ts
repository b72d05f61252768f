// The excess-drop test against SciPy (scripts/make-excess-drop-goldens.py): exact permutation
// tests for small sets, multivariate hypergeometric tails for larger ones.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { excessDropPValue, type ChangeCounts } from '../../src/metrics/excess-drop.js';

interface Case {
  slice: ChangeCounts;
  population: ChangeCounts;
  pValue: number;
}
const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/excess-drop.json', import.meta.url), 'utf8'),
) as { exact: Case[]; hypergeometric: Case[]; approximate: Case[] };

describe('excessDropPValue', () => {
  it('equals scipy.stats.permutation_test (exact enumeration) on small sets', () => {
    expect(goldens.exact.length).toBeGreaterThan(20);
    for (const c of goldens.exact)
      expect(excessDropPValue(c.slice, c.population)).toBeCloseTo(c.pValue, 10);
  });

  it('equals the multivariate hypergeometric tail of scipy on larger sets', () => {
    for (const c of goldens.hypergeometric) {
      const p = excessDropPValue(c.slice, c.population);
      expect(Math.abs(p - c.pValue)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.pValue) + 1e-15);
      expect(p / c.pValue).toBeCloseTo(1, 8);
    }
  });

  it('a hand-worked case: 2 of 4 examples got worse, both in the 2-example slice', () => {
    // C(4,2) = 6 equally likely slices; only one holds both −1s: p = 1/6.
    expect(excessDropPValue({ n: 2, minus: 2, plus: 0 }, { n: 4, minus: 2, plus: 0 })).toBeCloseTo(
      1 / 6,
      12,
    );
  });

  it('a slice that drops exactly like the rest is not worse (halves of a uniform drop)', () => {
    const half = excessDropPValue({ n: 300, minus: 30, plus: 0 }, { n: 600, minus: 60, plus: 0 });
    expect(half).toBeGreaterThan(0.5);
  });

  it('the whole set or an empty slice has nothing to be compared with', () => {
    const pop = { n: 10, minus: 3, plus: 1 };
    expect(excessDropPValue(pop, pop)).toBe(1);
    expect(excessDropPValue({ n: 0, minus: 0, plus: 0 }, pop)).toBe(1);
  });

  it('beyond the exact limit, the normal approximation is within 10% of the exact tail', () => {
    expect(goldens.approximate.length).toBeGreaterThan(0);
    for (const c of goldens.approximate)
      expect(excessDropPValue(c.slice, c.population) / c.pValue).toBeCloseTo(1, 1);
  });

  it('refuses counts that do not fit the population', () => {
    expect(() =>
      excessDropPValue({ n: 5, minus: 4, plus: 0 }, { n: 10, minus: 3, plus: 0 }),
    ).toThrow(RangeError);
  });
});
