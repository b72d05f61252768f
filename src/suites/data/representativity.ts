/**
 * Does the evaluation set look like the population it should represent? For the class label and
 * each chosen metadata column, compare the observed category counts with expected proportions
 * (from the config) or with a reference sample (e.g. a production sample manifest). Pure.
 *
 * - Expected proportions from the config are treated as exact: Pearson's chi-square
 *   goodness-of-fit test over the categories with a positive expected share. Observed
 *   categories the config does not list (or lists at 0) are reported as unexpected, not fed to
 *   the test (they would make X² infinite and hide everything else).
 * - A reference sample is itself noisy, so the two samples are compared with Pearson's
 *   chi-square test of homogeneity on the 2 × k table (df = k − 1), computed as a goodness-of-fit
 *   of the 2k cells against the margin-product expected counts with ddof = k.
 * - Total variation distance ½·Σ|p − q| over all categories is the effect size: with thousands
 *   of examples a negligible difference is "significant", so gates use the TVD, and the p-value
 *   says whether the difference could be sampling noise.
 * The chi-square approximation is doubtful when an expected count is below 5 (Cochran 1954);
 * `lowExpectedCounts` says so.
 */
import { chiSquareGoodnessOfFit, totalVariationDistance } from '../../metrics/stats.js';
import type { DataCheck } from './types.js';
import { formatNumber, skipped } from './util.js';

/** Something with a label and metadata: an Example or a reference manifest row. */
export interface CategorisedItem {
  label?: string;
  metadata?: Record<string, string>;
}

/** A dimension compared: the class label or one metadata column. */
export type Dimension = { kind: 'label' } | { kind: 'metadata'; column: string };

/** Expected shares per category; any non-negative weights, normalised to sum 1. */
export type ExpectedShares = Record<string, number>;

export interface RepresentativityOptions {
  /** Expected shares of the class label: a map, or 'uniform' over `classes`. */
  expectedLabel?: ExpectedShares | 'uniform';
  /** Expected shares per metadata column. */
  expectedMetadata?: Record<string, ExpectedShares>;
  /** Reference sample, used for every dimension without configured shares. */
  reference?: readonly CategorisedItem[];
  /** Metadata columns to compare (default: those with configured shares, plus all reference columns). */
  columns?: readonly string[];
  /** Class list (for 'uniform' and so that absent classes count as missing). */
  classes: readonly string[];
  /** Categories observed fewer times than this are named. */
  minSupport: number;
  /** Significance level for `significant`. */
  alpha: number;
}

export interface CategoryRow {
  value: string;
  observed: number;
  observedShare: number;
  expectedShare: number;
  /** Reference count (reference source only). */
  referenceCount?: number;
}

export interface DistributionComparison {
  dimension: Dimension;
  source: 'config' | 'reference';
  test: 'goodness-of-fit' | 'homogeneity';
  /** Examples with a value for this dimension. */
  observedTotal: number;
  /** Examples with no value (metadata column absent): left out. */
  missingValueCount: number;
  referenceTotal?: number;
  chiSquare: { statistic: number; df: number; pValue: number } | null;
  significant: boolean;
  tvd: number;
  /** Largest |observed share − expected share| first. */
  categories: CategoryRow[];
  /** Observed but not expected (share 0 or not listed / not in the reference). */
  unexpected: string[];
  /** Expected (share > 0 / in the reference) but never observed. */
  missing: string[];
  /** Observed fewer than minSupport times (but at least once). */
  belowMinSupport: string[];
  /** Some expected count < 5: the chi-square p-value is approximate. */
  lowExpectedCounts: boolean;
}

export interface RepresentativityFinding {
  status: 'ran';
  comparisons: DistributionComparison[];
  /** Largest TVD over comparisons (0 when none). */
  maxTvd: number;
  /** Smallest p-value over comparisons (1 when none). */
  minPValue: number;
  significantCount: number;
}

function valueOf(item: CategorisedItem, dim: Dimension): string | undefined {
  return dim.kind === 'label' ? item.label : item.metadata?.[dim.column];
}

function countValues(
  items: readonly CategorisedItem[],
  dim: Dimension,
): { counts: Map<string, number>; missing: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const item of items) {
    const v = valueOf(item, dim);
    if (v === undefined || v === '') missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return { counts, missing };
}

function normalise(shares: ExpectedShares, context: string): Map<string, number> {
  const entries = Object.entries(shares);
  let total = 0;
  for (const [k, v] of entries) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new RangeError(`${context}: share of "${k}" must be ≥ 0, got ${v}`);
    total += v;
  }
  if (total <= 0) throw new RangeError(`${context}: expected shares sum to 0`);
  return new Map(entries.map(([k, v]) => [k, v / total]));
}

