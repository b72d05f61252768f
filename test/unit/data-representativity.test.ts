import { describe, expect, it } from 'vitest';
import {
  checkRepresentativity,
  compareToReference,
  compareToShares,
  type CategorisedItem,
} from '../../src/suites/data/representativity.js';

const items = (counts: Record<string, number>, column?: string): CategorisedItem[] =>
  Object.entries(counts).flatMap(([value, n]) =>
    Array.from({ length: n }, () =>
      column ? { metadata: { [column]: value } } : { label: value },
    ),
  );
const opts = { minSupport: 5, alpha: 0.01 };

describe('compareToShares (goodness of fit)', () => {
  it('matches a hand-computed chi-square and TVD', () => {
    // O = [30, 10, 20] vs uniform: E = 20 each, X² = (100 + 100 + 0)/20 = 10, df = 2,
    // p = exp(−10/2) (the χ²₂ survival function); TVD = ½(1/6 + 1/6 + 0) = 1/6.
    const c = compareToShares(
      items({ a: 30, b: 10, c: 20 }),
      { kind: 'label' },
      { a: 1, b: 1, c: 1 },
      opts,
    );
    expect(c.chiSquare!.statistic).toBeCloseTo(10, 10);
    expect(c.chiSquare!.df).toBe(2);
    expect(c.chiSquare!.pValue).toBeCloseTo(Math.exp(-5), 10);
    expect(c.significant).toBe(true);
    expect(c.tvd).toBeCloseTo(1 / 6, 12);
    expect(c.categories[0]!.value).toBe('a'); // largest share difference first (tie with b: by name)
    expect(c).toMatchObject({
      source: 'config',
      test: 'goodness-of-fit',
      observedTotal: 60,
      lowExpectedCounts: false,
    });
  });

  it('names unexpected, missing and small categories and tests only expected ones', () => {
    const c = compareToShares(
      [...items({ a: 10, d: 3 }, 'site'), { metadata: {} }, { metadata: { site: '' } }],
      { kind: 'metadata', column: 'site' },
      { a: 0.5, b: 0.5, c: 0 },
      opts,
    );
    expect(c.unexpected).toEqual(['d']);
    expect(c.missing).toEqual(['b']);
    expect(c.belowMinSupport).toEqual(['d']);
    expect(c.missingValueCount).toBe(2);
    // Tested cells a, b: O = [10, 0], E = [5, 5] → X² = 10, df = 1.
    expect(c.chiSquare).toMatchObject({ df: 1 });
    expect(c.chiSquare!.statistic).toBeCloseTo(10, 10);
    expect(c.lowExpectedCounts).toBe(false);
    // TVD over all categories: observed a 10/13, d 3/13 vs expected a 0.5, b 0.5.
    expect(c.tvd).toBeCloseTo(0.5 * (Math.abs(10 / 13 - 0.5) + 0.5 + 3 / 13), 12);
  });

  it('rejects negative shares', () => {
    expect(() => compareToShares(items({ a: 1 }), { kind: 'label' }, { a: -1 }, opts)).toThrow(
      /≥ 0/,
    );
  });
});

describe('compareToReference (homogeneity)', () => {
  it('matches a hand-computed 2×2 test', () => {
    // Eval [30, 10], reference [20, 20]: E = 25, 15 in both rows,
    // X² = 2·(25/25 + 25/15) = 16/3, df = 1, p = erfc(√(X²/2)) ≈ 0.020921.
    const c = compareToReference(
      items({ x: 30, y: 10 }),
      items({ x: 20, y: 20 }),
      { kind: 'label' },
      opts,
    );
    expect(c.chiSquare!.statistic).toBeCloseTo(16 / 3, 10);
    expect(c.chiSquare!.df).toBe(1);
    expect(c.chiSquare!.pValue).toBeCloseTo(0.020921, 5);
    expect(c.significant).toBe(false); // alpha 0.01
    expect(c.tvd).toBeCloseTo(0.25, 12);
    expect(c.referenceTotal).toBe(40);
    expect(c.categories.find((r) => r.value === 'x')!.referenceCount).toBe(20);
  });
  it('reports categories absent on one side', () => {
    const c = compareToReference(
      items({ x: 30, new: 5 }),
      items({ x: 20, old: 20 }),
      { kind: 'label' },
      opts,
    );
    expect(c.unexpected).toEqual(['new']);
    expect(c.missing).toEqual(['old']);
  });
});

describe('checkRepresentativity', () => {
  it('uses config shares first, the reference for the rest, and summarises', () => {
    const evalItems: CategorisedItem[] = [
      ...Array.from({ length: 40 }, (_, i) => ({
        label: i % 2 ? 'cat' : 'dog',
        metadata: { light: 'day', cam: 'a' },
      })),
      ...Array.from({ length: 10 }, () => ({
        label: 'cat',
        metadata: { light: 'night', cam: 'b' },
      })),
    ];
    const reference = Array.from({ length: 100 }, (_, i) => ({
      label: 'cat',
      metadata: { light: i < 50 ? 'day' : 'night', cam: i < 50 ? 'a' : 'b' },
    }));
    const f = checkRepresentativity(evalItems, {
      expectedLabel: 'uniform',
      expectedMetadata: { light: { day: 0.5, night: 0.5 } },
      reference,
      classes: ['cat', 'dog'],
      minSupport: 5,
      alpha: 0.01,
    })!;
    expect(f.comparisons.map((c) => [c.dimension, c.source])).toEqual([
      [{ kind: 'label' }, 'config'],
      [{ kind: 'metadata', column: 'cam' }, 'reference'],
      [{ kind: 'metadata', column: 'light' }, 'config'],
    ]);
    expect(f.maxTvd).toBeCloseTo(0.3, 12); // light: 0.8 vs 0.5
    expect(f.significantCount).toBeGreaterThanOrEqual(1);
    expect(
      checkRepresentativity(evalItems, { classes: ['cat'], minSupport: 5, alpha: 0.01 }),
    ).toBeUndefined();
  });
});
