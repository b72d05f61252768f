/**
 * Did a slice get worse than the rest of the data? Each paired example has a change
 * d = outcome(candidate) − outcome(baseline) ∈ {−1, 0, +1} (classification: newly wrong, same,
 * newly right). A slice's drop is judged against its complement's, not against zero: with an
 * overall drop of 5 points, two halves that each drop 5 points are both "significant" against
 * the baseline, yet neither got worse than the other.
 *
 * The test is an exact permutation test of the slice's sum of changes (a difference in
 * differences: slice change − rest change is a monotone function of it once the sizes are fixed).
 * Under the null that the slice label carries no information about the change, the slice is a
 * random subset of size m of the N paired examples, so its counts of −1 and +1 follow a
 * multivariate hypergeometric distribution; the one-sided p-value sums that distribution over
 * every outcome at least as bad as the observed one. It conditions on the observed changes only
 * (no model of their distribution), is exact at any size, and handles the many ties of a
 * three-valued change, where a normal approximation or a bootstrap of a difference of means would
 * not be exact for small slices. scipy.stats.permutation_test (exact enumeration) gives the same
 * numbers (scripts/make-excess-drop-goldens.py).
 */

/** Counts of paired examples by change: `minus` got worse, `plus` got better, of `n`. */
export interface ChangeCounts {
  n: number;
  minus: number;
  plus: number;
}

/** Above this many (k−, k+) terms, the normal approximation with continuity correction is used. */
const EXACT_TERMS = 4_000_000;

/** log(k!) for k = 0..n, built once per population size and reused. */
let logFactorials = new Float64Array([0]);
function logFactorial(n: number): number {
  if (n >= logFactorials.length) {
    const grown = new Float64Array(Math.max(n + 1, logFactorials.length * 2));
    grown.set(logFactorials);
    for (let k = logFactorials.length; k < grown.length; k++)
      grown[k] = grown[k - 1]! + Math.log(k);
    logFactorials = grown;
  }
  return logFactorials[n]!;
}

const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

/**
 * One-sided p-value that the slice (counts `slice`, drawn from `population`, which includes it)
 * got worse than the rest: P(T ≤ t) for T = k+ − k− of a random subset of the slice's size.
 * 1 for an empty slice or a slice that is the whole population (nothing to compare with).
 */
export function excessDropPValue(slice: ChangeCounts, population: ChangeCounts): number {
  const { n: N, minus: a, plus: b } = population;
  const c = N - a - b;
  const m = slice.n;
  if (slice.minus > a || slice.plus > b || m > N || slice.minus + slice.plus > m)
    throw new RangeError('slice counts exceed the population counts');
  if (m === 0 || m === N || a + b === 0) return 1;
  const t = slice.plus - slice.minus;
  const maxMinus = Math.min(m, a);
  const maxPlus = Math.min(m, b);
  if ((maxMinus + 1) * (maxPlus + 1) > EXACT_TERMS) return normalApproximation(t, m, population);
  const logTotal = logChoose(N, m);
  let p = 0;
  for (let km = 0; km <= maxMinus; km++) {
    // k+ ranges so that k0 = m − k− − k+ is in [0, c] and k+ − k− ≤ t.
    const lo = Math.max(0, m - km - c);
    const hi = Math.min(maxPlus, m - km, t + km);
    const base = logChoose(a, km) - logTotal;
    for (let kp = lo; kp <= hi; kp++)
      p += Math.exp(base + logChoose(b, kp) + logChoose(c, m - km - kp));
  }
  return Math.min(1, p);
}

/** Normal approximation of the same sum (sampling without replacement), continuity-corrected. */
function normalApproximation(t: number, m: number, pop: ChangeCounts): number {
  const N = pop.n;
  const mean = (pop.plus - pop.minus) / N;
  const variance = (pop.plus + pop.minus) / N - mean * mean;
  const sd = Math.sqrt(((m * (N - m)) / (N - 1)) * variance);
  if (sd === 0) return 1;
  const z = (t + 0.5 - m * mean) / sd;
  return normalCdf(z);
}

/** Φ(z) via erfc: the Chebyshev fit of Numerical Recipes' `erfcc` (fractional error < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851547 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
