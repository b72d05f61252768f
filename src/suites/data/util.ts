/** Small helpers shared by the data checks. */
import type { SkippedCheck } from './types.js';

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