/** Compare one dimension against configured shares. */
export function compareToShares(
  items: readonly CategorisedItem[],
  dim: Dimension,
  shares: ExpectedShares,
  options: Pick<RepresentativityOptions, 'minSupport' | 'alpha'> & {
    knownCategories?: readonly string[];
  },
): DistributionComparison {
  const { counts, missing: missingValueCount } = countValues(items, dim);
  const expected = normalise(
    shares,
    dim.kind === 'label' ? 'label' : `metadata column ${dim.column}`,
  );
  const values = sortedUnion(counts.keys(), expected.keys(), options.knownCategories ?? []);
  const total = sum(counts.values());
  const tested = values.filter((v) => (expected.get(v) ?? 0) > 0);
  const obsTested = tested.map((v) => counts.get(v) ?? 0);
  const testedTotal = sum(obsTested);
  const chi =
    tested.length >= 2 && testedTotal > 0
      ? chiSquareGoodnessOfFit(
          obsTested,
          tested.map((v) => expected.get(v)!),
        )
      : null;
  const rows: CategoryRow[] = values.map((value) => ({
    value,
    observed: counts.get(value) ?? 0,
    observedShare: total > 0 ? (counts.get(value) ?? 0) / total : 0,
    expectedShare: expected.get(value) ?? 0,
  }));
  return finish({
    dimension: dim,
    source: 'config',
    test: 'goodness-of-fit',
    observedTotal: total,
    missingValueCount,
    chiSquare: chi && !Number.isNaN(chi.pValue) ? chi : null,
    rows,
    lowExpectedCounts: tested.some((v) => expected.get(v)! * testedTotal < 5),
    options,
  });
}

/** Compare one dimension against a reference sample (chi-square test of homogeneity). */
export function compareToReference(
  items: readonly CategorisedItem[],
  reference: readonly CategorisedItem[],
  dim: Dimension,
  options: Pick<RepresentativityOptions, 'minSupport' | 'alpha'>,
): DistributionComparison {
  const { counts, missing: missingValueCount } = countValues(items, dim);
  const { counts: refCounts } = countValues(reference, dim);
  const values = sortedUnion(counts.keys(), refCounts.keys(), []);
  const total = sum(counts.values());
  const refTotal = sum(refCounts.values());
  let chi: DistributionComparison['chiSquare'] = null;
  let lowExpectedCounts = false;
  if (values.length >= 2 && total > 0 && refTotal > 0) {
    const grand = total + refTotal;
    const observed: number[] = [];
    const expected: number[] = [];
    for (const [rowTotal, source] of [
      [total, counts],
      [refTotal, refCounts],
    ] as const) {
      for (const v of values) {
        const colTotal = (counts.get(v) ?? 0) + (refCounts.get(v) ?? 0);
        observed.push(source.get(v) ?? 0);
        const e = (rowTotal * colTotal) / grand;
        expected.push(e);
        if (e < 5) lowExpectedCounts = true;
      }
    }
    const r = chiSquareGoodnessOfFit(observed, expected, { ddof: values.length });
    if (!Number.isNaN(r.pValue)) chi = r;
  }
  const rows: CategoryRow[] = values.map((value) => ({
    value,
    observed: counts.get(value) ?? 0,
    observedShare: total > 0 ? (counts.get(value) ?? 0) / total : 0,
    expectedShare: refTotal > 0 ? (refCounts.get(value) ?? 0) / refTotal : 0,
    referenceCount: refCounts.get(value) ?? 0,
  }));
  return {
    ...finish({
      dimension: dim,
      source: 'reference',
      test: 'homogeneity',
      observedTotal: total,
      missingValueCount,
      chiSquare: chi,
      rows,
      lowExpectedCounts,
      options,
    }),
    referenceTotal: refTotal,
  };
}

function finish(args: {
  dimension: Dimension;
  source: 'config' | 'reference';
  test: 'goodness-of-fit' | 'homogeneity';
  observedTotal: number;
  missingValueCount: number;
  chiSquare: DistributionComparison['chiSquare'];
  rows: CategoryRow[];
  lowExpectedCounts: boolean;
  options: Pick<RepresentativityOptions, 'minSupport' | 'alpha'>;
}): DistributionComparison {
  const { rows, options } = args;
  const canTvd = args.observedTotal > 0 && rows.some((r) => r.expectedShare > 0);
  const tvd = canTvd
    ? totalVariationDistance(
        rows.map((r) => r.observed),
        rows.map((r) => r.expectedShare),
      )
    : 0;
  const categories = [...rows].sort(
    (a, b) =>
      Math.abs(b.observedShare - b.expectedShare) - Math.abs(a.observedShare - a.expectedShare) ||
      compare(a.value, b.value),
  );
  return {
    dimension: args.dimension,
    source: args.source,
    test: args.test,
    observedTotal: args.observedTotal,
    missingValueCount: args.missingValueCount,
    chiSquare: args.chiSquare,
    significant: args.chiSquare !== null && args.chiSquare.pValue < options.alpha,
    tvd,
    categories,
    unexpected: rows.filter((r) => r.observed > 0 && r.expectedShare === 0).map((r) => r.value),
    missing: rows.filter((r) => r.observed === 0 && r.expectedShare > 0).map((r) => r.value),
    belowMinSupport: rows
      .filter((r) => r.observed > 0 && r.observed < options.minSupport)
      .map((r) => r.value),
    lowExpectedCounts: args.lowExpectedCounts,
  };
}

