/**
 * Statistics for comparing a candidate model with a baseline on the same examples, and generic
 * tests the data-quality suite uses. All pure and deterministic (resampling is seeded).
 *
 * - {@link mcnemarExact}: exact McNemar test on discordant pairs (McNemar 1947; exact binomial
 *   form, e.g. Fagerland, Lydersen & Laake, BMC Med Res Methodol 2013), with mid-p.
 * - {@link pairedBootstrap}, {@link bootstrapMeanDifference}, {@link pairedBootstrapMetric}:
 *   paired percentile bootstrap (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993,
 *   ch. 13) of the candidate − baseline difference of a metric.
 * - {@link benjaminiHochberg}: false discovery rate adjusted p-values (Benjamini & Hochberg 1995).
 * - {@link wilsonInterval}: Wilson score interval for a proportion (Wilson 1927).
 * - {@link chiSquareGoodnessOfFit}, {@link ksTwoSample}, {@link totalVariationDistance}.
 *
 * docs/statistics.md describes each method and the choices made.
 */

import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import {
  asRows,
  resolveMetric,
  summariseMetrics,
  type MetricDefinition,
  type MetricInput,
  type RecordColumns,
} from './classification.js';
import { createRandom } from './random.js';

// ---------------------------------------------------------------------------------------------
// McNemar

/** Counts of paired outcomes of two models on the same examples. */
export interface PairedOutcomes {
  /** Both correct. */
  both: number;
  /** Baseline correct, candidate wrong (McNemar's b: the candidate's new failures). */
  baselineOnly: number;
  /** Candidate correct, baseline wrong (McNemar's c: the candidate's fixes). */
  candidateOnly: number;
  /** Both wrong. */
  neither: number;
}

/**
 * Tabulate paired correctness. Entries are truthy/falsy (booleans or 0/1), index i of both arrays
 * must be the same example. Throws RangeError on a length mismatch.
 */
export function pairedOutcomes(
  candidateCorrect: ArrayLike<boolean | number>,
  baselineCorrect: ArrayLike<boolean | number>,
): PairedOutcomes {
  if (candidateCorrect.length !== baselineCorrect.length) {
    throw new RangeError(
      `paired outcomes need equal lengths, got ${candidateCorrect.length} and ${baselineCorrect.length}`,
    );
  }
  const out: PairedOutcomes = { both: 0, baselineOnly: 0, candidateOnly: 0, neither: 0 };
  for (let i = 0; i < candidateCorrect.length; i++) {
    const cand = Boolean(candidateCorrect[i]);
    const base = Boolean(baselineCorrect[i]);
    if (cand && base) out.both++;
    else if (base) out.baselineOnly++;
    else if (cand) out.candidateOnly++;
    else out.neither++;
  }
  return out;
}

/** Result of {@link mcnemarExact}. */
export interface McNemarResult {
  /** Discordant pairs where only the baseline is correct. */
  b: number;
  /** Discordant pairs where only the candidate is correct. */
  c: number;
  /** Exact two-sided p-value: min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, 1/2). 1 when b + c = 0. */
  pValue: number;
  /**
   * Mid-p variant: the exact p-value minus P(X = min(b, c)), i.e. min(1, 2·P(X < k) + P(X = k)).
   * Less conservative; Fagerland et al. (2013) recommend it. 1 when b + c = 0.
   */
  midPValue: number;
}

/**
 * Exact McNemar test of equal accuracy of two classifiers on the same examples. Under H0 each
 * discordant pair is equally likely to favour either model, so b ~ Bin(b + c, 1/2); the two-sided
 * p-value doubles the smaller tail (the binomial is symmetric for p = 1/2, so this equals
 * scipy.stats.binomtest(b, b + c, 0.5).pvalue).
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`McNemar ${name} must be a count, got ${v}`);
  }
  const n = b + c;
  if (n === 0) return { b, c, pValue: 1, midPValue: 1 };
  const k = Math.min(b, c);
  const tail = binomialCdf(k, n, 0.5);
  const point = k === 0 ? tail : tail - binomialCdf(k - 1, n, 0.5);
  return {
    b,
    c,
    pValue: Math.min(1, 2 * tail),
    midPValue: Math.min(1, 2 * tail - point),
  };
}

// ---------------------------------------------------------------------------------------------
// Paired bootstrap

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  resamples?: number;
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  confidence?: number;
  /** Seed of the deterministic generator (./random.ts). Default 0. */
  seed?: number;
}

