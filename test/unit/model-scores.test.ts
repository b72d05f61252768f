import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { assertFinite, isProbabilityRow, scoreRow, softmax } from '../../src/model/scores.js';

const expectAllClose = (actual: ArrayLike<number>, expected: number[], digits = 12) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i], `index ${i}`).toBeCloseTo(v, digits));
};

describe('softmax', () => {
  it('logits [0, ln 2, ln 3] give [1/6, 2/6, 3/6]', () => {
    // exp: [1, 2, 3], sum 6.
    expectAllClose(softmax([0, Math.log(2), Math.log(3)]), [1 / 6, 2 / 6, 3 / 6], 15);
  });

  it('is shift-invariant and stable for large logits (1000, 1001)', () => {
    // exp(1000) overflows a double; with the max subtracted: [e⁻¹, 1] / (1 + e⁻¹)
    //   = [1/(1 + e), e/(1 + e)] = [0.26894…, 0.73105…]
    const p = softmax([1000, 1001]);
    expectAllClose(p, [1 / (1 + Math.E), Math.E / (1 + Math.E)], 15);
    expectAllClose(softmax([-1000, -1001]), [Math.E / (1 + Math.E), 1 / (1 + Math.E)], 15);
  });

  it('uniform logits give a uniform distribution; -Infinity gets 0', () => {
    expectAllClose(softmax([7, 7, 7, 7]), [0.25, 0.25, 0.25, 0.25], 15);
    expectAllClose(softmax([0, -Infinity]), [1, 0], 15);
  });

  it('works on Float32Array input and returns float64', () => {
    const p = softmax(Float32Array.from([0, 0]));
    expect(p).toBeInstanceOf(Float64Array);
    expectAllClose(p, [0.5, 0.5], 15);
  });
});

describe('isProbabilityRow', () => {
  it('true for non-negative rows summing to 1 within ±1e-3', () => {
    expect(isProbabilityRow([0.2, 0.3, 0.5])).toBe(true);
    expect(isProbabilityRow([1, 0, 0])).toBe(true);
    expect(isProbabilityRow([0.5, 0.5009])).toBe(true); // sum 1.0009, inside the tolerance
    expect(isProbabilityRow([0.5, 0.4991])).toBe(true); // sum 0.9991
  });

  it('false outside the tolerance, for negatives or values above 1, and for an empty row', () => {
    expect(isProbabilityRow([0.5, 0.5011])).toBe(false); // sum 1.0011
    expect(isProbabilityRow([0.2, 0.3, 0.4])).toBe(false); // sum 0.9
    expect(isProbabilityRow([1.2, -0.2])).toBe(false); // sums to 1 but is not a distribution
    expect(isProbabilityRow([2, 1, 0])).toBe(false);
    expect(isProbabilityRow([])).toBe(false);
  });
});