/**
 * Compare the label and metadata distributions of `items` with the configured shares and/or the
 * reference sample. Returns undefined when there is nothing to compare against.
 */
export function checkRepresentativity(
  items: readonly CategorisedItem[],
  options: RepresentativityOptions,
): RepresentativityFinding | undefined {
  const comparisons: DistributionComparison[] = [];
  const label: Dimension = { kind: 'label' };
  if (options.expectedLabel !== undefined) {
    const shares =
      options.expectedLabel === 'uniform'
        ? Object.fromEntries(options.classes.map((c) => [c, 1]))
        : options.expectedLabel;
    comparisons.push(
      compareToShares(items, label, shares, { ...options, knownCategories: options.classes }),
    );
  } else if (options.reference && options.reference.some((r) => r.label !== undefined)) {
    comparisons.push(compareToReference(items, options.reference, label, options));
  }

  const configured = options.expectedMetadata ?? {};
  let columns: string[];
  if (options.columns) {
    columns = [...options.columns];
  } else {
    const set = new Set(Object.keys(configured));
    for (const r of options.reference ?? [])
      for (const k of Object.keys(r.metadata ?? {})) set.add(k);
    columns = [...set].sort(compare);
  }
  for (const column of columns) {
    const dim: Dimension = { kind: 'metadata', column };
    const shares = Object.hasOwn(configured, column) ? configured[column] : undefined;
    if (shares) comparisons.push(compareToShares(items, dim, shares, options));
    else if (options.reference)
      comparisons.push(compareToReference(items, options.reference, dim, options));
  }
  if (comparisons.length === 0) return undefined;
  const pValues = comparisons.flatMap((c) => (c.chiSquare ? [c.chiSquare.pValue] : []));
  return {
    status: 'ran',
    comparisons,
    maxTvd: Math.max(0, ...comparisons.map((c) => c.tvd)),
    minPValue: pValues.length > 0 ? Math.min(...pValues) : 1,
    significantCount: comparisons.filter((c) => c.significant).length,
  };
}

/** Human name of a dimension: "label" or the column name. */
export function dimensionName(dim: Dimension): string {
  return dim.kind === 'label' ? 'label' : dim.column;
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>, c: Iterable<string>): string[] {
  return [...new Set([...a, ...b, ...c])].sort(compare);
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Registry entry: label and metadata distributions vs expected shares or the reference manifest. */
export const representativityCheck: DataCheck<'representativity'> = {
  id: 'representativity',
  title: 'Representativity',
  run(ctx) {
    const c = ctx.config.representativity;
    if (!c.enabled) return skipped('disabled in config');
    // Detection images have no single label: only their metadata is compared (class balance
    // of the objects is the box check's; the plan refuses expected.label for them).
    const detection = ctx.input.objects !== undefined;
    const unlabelled = (items: readonly CategorisedItem[]) =>
      items.map((i) => ({ ...(i.metadata ? { metadata: i.metadata } : {}) }));
    const items = detection ? unlabelled(ctx.input.examples) : ctx.input.examples;
    const reference =
      ctx.input.reference && (detection ? unlabelled(ctx.input.reference) : ctx.input.reference);
    const finding = checkRepresentativity(items, {
      ...(c.expected.label !== undefined ? { expectedLabel: c.expected.label } : {}),
      expectedMetadata: c.expected.metadata,
      ...(reference ? { reference } : {}),
      ...(c.columns ? { columns: c.columns } : {}),
      classes: ctx.input.classes,
      minSupport: c.minSupport,
      alpha: c.alpha,
    });
    return (
      finding ??
      skipped(
        'nothing to compare with (set data.representativity.expected or data.referenceManifest)',
      )
    );
  },
  gateValues: (f) => {
    const worst = [...f.comparisons].sort((a, b) => b.tvd - a.tvd)[0];
    return [
      {
        gate: 'maxRepresentativityTvd',
        metric: 'largest total variation distance',
        value: f.maxTvd,
        format: formatNumber,
        ...(worst ? { detail: dimensionName(worst.dimension) } : {}),
      },
    ];
  },
};
