import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/metrics/random.js';
import { binNumeric, sliceLine, type Slice, type SliceRow } from '../../src/metrics/slice-line.js';

/**
 * Planted failure: lighting × camera is a full 3 × 3 grid with 1000 rows per cell plus a noise
 * feature. In (lighting = dim, camera = B) exactly 600 of 1000 rows are errors (60%); every
 * other cell has exactly 50 of 1000 (5%).
 */
function plantedData(): { rows: SliceRow[]; errors: number[] } {
  const rows: SliceRow[] = [];
  const errors: number[] = [];
  for (const lighting of ['bright', 'dim', 'normal']) {
    for (const camera of ['A', 'B', 'C']) {
      const bad = lighting === 'dim' && camera === 'B';
      for (let i = 0; i < 1000; i++) {
        rows.push({ lighting, camera, site: `s${i % 4}` });
        errors.push(bad ? (i % 5 < 3 ? 1 : 0) : i % 20 === 7 ? 1 : 0);
      }
    }
  }
  return { rows, errors };
}

describe('sliceLine on a planted failing conjunction', () => {
  const { rows, errors } = plantedData();
  const result = sliceLine(rows, errors, { k: 5, maxLevel: 3, minSupport: 32, alpha: 0.95 });

  it('ranks the planted slice first with its exact size and error', () => {
    const top = result.slices[0]!;
    expect(top.predicates).toEqual([
      { feature: 'camera', value: 'B' },
      { feature: 'lighting', value: 'dim' },
    ]);
    expect(top.size).toBe(1000);
    expect(top.errorSum).toBe(600);
    expect(top.meanError).toBe(0.6);
    expect(top.maxError).toBe(1);
  });

  it('scores it with sc = α(ē_S/ē − 1) − (1 − α)(n/|S| − 1)', () => {
    // n = 9000, Σe = 600 + 8·50 = 1000, ē = 1/9; ē_S = 0.6:
    // sc = 0.95·(0.6·9 − 1) − 0.05·(9 − 1) = 0.95·4.4 − 0.4 = 3.78
    expect(result.n).toBe(9000);
    expect(result.averageError).toBeCloseTo(1 / 9, 15);
    expect(result.slices[0]!.score).toBeCloseTo(3.78, 12);
  });

  it('returns only positive scores, best first', () => {
    expect(result.slices.length).toBeGreaterThan(1);
    for (let i = 0; i < result.slices.length; i++) {
      const s = result.slices[i]!;
      expect(s.score).toBeGreaterThan(0);
      if (i > 0) expect(s.score).toBeLessThanOrEqual(result.slices[i - 1]!.score);
    }
  });

  it('prunes: level 3 evaluates far fewer candidates than exist', () => {
    // Level 3 has 3·3·4 = 36 conjunctions; the score bound rules out most of them.
    const level3 = result.levels.find((l) => l.level === 3);
    expect(result.levels[0]).toEqual({
      level: 1,
      candidates: 10,
      evaluated: 10,
      kept: expect.any(Number),
    });
    expect(level3 === undefined || level3.evaluated < 36).toBe(true);
  });
});

describe('sliceLine on uniform errors', () => {
  it('finds nothing with a meaningful score', () => {
    const rng = createRandom(99);
    const rows: SliceRow[] = [];
    const errors: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      rows.push({
        a: `a${rng.nextInt(3)}`,
        b: `b${rng.nextInt(4)}`,
        c: `c${rng.nextInt(5)}`,
        d: `d${rng.nextInt(2)}`,
      });
      errors.push(rng.nextFloat() < 0.2 ? 1 : 0);
    }
    const result = sliceLine(rows, errors, { k: 10, maxLevel: 3 });
    // A 1/120 slice needs ē_S/ē − 1 > (0.05/0.95)·119 ≈ 6.3, impossible at ē = 0.2 (ratio ≤ 5);
    // large slices only reach noise-level error ratios.
    for (const s of result.slices) expect(s.score).toBeLessThan(0.05);
  });

  it('returns nothing when there are no errors or no rows', () => {
    expect(sliceLine([{ a: 'x' }, { a: 'y' }], [0, 0]).slices).toEqual([]);
    expect(sliceLine([], []).slices).toEqual([]);
  });
});