describe('scoreRow', () => {
  it('auto: a probability row is used as is (not softmaxed again)', () => {
    // pred = argmax = 1, conf = 0.6; label 2: pTrue = 0.3, one class (index 1) above it → rank 1;
    // sumSq = 0.01 + 0.36 + 0.09 = 0.46
    const s = scoreRow([0.1, 0.6, 0.3], 2, 'auto');
    expect(s.pred).toBe(1);
    expect(s.conf).toBeCloseTo(0.6, 15);
    expect(s.pTrue).toBeCloseTo(0.3, 15);
    expect(s.rank).toBe(1);
    expect(s.sumSq).toBeCloseTo(0.46, 15);
    expectAllClose(s.probs, [0.1, 0.6, 0.3], 15);
  });

  it('auto: a probability row within tolerance is renormalised to sum to exactly 1', () => {
    // sum 0.2 + 0.2 + 0.6005 = 1.0005; each value divided by it.
    const s = scoreRow([0.2, 0.2, 0.6005], 0, 'auto');
    expectAllClose(s.probs, [0.2 / 1.0005, 0.2 / 1.0005, 0.6005 / 1.0005], 15);
    expect(s.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('auto: logits are softmaxed', () => {
    // [0, ln 2, ln 3] → [1/6, 2/6, 3/6]; label 0: pTrue 1/6, rank 2, pred 2, conf 1/2;
    // sumSq = (1 + 4 + 9)/36 = 14/36
    const s = scoreRow([0, Math.log(2), Math.log(3)], 0, 'auto');
    expect(s.pred).toBe(2);
    expect(s.conf).toBeCloseTo(0.5, 15);
    expect(s.pTrue).toBeCloseTo(1 / 6, 15);
    expect(s.rank).toBe(2);
    expect(s.sumSq).toBeCloseTo(14 / 36, 15);
  });

  it('logits: a row that looks like probabilities is still softmaxed', () => {
    // [0.5, 0.5, 0] as logits: exp → [e^½, e^½, 1], sum 2e^½ + 1
    const s = scoreRow([0.5, 0.5, 0], 0, 'logits');
    const z = 2 * Math.exp(0.5) + 1;
    expectAllClose(s.probs, [Math.exp(0.5) / z, Math.exp(0.5) / z, 1 / z], 15);
  });

  it('probabilities: unnormalised scores are divided by their sum', () => {
    // [2, 6] → [0.25, 0.75]
    const s = scoreRow([2, 6], 1, 'probabilities');
    expectAllClose(s.probs, [0.25, 0.75], 15);
    expect(s.pred).toBe(1);
    expect(s.rank).toBe(0);
  });

  it('probabilities: a row summing to 0 is refused', () => {
    expect(() => scoreRow([0, 0, 0], 0, 'probabilities')).toThrow(/sums to 0/);
  });

  it('ties: argmax takes the lowest index (like numpy); tied classes before the label count in rank', () => {
    const tie = [0.25, 0.25, 0.25, 0.25];
    expect(scoreRow(tie, 0, 'auto')).toMatchObject({ pred: 0, rank: 0 });
    // label 2 ties with indices 0 and 1, which come first: rank 2 (not top-1, not top-2).
    expect(scoreRow(tie, 2, 'auto')).toMatchObject({ pred: 0, rank: 2 });
    expect(scoreRow(tie, 3, 'auto')).toMatchObject({ pred: 0, rank: 3 });
    // A tie between the two top classes after softmax: logits [1, 3, 3, 0] → pred 1.
    expect(scoreRow([1, 3, 3, 0], 2, 'logits')).toMatchObject({ pred: 1, rank: 1 });
    // A class tied with the label but at a higher index does not count: label 1, tie with 2.
    expect(scoreRow([1, 3, 3, 0], 1, 'logits')).toMatchObject({ pred: 1, rank: 0 });
  });

  it('rank is 0 exactly when pred is the label (seeded random rows, ties included)', () => {
    let seed = 12345;
    // A small LCG: values in {0, …, 4} so ties are frequent.
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 5;
    };
    for (let n = 0; n < 500; n++) {
      const row = Array.from({ length: 4 }, next);
      const label = next() % 4;
      const s = scoreRow(row, label, 'logits');
      expect(s.rank === 0, `row ${row.join(',')} label ${label}`).toBe(s.pred === label);
      // Brier identity: Σ(p − onehot)² = sumSq − 2·pTrue + 1 ≥ 0
      expect(s.sumSq - 2 * s.pTrue + 1).toBeGreaterThanOrEqual(-1e-12);
    }
  });
});

describe('assertFinite', () => {
  it('passes finite data', () => {
    expect(() =>
      assertFinite(Float32Array.from([1, 2, 3, 4]), 2, ['a', 'b'], 'candidate'),
    ).not.toThrow();
  });

  it('names the examples with NaN or infinite scores, once each', () => {
    // 4 rows of 2: row 1 has NaN (both values), row 3 has -Infinity.
    const data = Float32Array.from([0, 1, NaN, NaN, 2, 3, 4, -Infinity]);
    try {
      assertFinite(data, 2, ['img-a', 'img-b', 'img-c', 'img-d'], 'baseline model');
      expect.unreachable();
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      const msg = (error as Error).message;
      expect(msg).toContain(
        'baseline model produced NaN or infinite scores for 2 example(s): img-b, img-d.',
      );
      expect(msg).not.toContain('img-a');
      expect(msg).toContain('model.input.scale/mean/std');
    }
  });

  it('lists at most 5 ids', () => {
    const ids = Array.from({ length: 7 }, (_, i) => `e${i}`);
    const data = new Float32Array(7).fill(NaN);
    expect(() => assertFinite(data, 1, ids, 'candidate')).toThrow(
      'for 7 example(s): e0, e1, e2, e3, e4, ...',
    );
  });
});
