/**
 * The one pairing of candidate and baseline records. A record is keyed by example id and the
 * sha256 of the image bytes it was made from: a candidate record is compared with the baseline
 * record of the same id only when both saw the same bytes, so a changed image is never compared
 * with an old prediction. Every suite compares through this module.
 */
import { z } from 'zod';
import type { RecordTableCore } from '../tables/records.js';

/** The pairing as report.json states it. */
export const comparisonSchema = z.object({
  baseline: z.enum(['none', 'model', 'stored']),
  paired: z
    .number()
    .int()
    .describe('Examples compared between baseline and candidate (same id and same image bytes).'),
  changed: z
    .array(z.string())
    .describe('Ids whose image bytes differ from the baseline run: not compared.'),
  added: z.array(z.string()).describe('Ids the baseline run did not have.'),
  removed: z.array(z.string()).describe('Ids the baseline run had that this dataset does not.'),
});

export type Comparison = z.infer<typeof comparisonSchema>;

/** Baseline rows matched to candidate rows by example id and image hash. */
export interface Pairing<T extends RecordTableCore = RecordTableCore> {
  /** The candidate records. */
  candidate: T;
  /** The baseline records, when there is a baseline. */
  baseline: T | undefined;
  /** Baseline row paired with each candidate row; −1 when absent or the image changed. */
  baseRow: Int32Array;
  /** Number of paired candidate rows. */
  paired: number;
  /** Ids whose image bytes differ between the two sides, sorted. */
  changed: string[];
  /** Candidate ids the baseline has no record of, sorted. */
  added: string[];
  /** Baseline ids the candidate has no record of, sorted. */
  removed: string[];
}

/** Match records by id + content hash; a changed image is never compared to an old prediction. */
export function pairRecords<T extends RecordTableCore>(
  candidate: T,
  baseline: T | undefined,
): Pairing<T> {
  const baseRow = new Int32Array(candidate.length).fill(-1);
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  let paired = 0;
  if (baseline) {
    // Same run: both models' records follow example order, so rows match without a Map.
    const aligned =
      baseline.length === candidate.length &&
      candidate.ids.every((id, i) => baseline.ids[i] === id);
    const baseById = aligned ? undefined : baseline.indexById();
    for (let i = 0; i < candidate.length; i++) {
      const id = candidate.ids[i]!;
      const b = aligned ? i : baseById!.get(id);
      if (b === undefined) added.push(id);
      else if (!candidate.hashes.equals(i, baseline.hashes, b)) changed.push(id);
      else {
        baseRow[i] = b;
        paired++;
      }
    }
    if (!aligned) {
      const candIds = new Set(candidate.ids);
      for (const id of baseById!.keys()) if (!candIds.has(id)) removed.push(id);
    }
  }
  return {
    candidate,
    baseline,
    baseRow,
    paired,
    changed: changed.sort(),
    added: added.sort(),
    removed: removed.sort(),
  };
}

/**
 * The paired rows among candidate rows `rows` (all rows when undefined), as two aligned row
 * lists: `candidate[t]` and `baseline[t]` are the same example. When every selected row pairs
 * with the same row of a baseline of the same length (a baseline model run alongside), the
 * selection itself is returned for both sides and no arrays are made.
 */
export function pairedRows(
  pairing: Pick<Pairing, 'baseRow' | 'baseline' | 'candidate'>,
  rows: ArrayLike<number> | undefined,
): {
  candidate: ArrayLike<number> | undefined;
  baseline: ArrayLike<number> | undefined;
  n: number;
} {
  const n = rows ? rows.length : pairing.candidate.length;
  let paired = 0;
  let identity = true;
  for (let t = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const j = pairing.baseRow[i]!;
    if (j >= 0) paired++;
    if (j !== i) identity = false;
  }
  // All rows of both tables only when the baseline has no rows beyond the candidate's.
  if (!rows && pairing.baseline && pairing.baseline.length !== n) identity = false;
  if (identity) return { candidate: rows, baseline: rows, n: paired };
  const c = new Uint32Array(paired);
  const b = new Uint32Array(paired);
  for (let t = 0, p = 0; t < n; t++) {
    const i = rows ? rows[t]! : t;
    const j = pairing.baseRow[i]!;
    if (j < 0) continue;
    c[p] = i;
    b[p++] = j;
  }
  return { candidate: c, baseline: b, n: paired };
}
