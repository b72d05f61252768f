import { UserError } from '../errors.js';

/** Per-example statistics derived from one row of class scores. */
export interface ScoreStats {
  pred: number;
  conf: number;
  pTrue: number;
  rank: number;
  sumSq: number;
  probs: Float64Array;
}

/** Tolerance for "this row already is a probability distribution". */
const PROB_SUM_TOLERANCE = 1e-3;

/** True when every value is in [0, 1] and the row sums to 1 within tolerance. */
export function isProbabilityRow(row: ArrayLike<number>): boolean {
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j]!;
    if (v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= PROB_SUM_TOLERANCE;
}

/** Numerically stable softmax (max subtracted) in float64. */
export function softmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) max = Math.max(max, row[j]!);
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    const e = Math.exp(row[j]! - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < row.length; j++) out[j]! /= sum;
  return out;
}

/**
 * Turn a row of scores into probabilities and the record statistics. `type` auto treats a row
 * as probabilities only if it already is one (see {@link isProbabilityRow}); probability rows are
 * renormalised to sum to exactly 1. Ties in argmax go to the lowest index (as numpy).
 */
export function scoreRow(
  row: ArrayLike<number>,
  label: number,
  type: 'auto' | 'logits' | 'probabilities',
): ScoreStats {
  let probs: Float64Array;
  const asProbs = type === 'probabilities' || (type === 'auto' && isProbabilityRow(row));
  if (asProbs) {
    probs = Float64Array.from(row);
    let sum = 0;
    for (const p of probs) {
      if (p < 0) throw notProbabilities(row, 'has negative scores');
      sum += p;
    }
    if (!(sum > 0)) throw notProbabilities(row, 'sums to 0');
    for (let j = 0; j < probs.length; j++) probs[j]! /= sum;
  } else {
    probs = softmax(row);
  }
  let pred = 0;
  let sumSq = 0;
  for (let j = 0; j < probs.length; j++) {
    if (probs[j]! > probs[pred]!) pred = j;
    sumSq += probs[j]! * probs[j]!;
  }
  const pTrue = probs[label]!;
  let rank = 0;
  // Rank = number of classes strictly more probable, plus ties ranked before the true class by index.
  for (let j = 0; j < probs.length; j++)
    if (probs[j]! > pTrue || (probs[j] === pTrue && j < label)) rank++;
  return { pred, conf: probs[pred]!, pTrue, rank, sumSq, probs };
}

/** Only an explicit `type: probabilities` gets here: auto-detected rows are distributions. */
function notProbabilities(row: ArrayLike<number>, what: string): UserError {
  const shown = Array.from(row, (v) => Number(v.toPrecision(4))).slice(0, 8);
  return new UserError(
    'model',
    `the output type is set to probabilities (model.output.type or baseline.output.type) but an output row ${what}: [${shown.join(', ')}${row.length > 8 ? ', ...' : ''}]. If the model outputs logits, set the type to logits or auto.`,
  );
}

/** Refuse NaN/±Inf outputs with the ids of the affected examples; `model` names the model. */
export function assertFinite(
  data: Float32Array,
  rowLength: number,
  ids: readonly string[],
  model: string,
): void {
  const bad: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = 0; j < rowLength; j++) {
      if (!Number.isFinite(data[i * rowLength + j]!)) {
        bad.push(ids[i]!);
        break;
      }
    }
  }
  if (bad.length > 0) {
    throw new UserError(
      'model',
      `${model} produced NaN or infinite scores for ${bad.length} example(s): ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}. Check the model and its input normalisation (model.input.scale/mean/std).`,
    );
  }
}
