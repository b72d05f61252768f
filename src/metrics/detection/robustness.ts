/**
 * Robustness of a detector under corruptions, as Michaelis et al. 2019 ("Benchmarking
 * Robustness in Object Detection", arXiv:1907.07484) define it: the performance under
 * corruption mPC = (1/N_c) Σ_c (1/N_s) Σ_s P_{c,s}, the mean over corruptions c of the mean over
 * severities s of the metric P (mAP @[.5:.95] in the paper), and the relative performance under
 * corruption rPC = mPC / P_clean. A metric value of −1 (COCOeval's "undefined": no counted
 * object) is left out of the means; a corruption with no defined severity is left out of mPC.
 */

/** Metric per corruption per severity (any severities; missing ones are simply not there). */
export type PerCorruption = Readonly<Record<string, Readonly<Record<number, number>>>>;

export interface CorruptionPerformance {
  /** Mean over severities, per corruption; null where no severity is defined. */
  perCorruption: Record<string, number | null>;
  /** mPC; null when no corruption has a defined value. */
  mPC: number | null;
  /** mPC / clean; null when either is undefined or clean is 0. */
  rPC: number | null;
}

/** mPC and rPC of one model from its clean value and its values under corruption. */
export function corruptionPerformance(
  clean: number,
  corrupted: PerCorruption,
): CorruptionPerformance {
  const perCorruption: Record<string, number | null> = {};
  const means: number[] = [];
  for (const [c, bySeverity] of Object.entries(corrupted)) {
    const defined = Object.values(bySeverity).filter((v) => v > -1);
    const m = defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
    perCorruption[c] = m;
    if (m !== null) means.push(m);
  }
  const mPC = means.length > 0 ? means.reduce((a, b) => a + b, 0) / means.length : null;
  const rPC = mPC !== null && clean > 0 ? mPC / clean : null;
  return { perCorruption, mPC, rPC };
}
