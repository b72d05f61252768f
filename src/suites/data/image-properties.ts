/**
 * Per-image properties, outliers and drift (pure; the engine's data scan measures each image,
 * image/scan.ts).
 *
 * Properties of each decodable image:
 * - width, height, aspect ratio (width / height), after EXIF orientation; channels and format
 *   as stored in the file;
 * - brightness: mean BT.601 luma, scaled to [0, 1];
 * - contrast: RMS contrast, the standard deviation of luma scaled to [0, 1] (Peli, "Contrast in
 *   complex images", JOSA A 1990);
 * - sharpness: variance of the 4-neighbour Laplacian of luma (0–255 scale), the focus measure of
 *   Pech-Pacheco et al. ("Diatom autofocusing in brightfield microscopy", ICPR 2000). It is
 *   measured on the analysis image (longest side ≤ `maxSide`), so values compare across
 *   resolutions; blurry images score low.
 *
 * Outliers: modified z-score M = 0.6745·(x − median)/MAD per property, |M| > 3.5 flagged
 * (Iglewicz & Hoaglin, "How to Detect and Handle Outliers", ASQC 1993). Sharpness is scored on
 * log(1 + x): blur divides the Laplacian variance rather than subtracting from it, and on a
 * linear scale its right-skewed spread would hide blurred images. When MAD = 0 (more than
 * half the values equal, e.g. a fixed resolution), the mean absolute deviation is used instead,
 * M = (x − median)/(1.253314·MeanAD), so that a lone odd value is still flagged.
 *
 * Drift: two-sample Kolmogorov–Smirnov test of each numeric property between the evaluation set
 * and a reference set, with Benjamini–Hochberg adjusted p-values across properties.
 */
import type { ImageFileProperties, ImageScan } from '../../image/scan.js';
import { benjaminiHochberg, ksTwoSample } from '../../metrics/stats.js';
import type { DataCheck } from './types.js';
import { formatNumber, formatPercent, NOT_SCANNED, skipped } from './util.js';

/** Numeric properties, in report order. */
export const NUMERIC_PROPERTIES = [
  'width',
  'height',
  'aspectRatio',
  'brightness',
  'contrast',
  'sharpness',
] as const;
export type NumericProperty = (typeof NUMERIC_PROPERTIES)[number];

/** Median of finite values (NaN for none). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  const m = sorted.length;
  if (m === 0) return NaN;
  return m % 2 === 1 ? sorted[m >> 1]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2;
}

/** Modified z-scores (see the module comment); 0 for every value when all are equal. */
export function robustZScores(values: ArrayLike<number>): Float64Array {
  const med = median(values);
  const n = values.length;
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i]! - med);
  const mad = median(dev);
  const out = new Float64Array(n);
  if (mad > 0) {
    for (let i = 0; i < n; i++) out[i] = (0.6745 * (values[i]! - med)) / mad;
    return out;
  }
  let meanAd = 0;
  for (let i = 0; i < n; i++) meanAd += dev[i]!;
  meanAd /= n;
  if (!(meanAd > 0)) return out;
  for (let i = 0; i < n; i++) out[i] = (values[i]! - med) / (1.253314 * meanAd);
  return out;
}

/** The result of reading one image: properties, or why it could not be read. */
export type PropertyScan =
  | { id: string; ok: true; properties: ImageFileProperties }
  | { id: string; ok: false; error: string };

export interface ImagePropertiesOptions {
  /** |modified z| above this is an outlier. */
  outlierZ: number;
  /** Significance level for drift (BH-adjusted p-values). */
  alpha: number;
  maxListed: number;
}

export interface PropertySummary {
  property: NumericProperty;
  median: number;
  p05: number;
  p95: number;
  min: number;
  max: number;
  outlierCount: number;
  /** Largest |z| first. */
  outliers: { id: string; value: number; z: number }[];
}

export interface PropertyDrift {
  property: NumericProperty;
  /** KS statistic D. */
  statistic: number;
  pValue: number;
  /** Benjamini–Hochberg adjusted across the properties. */
  adjustedPValue: number;
  method: 'exact' | 'asymptotic';
  evalMedian: number;
  referenceMedian: number;
  significant: boolean;
}

export interface ImagePropertiesFinding {
  status: 'ran';
  scannedCount: number;
  readableCount: number;
  unreadableCount: number;
  /** Every unreadable image with the decoder's message (first line), by id. */
  unreadable: { id: string; error: string }[];
  formats: { format: string; count: number }[];
  channels: { channels: number; count: number }[];
  properties: PropertySummary[];
  /** Images flagged on at least one property. */
  outlierImageCount: number;
  outlierRate: number;
  /** Present when a reference set was scanned. */
  drift?: {
    referenceCount: number;
    referenceUnreadableCount: number;
    properties: PropertyDrift[];
    /** Largest KS statistic over properties. */
    maxStatistic: number;
  };
  truncated: boolean;
}

