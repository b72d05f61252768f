import type { PropertyName } from '../image/properties.js';
import { binIndices, sliceLineEncoded, type EncodedRows } from '../metrics/slice-line.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import type { SliceColumn, SliceDef } from './slices.js';

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

/**
 * Recode `codes` (indices into `values`, −1 missing) in place to the values present, in code
 * unit order: the encoding SliceLine's own gives row objects.
 */
function presentInOrder(
  values: readonly string[],
  codes: Int32Array,
): { values: string[]; codes: Int32Array } {
  const seen = new Uint8Array(values.length);
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) seen[codes[i]!] = 1;
  const kept = values.filter((_, v) => seen[v] === 1).sort(byCodeUnits);
  const at = new Map(kept.map((v, i) => [v, i]));
  const recode = Int32Array.from(values, (v) => at.get(v) ?? -1);
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) codes[i] = recode[codes[i]!]!;
  return { values: kept, codes };
}

/**
 * SliceLine's features for the examples at `exRows`, encoded by column: metadata columns
 * (recoded from the table's value lists) plus quantile-binned image properties. A property with
 * the name of a metadata column replaces it, as in a row object. `prepared` columns (binned by
 * the slicing rules) are read through their own codes.
 */
export function discoveryFeatures(
  examples: ExampleTable,
  exRows: ArrayLike<number>,
  images: ImageFacts,
  columns: readonly string[],
  props: readonly PropertyName[],
  bins: number,
  prepared?: ReadonlyMap<string, SliceColumn>,
): EncodedRows {
  const n = exRows.length;
  const binned = new Map<string, { values: string[]; codes: Int32Array }>();
  const values = new Float64Array(props.length > 0 ? n : 0);
  for (const p of props) {
    const column = images[p];
    for (let t = 0; t < n; t++) {
      const e = exRows[t]!;
      values[t] = images.has(e) ? column[e]! : NaN;
    }
    const { names, index } = binIndices(values, bins);
    binned.set(p, presentInOrder(names, index));
  }
  const encodeColumn = (name: string) => {
    const fromProps = binned.get(name);
    if (fromProps) return fromProps;
    const c = examples.column(name);
    if (c < 0) return { values: [], codes: new Int32Array(n).fill(-1) };
    const m = prepared?.get(name) ?? examples.metadata[c]!;
    // Table code 0 is "missing" and c is values[c − 1]: shift to −1 and 0-based.
    const codes = Int32Array.from({ length: n }, (_, t) => m.codes[exRows[t]!]! - 1);
    return presentInOrder(m.values, codes);
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
    // SliceLine gave the size: fill a typed array, no growing list of up to n numbers.
    const rows = new Uint32Array(s.size);
    let k = 0;
    for (let i = 0; i < n; i++)
      if (tests.every((t) => t.codes[i] === t.code)) rows[k++] = positions ? positions[i]! : i;
    if (k !== s.size)
      throw new Error(
        `discovered slice ${predicates.map((p) => `${p.column}=${p.value}`).join(' & ')}: ${k} rows match, SliceLine counted ${s.size}`,
      );
    return {
      key: predicates.map((p) => `${p.column}=${p.value}`).join(' & '),
      kind: 'discovered' as const,
      predicates,
      rows,
      target,
      score: s.score,
      meanError: s.meanError,
    };
  });
}
