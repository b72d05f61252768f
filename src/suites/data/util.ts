/** Small helpers shared by the data checks. */
import type { DataSuiteInput, SkippedCheck } from './types.js';

/** A skipped-check marker. */
export function skipped(reason: string): SkippedCheck {
  return { status: 'skipped', reason };
}

/** Why a check that needs pixels did not run (a caller that gave no scans). */
export const NOT_SCANNED = 'the images were not scanned';

/** 0.0234 → "2.3%"; small non-zero rates keep two significant digits. */
export function formatPercent(value: number | null): string {
  // report.json holds an undefined number (NaN in memory) as null: render both alike.
  const v = value ?? NaN;
  if (!Number.isFinite(v)) return String(v);
  const p = v * 100;
  if (p !== 0 && Math.abs(p) < 0.1) return `${p.toPrecision(2)}%`;
  return `${p.toFixed(1)}%`;
}

/** Counts as integers, other values with 3 significant digits. */
export function formatNumber(value: number | null): string {
  const v = value ?? NaN;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(3)));
}

/** p-values: "<1e-6" below that, else 2 significant digits. */
export function formatPValue(value: number | null): string {
  const p = value ?? NaN;
  if (!Number.isFinite(p)) return String(p);
  if (p < 1e-6) return '<1e-6';
  return String(Number(p.toPrecision(2)));
}

/** Why a check that needs one class per example did not run on detection images. */
export const NO_SINGLE_LABEL =
  'needs one class per example; detection images hold several objects (see the box check)';

/**
 * What duplicate and leakage checks compare as example k's label: its class, or for detection
 * its objects' classes with counts (`bag, trouser ×2`), so that two copies of one image
 * annotated differently show as a conflict.
 */
export function labelOf(input: DataSuiteInput, k: number): string {
  const objects = input.objects;
  if (!objects) return input.examples[k]!.label;
  const { offsets, classes } = objects.columns;
  const counts = new Map<string, number>();
  for (let r = offsets[k]!; r < offsets[k + 1]!; r++) {
    const name = input.classes[classes[r]!]!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  if (counts.size === 0) return 'no objects';
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => (n > 1 ? `${name} ×${n}` : name))
    .join(', ');
}