describe('sliceLine hand-worked score', () => {
  it('scores a single predicate', () => {
    // 8 rows; f = x on rows 0–3 with errors 1,1,1,0, f = y on rows 4–7 with errors 0,0,0,1.
    // ē = 4/8 = 0.5. Slice f = x: |S| = 4, ē_S = 0.75.
    // α = 0.5: sc = 0.5·(0.75/0.5 − 1) − 0.5·(8/4 − 1) = 0.25 − 0.5 < 0 → not returned
    // α = 0.9: sc = 0.9·0.5 − 0.1·1 = 0.35
    const rows = ['x', 'x', 'x', 'x', 'y', 'y', 'y', 'y'].map((f) => ({ f }));
    const errors = [1, 1, 1, 0, 0, 0, 0, 1];
    expect(sliceLine(rows, errors, { alpha: 0.5, minSupport: 1 }).slices).toEqual([]);
    const [s] = sliceLine(rows, errors, { alpha: 0.9, minSupport: 1 }).slices;
    expect(s).toMatchObject({ predicates: [{ feature: 'f', value: 'x' }], size: 4, errorSum: 3 });
    expect(s!.score).toBeCloseTo(0.35, 15);
    // minSupport above the slice size removes it
    expect(sliceLine(rows, errors, { alpha: 0.9, minSupport: 5 }).slices).toEqual([]);
  });

  it('never matches missing values, and restricts to the given features', () => {
    const rows: SliceRow[] = [
      { f: 'x', g: 'p' },
      { f: 'x' },
      { g: 'p' },
      { f: 'y', g: 'q' },
      { f: 'y', g: 'q' },
      { f: 'y', g: 'q' },
    ];
    const errors = [1, 1, 1, 0, 0, 0];
    const all = sliceLine(rows, errors, { alpha: 0.9, minSupport: 1, k: 10 });
    const fx = all.slices.find((s) => s.predicates.length === 1 && s.predicates[0]!.value === 'x');
    expect(fx).toMatchObject({ size: 2, errorSum: 2 });
    const gp = all.slices.find((s) => s.predicates.length === 1 && s.predicates[0]!.value === 'p');
    expect(gp).toMatchObject({ size: 2, errorSum: 2 });
    const both = all.slices.find((s) => s.predicates.length === 2);
    expect(both).toMatchObject({
      size: 1,
      predicates: [
        { feature: 'f', value: 'x' },
        { feature: 'g', value: 'p' },
      ],
    });
    const onlyG = sliceLine(rows, errors, { alpha: 0.9, minSupport: 1, features: ['g'] });
    expect(onlyG.slices.every((s) => s.predicates.every((p) => p.feature === 'g'))).toBe(true);
  });

  it('validates its input', () => {
    expect(() => sliceLine([{ a: 'x' }], [1, 0])).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [-1])).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [NaN])).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [1], { alpha: 0 })).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [1], { k: 0 })).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [1], { maxLevel: 0 })).toThrow(RangeError);
    expect(() => sliceLine([{ a: 'x' }], [1], { minSupport: 0 })).toThrow(RangeError);
  });
});

/**
 * Reference: enumerate every conjunction of ≤ maxLevel predicates on distinct features, compute
 * its statistics directly, keep size ≥ minSupport and score > 0, and sort by the documented order
 * (score desc, size desc, fewer predicates, then feature index and value, ascending).
 */
function bruteForce(
  rows: SliceRow[],
  errors: number[],
  features: string[],
  opts: { k: number; maxLevel: number; minSupport: number; alpha: number },
): Slice[] {
  const n = rows.length;
  const mean = errors.reduce((a, b) => a + b, 0) / n;
  const values = features.map((f) =>
    [...new Set(rows.map((r) => r[f]).filter((v): v is string => v !== undefined))].sort(),
  );
  const out: (Slice & { key: number[] })[] = [];
  const recurse = (start: number, preds: [number, number][]): void => {
    if (preds.length > 0) {
      let size = 0;
      let errorSum = 0;
      let maxError = 0;
      for (let i = 0; i < n; i++) {
        if (preds.every(([f, v]) => rows[i]![features[f]!] === values[f]![v])) {
          size++;
          errorSum += errors[i]!;
          maxError = Math.max(maxError, errors[i]!);
        }
      }
      if (size >= opts.minSupport && size > 0) {
        const score = opts.alpha * (errorSum / size / mean - 1) - (1 - opts.alpha) * (n / size - 1);
        if (score > 0) {
          out.push({
            predicates: preds.map(([f, v]) => ({ feature: features[f]!, value: values[f]![v]! })),
            size,
            errorSum,
            meanError: errorSum / size,
            maxError,
            score,
            key: preds.flat(),
          });
        }
      }
    }
    if (preds.length === opts.maxLevel) return;
    for (let f = start; f < features.length; f++) {
      for (let v = 0; v < values[f]!.length; v++) recurse(f + 1, [...preds, [f, v]]);
    }
  };
  recurse(0, []);
  out.sort((a, b) => {
    if (a.score !== b.score) return b.score - a.score;
    if (a.size !== b.size) return b.size - a.size;
    if (a.key.length !== b.key.length) return a.key.length - b.key.length;
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
    return 0;
  });
  return out.slice(0, opts.k).map(({ key: _key, ...slice }) => slice);
}