/** A percentile bootstrap confidence interval. */
export interface BootstrapInterval {
  /** The statistic on the original sample (candidate − baseline). */
  estimate: number;
  /** Percentile (1 − confidence)/2 of the bootstrap replicates. */
  lower: number;
  /** Percentile (1 + confidence)/2 of the bootstrap replicates. */
  upper: number;
  /** Standard deviation of the replicates (bootstrap standard error). */
  standardError: number;
  confidence: number;
  /** Replicates used (resamples whose statistic was NaN are left out). */
  resamples: number;
  seed: number;
  method: 'percentile';
}

interface ResolvedBootstrap {
  resamples: number;
  confidence: number;
  seed: number;
}

function resolveBootstrap(options: BootstrapOptions): ResolvedBootstrap {
  const { resamples = 1000, confidence = 0.95, seed = 0 } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  }
  return { resamples, confidence, seed };
}

/** Quantile of sorted values with linear interpolation (Hyndman & Fan 1996 type 7, numpy's default). */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(m - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

function intervalFromReplicates(
  estimate: number,
  replicates: Float64Array,
  settings: ResolvedBootstrap,
): BootstrapInterval {
  let valid = replicates.filter((v) => !Number.isNaN(v));
  valid = valid.sort();
  const m = valid.length;
  let mean = 0;
  for (let i = 0; i < m; i++) mean += valid[i] as number;
  mean /= m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += ((valid[i] as number) - mean) ** 2;
  const alpha = 1 - settings.confidence;
  return {
    estimate,
    lower: quantileSorted(valid, alpha / 2),
    upper: quantileSorted(valid, 1 - alpha / 2),
    standardError: m > 1 ? Math.sqrt(ss / (m - 1)) : NaN,
    confidence: settings.confidence,
    resamples: m,
    seed: settings.seed,
    method: 'percentile',
  };
}

/**
 * Scratch arrays of the bootstrap, grown as needed and reused by every call: a report runs the
 * bootstrap for many metrics and slices, and fresh n-sized typed arrays per call piled up as
 * garbage (tens of MB at 100k examples) between collections. Calls never nest.
 */
const scratch = {
  draws: new Uint32Array(0),
  weights: new Uint32Array(0),
  diff: new Float64Array(0),
};

function scratchOf<K extends keyof typeof scratch>(key: K, n: number): (typeof scratch)[K] {
  if (scratch[key].length < n) {
    const Ctor = scratch[key].constructor as new (n: number) => (typeof scratch)[K];
    scratch[key] = new Ctor(Math.max(n, scratch[key].length * 2));
  }
  return scratch[key].subarray(0, n) as (typeof scratch)[K];
}

/**
 * Paired percentile bootstrap of a statistic of n paired examples. Each resample draws n example
 * indices uniformly with replacement and passes their multiplicities to `statistic` (weights[i]
 * = how often example i was drawn, Σ weights = n); the statistic should evaluate both models on
 * that same weighted sample and return candidate − baseline, so the pairing is kept. The
 * estimate is `statistic` with every weight 1.
 */
export function pairedBootstrap(
  n: number,
  statistic: (weights: Uint32Array) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const settings = resolveBootstrap(options);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`bootstrap needs n ≥ 1 examples, got ${n}`);
  const weights = scratchOf('weights', n).fill(1);
  const estimate = statistic(weights);
  const rng = createRandom(settings.seed);
  const replicates = new Float64Array(settings.resamples);
  const draws = scratchOf('draws', n);
  for (let r = 0; r < settings.resamples; r++) {
    rng.fillInts(draws, n);
    weights.fill(0);
    for (let i = 0; i < n; i++) {
      const idx = draws[i] as number;
      weights[idx] = (weights[idx] as number) + 1;
    }
    replicates[r] = statistic(weights);
  }
  return intervalFromReplicates(estimate, replicates, settings);
}