/** Summarise scans of the evaluation set (and of a reference set for drift). */
export function analyseImageProperties(
  scans: readonly PropertyScan[],
  reference: readonly PropertyScan[] | undefined,
  options: ImagePropertiesOptions,
): ImagePropertiesFinding {
  const readable = scans.filter((s): s is Extract<PropertyScan, { ok: true }> => s.ok);
  const unreadable = scans
    .filter((s): s is Extract<PropertyScan, { ok: false }> => !s.ok)
    .map((s) => ({ id: s.id, error: s.error }))
    .sort((a, b) => compare(a.id, b.id));

  const formatCounts = new Map<string, number>();
  const channelCounts = new Map<number, number>();
  for (const s of readable) {
    formatCounts.set(s.properties.format, (formatCounts.get(s.properties.format) ?? 0) + 1);
    channelCounts.set(s.properties.channels, (channelCounts.get(s.properties.channels) ?? 0) + 1);
  }

  const flagged = new Set<string>();
  let truncated = unreadable.length > options.maxListed;
  const properties: PropertySummary[] = NUMERIC_PROPERTIES.map((property) => {
    const values = Float64Array.from(readable, (s) => s.properties[property]);
    const z = robustZScores(property === 'sharpness' ? values.map((v) => Math.log1p(v)) : values);
    const outliers: PropertySummary['outliers'] = [];
    for (let i = 0; i < readable.length; i++) {
      if (Math.abs(z[i]!) > options.outlierZ) {
        outliers.push({ id: readable[i]!.id, value: values[i]!, z: z[i]! });
        flagged.add(readable[i]!.id);
      }
    }
    outliers.sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || compare(a.id, b.id));
    if (outliers.length > options.maxListed) truncated = true;
    const sorted = Float64Array.from(values).sort();
    return {
      property,
      median: median(values),
      p05: quantile(sorted, 0.05),
      p95: quantile(sorted, 0.95),
      min: sorted.length > 0 ? sorted[0]! : NaN,
      max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
      outlierCount: outliers.length,
      outliers: outliers.slice(0, options.maxListed),
    };
  });

  const finding: ImagePropertiesFinding = {
    status: 'ran',
    scannedCount: scans.length,
    readableCount: readable.length,
    unreadableCount: unreadable.length,
    unreadable: unreadable.slice(0, options.maxListed),
    formats: [...formatCounts]
      .map(([format, count]) => ({ format, count }))
      .sort((a, b) => b.count - a.count || compare(a.format, b.format)),
    channels: [...channelCounts]
      .map(([channels, count]) => ({ channels, count }))
      .sort((a, b) => a.channels - b.channels),
    properties,
    outlierImageCount: flagged.size,
    outlierRate: readable.length > 0 ? flagged.size / readable.length : 0,
    truncated,
  };

  if (reference) {
    const refReadable = reference.filter((s): s is Extract<PropertyScan, { ok: true }> => s.ok);
    if (refReadable.length > 0 && readable.length > 0) {
      const raw = NUMERIC_PROPERTIES.map((property) => {
        const a = readable.map((s) => s.properties[property]);
        const b = refReadable.map((s) => s.properties[property]);
        return { property, a, b, ks: ksTwoSample(a, b) };
      });
      const bh = benjaminiHochberg(
        raw.map((r) => r.ks.pValue),
        options.alpha,
      );
      const drift: PropertyDrift[] = raw.map((r, k) => ({
        property: r.property,
        statistic: r.ks.statistic,
        pValue: r.ks.pValue,
        adjustedPValue: bh.adjusted[k]!,
        method: r.ks.method,
        evalMedian: median(r.a),
        referenceMedian: median(r.b),
        significant: bh.rejected[k]!,
      }));
      finding.drift = {
        referenceCount: reference.length,
        referenceUnreadableCount: reference.length - refReadable.length,
        properties: drift,
        maxStatistic: Math.max(0, ...drift.map((d) => d.statistic)),
      };
    }
  }
  return finding;
}

function quantile(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(m - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Registry entry: readability, properties, outliers and drift. */
export const imagePropertiesCheck: DataCheck<'imageProperties'> = {
  id: 'imageProperties',
  title: 'Image properties',
  run(ctx) {
    const c = ctx.config.imageProperties;
    if (!c.enabled) return skipped('disabled in config');
    const scans = ctx.input.scans?.examples;
    if (!scans || (ctx.input.reference && !ctx.input.scans?.reference)) return skipped(NOT_SCANNED);
    const reference = ctx.input.scans?.reference;
    const toProperty = (s: ImageScan): PropertyScan =>
      s.ok
        ? { id: s.id, ok: true, properties: s.properties }
        : { id: s.id, ok: false, error: s.error };
    return analyseImageProperties(scans.map(toProperty), reference?.map(toProperty), {
      outlierZ: c.outlierZ,
      alpha: c.alpha,
      maxListed: ctx.config.maxListed,
    });
  },
  gateValues: (f) => {
    const values: ReturnType<DataCheck<'imageProperties'>['gateValues']> = [
      {
        gate: 'maxUnreadableImages',
        metric: 'unreadable images',
        value: f.unreadableCount,
        format: formatNumber,
      },
      {
        gate: 'maxOutlierRate',
        metric: 'outlier image rate',
        value: f.outlierRate,
        format: formatPercent,
      },
    ];
    if (f.drift) {
      const worst = [...f.drift.properties].sort((a, b) => b.statistic - a.statistic)[0];
      values.push({
        gate: 'maxPropertyDrift',
        metric: 'largest KS statistic vs reference',
        value: f.drift.maxStatistic,
        format: formatNumber,
        ...(worst ? { detail: worst.property } : {}),
      });
    }
    return values;
  },
};
