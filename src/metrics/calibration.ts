/**
 * Calibration: expected calibration error (ECE) over equal-width confidence bins, and the
 * multi-class Brier score.
 *
 * ECE (Naeini, Cooper & Hauskrecht, AAAI 2015; Guo, Pleiss, Sun & Weinberger, ICML 2017, eq. 3):
 *   ECE = Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)|
 * where conf is the top-1 (max) probability, acc(B_b) the fraction of top-1 correct examples in
 * bin b and conf(B_b) their mean confidence. Guo et al. use M = 15 bins, as we do.
 *
 * Bin edges: bin k (0-based) holds confidences in (k/15, (k+1)/15], right-closed, as in the
 * reference code of Guo et al. (`conf > lower and conf ≤ upper`). That code drops conf = 0; we put
 * conf ≤ 0 in the first bin instead (a max probability is ≥ 1/numClasses, so this only matters
 * for malformed input) and conf > 1 (float rounding of a softmax) in the last bin. Edges are
 * compared as the doubles k/15, so a confidence exactly equal to an edge goes to the lower bin.
 *
 * Brier (Brier 1950, multi-class form): mean over examples of Σ_j (p_j − y_j)², with y one-hot.
 * Expanding the square gives Σ_j p_j² − 2·p_true + 1, which the records carry (sumSq, pTrue).
 */

import type { ClassificationRecord } from './classification.js';

/** Number of equal-width bins for ECE (Guo et al. 2017 use 15). */
export const CALIBRATION_BINS = 15;

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Exclusive lower edge (k / bins); the first bin also holds confidence 0. */
  lower: number;
  /** Inclusive upper edge ((k + 1) / bins). */
  upper: number;
  /** Number of examples (Σ weights when weighted). */
  count: number;
  /** Mean confidence of the examples in the bin; null when the bin is empty. */
  meanConfidence: number | null;
  /** Fraction of top-1 correct examples in the bin; null when the bin is empty. */
  accuracy: number | null;
}

/**
 * Index of the bin (k/bins, (k+1)/bins] holding `conf`; conf ≤ 0 goes to bin 0, conf > 1 to the
 * last bin. Throws RangeError on NaN.
 */
export function calibrationBinIndex(conf: number, bins: number = CALIBRATION_BINS): number {
  if (Number.isNaN(conf)) throw new RangeError('confidence is NaN');
  if (conf <= 0) return 0;
  if (conf >= 1) return bins - 1;
  let b = Math.ceil(conf * bins) - 1;
  // conf·bins can round across an integer; settle the bin against the edges as doubles.
  if (b > 0 && conf <= b / bins) b--;
  else if (b < bins - 1 && conf > (b + 1) / bins) b++;
  return Math.min(bins - 1, Math.max(0, b));
}

/**
 * Reliability bins and ECE from per-bin sums: count, Σ conf and Σ correct (0/1) per bin.
 * ECE = Σ_b |Σcorrect_b − Σconf_b| / n, which equals Σ_b (n_b/n)·|acc_b − conf_b|. NaN when n = 0.
 */
export function calibrationBins(
  count: ArrayLike<number>,
  confSum: ArrayLike<number>,
  correctSum: ArrayLike<number>,
): { bins: CalibrationBin[]; ece: number } {
  const m = count.length;
  const bins: CalibrationBin[] = [];
  let n = 0;
  let gap = 0;
  for (let b = 0; b < m; b++) {
    const c = count[b] as number;
    const cs = confSum[b] as number;
    const ok = correctSum[b] as number;
    n += c;
    gap += Math.abs(ok - cs);
    bins.push({
      lower: b / m,
      upper: (b + 1) / m,
      count: c,
      meanConfidence: c === 0 ? null : cs / c,
      accuracy: c === 0 ? null : ok / c,
    });
  }
  return { bins, ece: n === 0 ? NaN : gap / n };
}

/**
 * Expected calibration error of top-1 predictions with `bins` equal-width bins (default 15).
 * Top-1 correct means pred = label. NaN for no records.
 */
export function expectedCalibrationError(
  records: readonly Pick<ClassificationRecord, 'label' | 'pred' | 'conf'>[],
  bins: number = CALIBRATION_BINS,
): number {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const correctSum = new Float64Array(bins);
  for (const r of records) {
    const b = calibrationBinIndex(r.conf, bins);
    count[b] = (count[b] as number) + 1;
    confSum[b] = (confSum[b] as number) + r.conf;
    if (r.pred === r.label) correctSum[b] = (correctSum[b] as number) + 1;
  }
  return calibrationBins(count, confSum, correctSum).ece;
}

/** Brier score of one example: Σ_j (p_j − y_j)² = sumSq − 2·pTrue + 1. */
export function brierOfRecord(record: Pick<ClassificationRecord, 'sumSq' | 'pTrue'>): number {
  return record.sumSq - 2 * record.pTrue + 1;
}

/** Multi-class Brier score: mean over records of Σ_j (p_j − y_j)². NaN for no records. */
export function brierScore(
  records: readonly Pick<ClassificationRecord, 'sumSq' | 'pTrue'>[],
): number {
  if (records.length === 0) return NaN;
  let sum = 0;
  for (const r of records) sum += brierOfRecord(r);
  return sum / records.length;
}