/**
 * Paired percentile bootstrap of mean(candidate) − mean(baseline) for per-example values
 * (correctness 0/1 for accuracy, per-example Brier, ...). O(n) per resample with no allocation:
 * 10k examples × 1000 resamples takes well under a second (see bench/slice-line.bench.ts). Uses the same index draws as
 * {@link pairedBootstrap} with the same seed, so both give the same interval for a mean.
 */
export function bootstrapMeanDifference(
  candidate: ArrayLike<number>,
  baseline: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const settings = resolveBootstrap(options);
  const n = candidate.length;
  if (baseline.length !== n) {
    throw new RangeError(`paired bootstrap needs equal lengths, got ${n} and ${baseline.length}`);
  }
  if (n < 1) throw new RangeError('bootstrap needs at least one example');
  const diff = scratchOf('diff', n);
  for (let i = 0; i < n; i++) diff[i] = (candidate[i] as number) - (baseline[i] as number);
  return bootstrapDifferences(diff, settings);
}

/** The bootstrap of {@link bootstrapMeanDifference} on the per-example differences. */
function bootstrapDifferences(diff: Float64Array, settings: ResolvedBootstrap): BootstrapInterval {
  const n = diff.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += diff[i] as number;
  const rng = createRandom(settings.seed);
  const replicates = new Float64Array(settings.resamples);
  const draws = scratchOf('draws', n);
  for (let r = 0; r < settings.resamples; r++) {
    rng.fillInts(draws, n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[draws[i] as number] as number;
    replicates[r] = sum / n;
  }
  return intervalFromReplicates(total / n, replicates, settings);
}

/** Options of {@link pairedBootstrapMetric}. */
export interface PairedMetricBootstrapOptions extends BootstrapOptions {
  /** Class names, for per-class metric names such as `recall[cat]`. */
  classNames?: readonly string[];
}

/**
 * Paired bootstrap interval of metric(candidate) − metric(baseline) for a named metric (see
 * `resolveMetric`). `candidate[i]` and `baseline[i]` must be the same example. Metrics that are
 * means of per-example values (accuracy, top-k, Brier) use {@link bootstrapMeanDifference};
 * the others (macro F1, ECE, per-class recall, ...) recompute the metric on every weighted
 * resample in O(n + numClasses).
 */
export function pairedBootstrapMetric(
  candidate: MetricInput,
  baseline: MetricInput,
  metric: string | MetricDefinition,
  numClasses: number,
  options: PairedMetricBootstrapOptions = {},
): BootstrapInterval {
  const def =
    typeof metric === 'string'
      ? resolveMetric(metric, {
          numClasses,
          ...(options.classNames ? { classNames: options.classNames } : {}),
        })
      : metric;
  const cand = asRows(candidate);
  const base = asRows(baseline);
  if (cand.length !== base.length) {
    throw new RangeError(
      `paired bootstrap needs the same examples, got ${cand.length} candidate and ${base.length} baseline records`,
    );
  }
  if (def.perExample !== undefined) {
    const perExample = def.perExample;
    const perRow =
      def.perRow ??
      ((c: RecordColumns, i: number) =>
        perExample({
          label: c.label[i] as number,
          pred: c.pred[i] as number,
          rank: c.rank[i] as number,
          conf: c.conf[i] as number,
          pTrue: c.pTrue[i] as number,
          sumSq: c.sumSq[i] as number,
        }));
    // Per-example differences of the selected rows, in selection order.
    const settings = resolveBootstrap(options);
    const n = cand.length;
    if (n < 1) throw new RangeError('bootstrap needs at least one example');
    const diff = scratchOf('diff', n);
    for (let t = 0; t < n; t++) {
      const i = cand.rows === undefined ? t : (cand.rows[t] as number);
      const j = base.rows === undefined ? t : (base.rows[t] as number);
      diff[t] = perRow(cand.columns, i) - perRow(base.columns, j);
    }
    return bootstrapDifferences(diff, settings);
  }
  const topK = def.topK === undefined ? [] : [def.topK];
  const candRows = { columns: cand.columns, ...(cand.rows ? { rows: cand.rows } : {}) };
  const baseRows = { columns: base.columns, ...(base.rows ? { rows: base.rows } : {}) };
  return pairedBootstrap(
    cand.length,
    (weights) =>
      def.get(summariseMetrics(candRows, numClasses, { topK, weights })) -
      def.get(summariseMetrics(baseRows, numClasses, { topK, weights })),
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// Multiple testing

/** Result of {@link benjaminiHochberg}, in the order of the input p-values. */
export interface BenjaminiHochbergResult {
  /** BH-adjusted p-values (q-values), capped at 1. */
  adjusted: number[];
  /** adjusted ≤ q: rejected while controlling the false discovery rate at q. */
  rejected: boolean[];
}

/**
 * Benjamini–Hochberg step-up procedure (Benjamini & Hochberg, JRSS B 1995). With p-values sorted
 * ascending p_(1) ≤ … ≤ p_(m), the adjusted value of p_(i) is min_{j ≥ i} min(1, m·p_(j)/j);
 * hypothesis i is rejected when its adjusted value is ≤ q, which is the same as rejecting
 * H_(1)…H_(k) for the largest k with p_(k) ≤ k·q/m. Valid under independence or positive
 * dependence (Benjamini & Yekutieli 2001). Matches R's p.adjust(method = "BH").
 */
export function benjaminiHochberg(pValues: readonly number[], q = 0.05): BenjaminiHochbergResult {
  const m = pValues.length;
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p}`);
  }
  const order = pValues
    .map((_, i) => i)
    .sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1] as number;
    running = Math.min(running, ((pValues[i] as number) * m) / rank);
    adjusted[i] = running;
  }
  return { adjusted, rejected: adjusted.map((a) => a <= q) };
}

// ---------------------------------------------------------------------------------------------
// Proportions

/** A confidence interval for a proportion. */
export interface ProportionInterval {
  /** successes / n (NaN when n = 0). */
  estimate: number;
  lower: number;
  upper: number;
}

/**
 * Wilson score interval (Wilson, JASA 1927; recommended by Newcombe, Stat Med 1998 and Brown,
 * Cai & DasGupta, Stat Sci 2001) for successes out of n at the given two-sided confidence:
 *   (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),  z = Φ⁻¹(1 − (1−confidence)/2).
 * n = 0 gives [0, 1].
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence = 0.95,
): ProportionInterval {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a count, got ${n}`);
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`successes must be in [0, n = ${n}], got ${successes}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  }
  if (n === 0) return { estimate: NaN, lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return {
    estimate: p,
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}

// ---------------------------------------------------------------------------------------------
// Distribution comparisons (data suite)

/** Result of {@link chiSquareGoodnessOfFit}. */
export interface ChiSquareResult {
  /** Pearson's X² = Σ (O − E)² / E. */
  statistic: number;
  /** Degrees of freedom: cells − 1 − ddof (cells with E = 0 and O = 0 are not counted). */
  df: number;
  /** P(χ²_df ≥ X²). NaN when df < 1. */
  pValue: number;
}

/**
 * Pearson's chi-square goodness-of-fit test (Pearson 1900) of observed counts against expected
 * counts or proportions (`expected` is rescaled to the observed total; default: uniform).
 * A cell with E = 0 and O > 0 makes X² infinite (p = 0); a cell with E = 0 and O = 0 is left out.
 * Agrees with scipy.stats.chisquare when neither case occurs.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expected?: readonly number[],
  options: { ddof?: number } = {},
): ChiSquareResult {
  const k = observed.length;
  if (expected !== undefined && expected.length !== k) {
    throw new RangeError(`observed has ${k} cells, expected has ${expected.length}`);
  }
  let totalObserved = 0;
  let totalExpected = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i] as number;
    const e = expected === undefined ? 1 : (expected[i] as number);
    if (!(o >= 0) || !(e >= 0)) throw new RangeError(`counts must be non-negative (cell ${i})`);
    totalObserved += o;
    totalExpected += e;
  }
  if (totalExpected === 0) throw new RangeError('expected frequencies sum to 0');
  const scale = totalObserved / totalExpected;
  let statistic = 0;
  let cells = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i] as number;
    const e = (expected === undefined ? 1 : (expected[i] as number)) * scale;
    if (e === 0) {
      if (o === 0) continue;
      statistic = Infinity;
      cells++;
      continue;
    }
    cells++;
    statistic += ((o - e) * (o - e)) / e;
  }
  const df = cells - 1 - (options.ddof ?? 0);
  const pValue = df < 1 ? NaN : chiSquareSurvival(statistic, df);
  return { statistic, df, pValue };
}

/**
 * P(χ²_df ≥ x) = Q(df/2, x/2), the regularised upper incomplete gamma function. In the upper
 * tail (x/2 > df/2 + 1) Q is evaluated directly by its continued fraction (modified Lentz;
 * Press et al., Numerical Recipes 3rd ed. §6.2), so tiny p-values keep their relative precision;
 * elsewhere 1 − CDF has no cancellation problem.
 */
function chiSquareSurvival(x: number, df: number): number {
  if (x === Infinity) return 0;
  if (!(x > 0)) return 1;
  const a = df / 2;
  const z = x / 2;
  if (z <= a + 1) return Math.min(1, Math.max(0, 1 - chiSquareCdf(x, df)));
  // Q(a, z) = e^{−z} z^a / Γ(a) · 1/(z + 1 − a − 1·(1 − a)/(z + 3 − a − 2·(2 − a)/(z + 5 − a − …)))
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-z + a * Math.log(z) - logGammaHalfInteger(df)) * h;
}

/** ln Γ(df/2) for a positive integer df, exactly as a sum of logs (Γ(k) = (k−1)!, Γ(k+½) = √π·Π(i−½)). */
function logGammaHalfInteger(df: number): number {
  let sum = 0;
  if (df % 2 === 0) {
    for (let i = 2; i < df / 2; i++) sum += Math.log(i);
  } else {
    sum = 0.5 * Math.log(Math.PI);
    for (let i = 1; i <= (df - 1) / 2; i++) sum += Math.log(i - 0.5);
  }
  return sum;
}

/** Result of {@link ksTwoSample}. */
export interface KsResult {
  /** D = sup_x |F₁(x) − F₂(x)| of the two empirical CDFs. */
  statistic: number;
  /** Two-sided p-value P(D ≥ observed) under H0: same continuous distribution. */
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Above this n₁·n₂, `method: 'auto'` uses the asymptotic p-value (the exact one is O(n₁·n₂)). */
export const KS_EXACT_MAX_CELLS = 1_000_000;

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided. NaN values are dropped.
 *
 * - exact: the fraction of the C(n₁+n₂, n₁) equally likely merge orders whose path ever reaches
 *   |i·n₂ − j·n₁| ≥ D·n₁·n₂ (lattice-path counting, Hodges 1958), accumulated as probabilities to
 *   avoid overflow. Assumes no ties; with ties it is conservative. Agrees with
 *   scipy.stats.ks_2samp(method='exact').
 * - asymptotic: Kolmogorov's limiting distribution with Stephens' (1970) small-sample correction,
 *   λ = (√nₑ + 0.12 + 0.11/√nₑ)·D with nₑ = n₁n₂/(n₁+n₂), p = Q_KS(λ) (as in Numerical Recipes'
 *   `kstwo`/`probks`).
 * - auto (default): exact when n₁·n₂ ≤ {@link KS_EXACT_MAX_CELLS}, otherwise asymptotic.
 */
export function ksTwoSample(
  sample1: ArrayLike<number>,
  sample2: ArrayLike<number>,
  options: { method?: 'auto' | 'exact' | 'asymptotic' } = {},
): KsResult {
  const a = Float64Array.from(sample1)
    .filter((v) => !Number.isNaN(v))
    .sort();
  const b = Float64Array.from(sample2)
    .filter((v) => !Number.isNaN(v))
    .sort();
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('KS test needs two non-empty samples');
  // Walk the merged order; after consuming every copy of the current value, the ECDF difference
  // is (i/n1 − j/n2). Keep it as the integer i·n2 − j·n1 so the exact test compares exactly.
  let i = 0;
  let j = 0;
  let h = 0;
  while (i < n1 && j < n2) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    h = Math.max(h, Math.abs(i * n2 - j * n1));
  }
  const statistic = h / (n1 * n2);
  const method = options.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && n1 * n2 <= KS_EXACT_MAX_CELLS);
  if (exact) return { statistic, pValue: ksExactPValue(n1, n2, h), method: 'exact' };
  const ne = (n1 * n2) / (n1 + n2);
  const sq = Math.sqrt(ne);
  return {
    statistic,
    pValue: kolmogorovSurvival((sq + 0.12 + 0.11 / sq) * statistic),
    method: 'asymptotic',
  };
}

/**
 * P(path touches |i·n2 − j·n1| ≥ h) over uniformly random monotone lattice paths (0,0)→(n1,n2).
 * t(i,j) = fraction of paths to (i,j) that have touched the region:
 * t = 1 inside it, else t(i,j) = i/(i+j)·t(i−1,j) + j/(i+j)·t(i,j−1), because a fraction i/(i+j)
 * of the C(i+j,i) paths into (i,j) arrive from (i−1,j).
 */
function ksExactPValue(n1: number, n2: number, h: number): number {
  if (h <= 0) return 1;
  const row = new Float64Array(n2 + 1); // row[j] = t(i, j) for the current i
  for (let j = 0; j <= n2; j++) row[j] = j * n1 >= h ? 1 : j === 0 ? 0 : (row[j - 1] as number);
  for (let i = 1; i <= n1; i++) {
    row[0] = i * n2 >= h ? 1 : (row[0] as number);
    for (let j = 1; j <= n2; j++) {
      if (Math.abs(i * n2 - j * n1) >= h) row[j] = 1;
      else row[j] = (i * (row[j] as number) + j * (row[j - 1] as number)) / (i + j);
    }
  }
  return Math.min(1, Math.max(0, row[n2] as number));
}

/**
 * Q_KS(λ) = 1 − K(λ), the survival function of Kolmogorov's limiting distribution:
 * Q = 2·Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} for λ ≥ 1.18; for smaller λ that series converges slowly,
 * so 1 − K with the equivalent form K(λ) = (√(2π)/λ)·Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)} is used.
 */
function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const w = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k < 50; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * w);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * Math.abs(s)) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Total variation distance between two discrete distributions given as counts or weights over
 * the same categories: ½·Σ_i |p_i − q_i| after normalising each to sum 1. In [0, 1].
 */
export function totalVariationDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length)
    throw new RangeError(`distributions differ in length: ${p.length} vs ${q.length}`);
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    const b = q[i] as number;
    if (!(a >= 0) || !(b >= 0))
      throw new RangeError(`weights must be non-negative (category ${i})`);
    sp += a;
    sq += b;
  }
  if (sp === 0 || sq === 0) throw new RangeError('a distribution has total weight 0');
  let d = 0;
  for (let i = 0; i < p.length; i++) d += Math.abs((p[i] as number) / sp - (q[i] as number) / sq);
  return d / 2;
}
