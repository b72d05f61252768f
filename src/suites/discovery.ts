import type { ImageProperties, PropertyName } from '../image/properties.js';
import { binNumeric, sliceLine, type SliceRow } from '../metrics/slice-line.js';
import type { Example } from '../types.js';
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

/** Feature rows for SliceLine: metadata columns plus quantile-binned image properties. */
export function discoveryRows(
  examples: readonly Example[],
  properties: ReadonlyMap<string, ImageProperties>,
  columns: readonly string[],
  props: readonly PropertyName[],
  bins: number,
): { rows: SliceRow[]; features: string[] } {
  const rows: Record<string, string | undefined>[] = examples.map((e) => {
    const r: Record<string, string | undefined> = {};
    for (const c of columns) r[c] = e.metadata[c];
    return r;
  });
  for (const p of props) {
    const values = examples.map((e) => properties.get(e.id)?.[p]);
    const { labels } = binNumeric(values, bins);
    labels.forEach((label, i) => {
      rows[i]![p] = label;
    });
  }
  return { rows, features: [...columns, ...props] };
}

/**
 * Run SliceLine (see src/metrics/slice-line.ts) on one per-example error indicator and turn the
 * top slices into slice definitions named like declared ones (`lighting=dim & brightness=[0.1, 0.2)`).
 */
export function discoverSlices(
  examples: readonly Example[],
  rows: readonly SliceRow[],
  features: readonly string[],
  errors: readonly number[],
  target: DiscoveryTarget,
  options: DiscoveryOptions,
): DiscoveredSlice[] {
  if (examples.length === 0 || !errors.some((e) => e > 0)) return [];
  const result = sliceLine(rows, errors, {
    k: options.topK,
    maxLevel: options.maxLevel,
    minSupport: options.minSupport,
    alpha: options.alpha,
    features,
  });
  return result.slices.map((s) => {
    const predicates = s.predicates.map((p) => ({ column: p.feature, value: p.value }));
    const ids = new Set<string>();
    examples.forEach((e, i) => {
      if (s.predicates.every((p) => rows[i]![p.feature] === p.value)) ids.add(e.id);
    });
    return {
      key: predicates.map((p) => `${p.column}=${p.value}`).join(' & '),
      kind: 'discovered' as const,
      predicates,
      ids,
      target,
      score: s.score,
      meanError: s.meanError,
    };
  });
}
