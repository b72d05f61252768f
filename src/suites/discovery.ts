import type { PropertyName } from '../image/properties.js';
import { binNumeric, sliceLineEncoded, type EncodedRows } from '../metrics/slice-line.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { SliceDef } from './regression.js';

/** Config `discovery:` after defaults. */
export interface DiscoveryOptions {
  enabled: boolean;
  /** Metadata columns to search over; default all. */
  columns?: readonly string[];
  /** Image properties to bin into quantiles and search over. */
  properties: readonly PropertyName[];
  bins: number;
  maxLevel: number;
  topK: number;
  minSupport: number;
  /** SliceLine's α (weight of error vs size). */
  alpha: number;
}

/** What a discovered slice was found on. */
export type DiscoveryTarget = 'errors' | 'regressions';

export interface DiscoveredSlice extends SliceDef {
  target: DiscoveryTarget;
  score: number;
  /** Mean of the searched error indicator in the slice (error rate, or newly-wrong rate). */
  meanError: number;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Codes of `labels` over its distinct values in code unit order (−1 for missing). */
function encodeLabels(labels: readonly (string | undefined)[]): {
  values: string[];
  codes: Int32Array;
} {
  const values = [...new Set(labels.filter((l): l is string => l !== undefined))].sort(byCodeUnits);
  const index = new Map(values.map((v, i) => [v, i]));
  return { values, codes: Int32Array.from(labels, (l) => (l === undefined ? -1 : index.get(l)!)) };
}

/**
 * SliceLine's features for the examples at `exRows`, encoded by column: metadata columns
 * (recoded from the table's value lists) plus quantile-binned image properties. A property with
 * the name of a metadata column replaces it, as in a row object.
 */
export function discoveryFeatures(
  examples: ExampleTable,
  exRows: ArrayLike<number>,
  images: ImageFacts,
  columns: readonly string[],
  props: readonly PropertyName[],
  bins: number,
): EncodedRows {
  const n = exRows.length;
  const binned = new Map<string, { values: string[]; codes: Int32Array }>();
  for (const p of props) {
    const column = images[p];
    const values = Array.from({ length: n }, (_, t) => {
      const e = exRows[t]!;
      return images.has(e) ? column[e] : undefined;
    });
    binned.set(p, encodeLabels(binNumeric(values, bins).labels));
  }
  const encodeColumn = (name: string) => {
    const fromProps = binned.get(name);
    if (fromProps) return fromProps;
    const c = examples.column(name);
    if (c < 0) return { values: [], codes: new Int32Array(n).fill(-1) };
    const m = examples.metadata[c]!;
    // Keep the values present among these examples, renumbered in code unit order.
    const present = new Uint8Array(m.values.length + 1);
    for (let t = 0; t < n; t++) present[m.codes[exRows[t]!]!] = 1;
    const values = m.values.filter((_, v) => present[v + 1] === 1).sort(byCodeUnits);
    const index = new Map(values.map((v, i) => [v, i]));
    const recode = Int32Array.from({ length: m.values.length + 1 }, (_, code) =>
      code === 0 ? -1 : (index.get(m.values[code - 1]!) ?? -1),
    );
    return {
      values,
      codes: Int32Array.from({ length: n }, (_, t) => recode[m.codes[exRows[t]!]!]!),
    };
  };
  const features = [...columns, ...props];
  const encoded = features.map(encodeColumn);
  return { features, values: encoded.map((e) => e.values), codes: encoded.map((e) => e.codes) };
}

/** The rows `rows` of encoded features (for a search over a subset of the examples). */
export function selectFeatures(features: EncodedRows, rows: ArrayLike<number>): EncodedRows {
  return {
    features: features.features,
    values: features.values,
    codes: features.codes.map((c) =>
      Int32Array.from({ length: rows.length }, (_, t) => c[rows[t]!]!),
    ),
  };
}

/**
 * Run SliceLine (see src/metrics/slice-line.ts) on one per-example error indicator and turn the
 * top slices into slice definitions named like declared ones (`lighting=dim & brightness=[0.1, 0.2)`).
 * Slice rows are positions in `features` (mapped through `positions` when given).
 */
export function discoverSlices(
  features: EncodedRows,
  errors: ArrayLike<number>,
  target: DiscoveryTarget,
  options: DiscoveryOptions,
  positions?: ArrayLike<number>,
): DiscoveredSlice[] {
  const n = errors.length;
  let any = false;
  for (let i = 0; i < n && !any; i++) any = errors[i]! > 0;
  if (n === 0 || !any) return [];
  const result = sliceLineEncoded(features, n, errors, {
    k: options.topK,
    maxLevel: options.maxLevel,
    minSupport: options.minSupport,
    alpha: options.alpha,
  });
  return result.slices.map((s) => {
    const predicates = s.predicates.map((p) => ({ column: p.feature, value: p.value }));
    const tests = s.predicates.map((p) => {
      const f = features.features.indexOf(p.feature);
      return { codes: features.codes[f]!, code: features.values[f]!.indexOf(p.value) };
    });
    const rows: number[] = [];
    for (let i = 0; i < n; i++)
      if (tests.every((t) => t.codes[i] === t.code)) rows.push(positions ? positions[i]! : i);
    return {
      key: predicates.map((p) => `${p.column}=${p.value}`).join(' & '),
      kind: 'discovered' as const,
      predicates,
      rows: Uint32Array.from(rows),
      target,
      score: s.score,
      meanError: s.meanError,
    };
  });
}
