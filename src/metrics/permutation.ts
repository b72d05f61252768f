/**
 * Permutation tests of a statistic that need not be a mean of per-example values (detection's
 * mAP is a set-level number): the statistic is recomputed on each rearrangement, so the test is
 * exact in distribution under its null whatever the statistic.
 *
 * - {@link pairedSwapPValue}: paired examples; under the null the two models are exchangeable on
 *   every example, so each example's pair of predictions is swapped or not with probability ½.
 *   Two-sided.
 * - {@link membershipPValue}: a subset (a slice) of a population; under the null the subset is a
 *   random one of its size. One-sided (the statistic is at most its observed value).
 *
 * Both enumerate every rearrangement when there are at most `maxDraws` of them (then the p-value
 * is exact and equals scipy.stats.permutation_test's, scripts/make-permutation-goldens.py);
 * otherwise they draw at random and stop early by Besag & Clifford's sequential rule (J. Besag,
 * P. Clifford, "Sequential Monte Carlo p-values", Biometrika 78, 1991): once `exceedances` draws
 * are at least as extreme as the observed value after L draws, p = exceedances / L; after
 * `maxDraws` draws with k such draws, p = (k + 1) / (maxDraws + 1). Both are valid p-values
 * (P(p ≤ α) ≤ α under the null), and a statistic far from significant costs a few dozen draws
 * instead of `maxDraws`: the re-evaluations are the expensive part.
 *
 * A rearrangement whose statistic is undefined (NaN: e.g. no object in a drawn subset) counts
 * as at least as extreme, which can only raise p; an undefined observed value gives p = 1.
 */
import { createRandom } from './random.js';

/** How many rearrangements a test may evaluate. */
export interface PermutationOptions {
  /** At most this many random draws (and enumeration when there are no more rearrangements). */
  maxDraws: number;
  /** Stop after this many draws at least as extreme as the observed value (Besag-Clifford h). */
  exceedances: number;
  seed: number;
}

/** A permutation p-value and what it cost. */
export interface PermutationResult {
  /** The statistic on the data as observed. */
  observed: number;
  p: number;
  /** Rearrangements evaluated. */
  draws: number;
  /** Every rearrangement was enumerated. */
  exact: boolean;
}

/**
 * Ties within rounding count as "at least as extreme": scipy's permutation_test does the same
 * with a relative tolerance of 100 ulps, so an exact rearrangement that reproduces the observed
 * value through another summation order is not lost.
 */
const tolerance = (x: number) => Math.abs(x) * 100 * Number.EPSILON;

function sequential(
  extreme: () => boolean,
  options: PermutationOptions,
): { p: number; draws: number } {
  let k = 0;
  for (let r = 1; r <= options.maxDraws; r++) {
    if (extreme()) k++;
    if (k >= options.exceedances) return { p: k / r, draws: r };
  }
  return { p: (k + 1) / (options.maxDraws + 1), draws: options.maxDraws };
}

/**
 * Two-sided paired permutation p-value of `statistic` over `n` pairs: `swap[t] = 1` means pair
 * t's two members are exchanged. The statistic must be antisymmetric under swapping every pair
 * (candidate − baseline is), so the null distribution is symmetric and the two-sided p-value
 * (scipy's 2·min of the one-sided ones) counts rearrangements with |T| ≥ |observed|.
 */
export function pairedSwapPValue(
  n: number,
  statistic: (swap: Uint8Array) => number,
  options: PermutationOptions,
): PermutationResult {
  const swap = new Uint8Array(n);
  const observed = statistic(swap);
  const bar = Math.abs(observed) - tolerance(observed);
  if (n === 0 || observed === 0 || Number.isNaN(observed))
    return { observed, p: 1, draws: 0, exact: true };
  if (n <= 30 && 2 ** n <= options.maxDraws) {
    // Every mask in binary order; the identity is one of them.
    const total = 2 ** n;
    let k = 0;
    for (let mask = 0; mask < total; mask++) {
      for (let t = 0; t < n; t++) swap[t] = (mask >>> t) & 1;
      if (!(Math.abs(statistic(swap)) < bar)) k++;
    }
    return { observed, p: Math.min(1, k / total), draws: total, exact: true };
  }
  const rng = createRandom(options.seed);
  const { p, draws } = sequential(() => {
    for (let t = 0; t < n; t += 32) {
      const bits = rng.nextUint32();
      for (let u = 0; u < 32 && t + u < n; u++) swap[t + u] = (bits >>> u) & 1;
    }
    return !(Math.abs(statistic(swap)) < bar);
  }, options);
  return { observed, p: Math.min(1, p), draws, exact: false };
}

/** C(n, k) as a double (exact below 2⁵³), for deciding whether to enumerate. */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * One-sided permutation p-value that `statistic` of the subset marked in `inSlice` (size m of
 * N) is as small as observed: P(T ≤ observed) over uniformly random subsets of size m. The
 * statistic reads the mask it is given (1 = in the subset).
 */
export function membershipPValue(
  inSlice: Uint8Array,
  statistic: (mask: Uint8Array) => number,
  options: PermutationOptions,
): PermutationResult {
  const N = inSlice.length;
  let m = 0;
  for (let i = 0; i < N; i++) m += inSlice[i]!;
  const observed = statistic(inSlice);
  if (m === 0 || m === N || Number.isNaN(observed))
    return { observed, p: 1, draws: 0, exact: true };
  const bar = observed + tolerance(observed);
  const mask = new Uint8Array(N);
  const k = Math.min(m, N - m);
  if (choose(N, k) <= options.maxDraws) {
    // Every subset of size m, in lexicographic order of its members.
    const idx = Uint32Array.from({ length: m }, (_, i) => i);
    let count = 0;
    let total = 0;
    for (;;) {
      mask.fill(0);
      for (let i = 0; i < m; i++) mask[idx[i]!] = 1;
      total++;
      if (!(statistic(mask) > bar)) count++;
      let i = m - 1;
      while (i >= 0 && idx[i] === N - m + i) i--;
      if (i < 0) break;
      idx[i]!++;
      for (let j = i + 1; j < m; j++) idx[j] = idx[j - 1]! + 1;
    }
    return { observed, p: Math.min(1, count / total), draws: total, exact: true };
  }
  const rng = createRandom(options.seed);
  const order = Uint32Array.from({ length: N }, (_, i) => i);
  const { p, draws } = sequential(() => {
    // A uniform subset of size m: the first m of a partial Fisher-Yates shuffle.
    mask.fill(0);
    for (let i = 0; i < m; i++) {
      const j = i + rng.nextInt(N - i);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
      mask[order[i]!] = 1;
    }
    return !(statistic(mask) > bar);
  }, options);
  return { observed, p: Math.min(1, p), draws, exact: false };
}