describe('sliceLine pruning vs brute force', () => {
  const configs = [
    { k: 5, maxLevel: 3, minSupport: 5, alpha: 0.95 },
    { k: 10, maxLevel: 4, minSupport: 1, alpha: 0.8 },
    { k: 3, maxLevel: 2, minSupport: 20, alpha: 0.99 },
    { k: 20, maxLevel: 3, minSupport: 8, alpha: 0.9 },
  ];
  for (let seed = 1; seed <= 12; seed++) {
    const opts = configs[seed % configs.length]!;
    it(`seed ${seed}: same top-${opts.k} as exhaustive enumeration (maxLevel ${opts.maxLevel})`, () => {
      const rng = createRandom(seed);
      const features = ['f0', 'f1', 'f2', 'f3', 'f4'];
      const cards = [2, 3, 4, 2, 3];
      const n = 150 + rng.nextInt(150);
      const rows: SliceRow[] = [];
      const errors: number[] = [];
      for (let i = 0; i < n; i++) {
        const row: Record<string, string> = {};
        features.forEach((f, j) => {
          // some missing values, to exercise them too
          if (rng.nextInt(25) !== 0) row[f] = `v${rng.nextInt(cards[j]!)}`;
        });
        rows.push(row);
        // error rises on f0 = v1 ∧ f2 = v3; even seeds use 0/1 errors (many ties), odd seeds
        // fractional ones
        const hot = row.f0 === 'v1' && row.f2 === 'v3';
        const u = rng.nextFloat();
        errors.push(
          seed % 2 === 0 ? (u < (hot ? 0.7 : 0.15) ? 1 : 0) : hot ? 0.2 + 0.8 * u : 0.3 * u * u,
        );
      }
      const fast = sliceLine(rows, errors, { ...opts, features });
      const slow = bruteForce(rows, errors, features, opts);
      expect(slow.length).toBeGreaterThan(0);
      expect(fast.slices.map((s) => s.predicates)).toEqual(slow.map((s) => s.predicates));
      fast.slices.forEach((s, i) => {
        const ref = slow[i]!;
        expect(s.size).toBe(ref.size);
        expect(s.errorSum).toBeCloseTo(ref.errorSum, 9);
        expect(s.maxError).toBe(ref.maxError);
        expect(s.score).toBeCloseTo(ref.score, 9);
      });
    });
  }
});

describe('binNumeric', () => {
  it('makes quantile bins with half-open labels and a closed last bin', () => {
    // values 1..8, 4 bins: edges at quantiles 0, .25, .5, .75, 1 (type 7):
    // h = 7·j/4 → 1, 2.75, 4.5, 6.25, 8
    const { labels, edges } = binNumeric([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(edges).toEqual([1, 2.75, 4.5, 6.25, 8]);
    expect(labels).toEqual([
      '[1, 2.75)',
      '[1, 2.75)',
      '[2.75, 4.5)',
      '[2.75, 4.5)',
      '[4.5, 6.25)',
      '[4.5, 6.25)',
      '[6.25, 8]',
      '[6.25, 8]',
    ]);
  });

  it('merges duplicate edges, skips missing values and keeps labels distinct', () => {
    const { labels, edges } = binNumeric([0, 0, 0, 0, 0, 0, 1, 2, null, NaN, undefined], 4);
    // finite values 0×6, 1, 2: quantiles 0, 0, 0, 0.25, 2 → edges [0, 0.25, 2]
    expect(edges).toEqual([0, 0.25, 2]);
    expect(labels.slice(0, 8)).toEqual([
      '[0, 0.25)',
      '[0, 0.25)',
      '[0, 0.25)',
      '[0, 0.25)',
      '[0, 0.25)',
      '[0, 0.25)',
      '[0.25, 2]',
      '[0.25, 2]',
    ]);
    expect(labels.slice(8)).toEqual([undefined, undefined, undefined]);
    const close = binNumeric([1.00001, 1.00002, 1.00003, 1.00004], 2);
    expect(new Set(close.labels).size).toBe(2);
    expect(binNumeric([5, 5, 5], 3)).toEqual({
      labels: ['[5, 5]', '[5, 5]', '[5, 5]'],
      edges: [5],
    });
    expect(binNumeric([], 3)).toEqual({ labels: [], edges: [] });
    expect(() => binNumeric([1], 0)).toThrow(RangeError);
  });
});
