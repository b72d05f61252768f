/**
 * Label issues by confident learning (Northcutt, Jiang & Chuang, "Confident Learning:
 * Estimating Uncertainty in Dataset Labels", JAIR 70, 2021), on the model's out-of-sample
 * probabilities for the evaluation set. Pure.
 *
 * 1. Per-class thresholds t_j = mean of p̂_j(x) over the examples labelled j (the expected
 *    self-confidence of class j).
 * 2. Confident joint C[i][j]: examples labelled i whose p̂_j reaches t_j, counted under
 *    the j with the largest p̂ among the classes over their threshold.
 * 3. Calibration: C̃[i][j] = C[i][j] / Σ_k C[i][k] · |X_ỹ=i|, then Q = C̃ / Σ C̃, the estimated
 *    joint of given and true labels; n·Q[i][j] (i ≠ j) estimates how many examples labelled i
 *    are truly j.
 * 4. Rank and prune (paper §3.3):
 *    - prune_by_noise_rate (default, the paper's PBNR): for each i ≠ j, the n·Q[i][j] examples
 *      labelled i with the largest margin p̂_j − p̂_i;
 *    - prune_by_class (PBC): for each i, the n·Σ_{j≠i} Q[i][j] examples labelled i with the
 *      lowest self-confidence p̂_i;
 *    - both (C+NR): flagged by PBC and by PBNR;
 *    - confident_joint (C_ỹ,y*): the off-diagonal examples of the confident joint;
 *    - predicted_neq_given (C_confusion, the paper's baseline): argmax ≠ given label.
 *    Flagged examples are ranked by self-confidence p̂_ỹ or by normalised margin
 *    p̂_ỹ − max_{j≠ỹ} p̂_j (ascending: most suspicious first).
 *
 * With a baseline model's probabilities too, an example can be required to be flagged by both
 * models: two models agreeing that a label is wrong is much stronger evidence than one.
 */
import { compareText } from '../../text/compare.js';
import type { ClassPrediction } from '../../tasks/task.js';
import type { Example } from '../../types.js';
import type { DataCheck } from './types.js';
import { formatPercent, NO_SINGLE_LABEL, skipped } from './util.js';

export type LabelIssueMethod =
  'prune_by_noise_rate' | 'prune_by_class' | 'both' | 'confident_joint' | 'predicted_neq_given';

export type LabelIssueRanking = 'self_confidence' | 'normalized_margin';

export interface ConfidentLearningOptions {
  method: LabelIssueMethod;
}

/** Confident learning on one model's probabilities (indices refer to the input rows). */
export interface ConfidentLearningResult {
  /** t_j per class (NaN for a class with no labelled example: nothing can be confidently it). */
  thresholds: number[];
  /** C[given][true] counts. */
  confidentJoint: number[][];
  /** Calibrated, normalised joint Q[given][true] (sums to 1). */
  joint: number[][];
  /** 1 − trace(Q): the estimated fraction of wrong labels. */
  estimatedNoiseRate: number;
  /** Flagged rows and the label each one is suggested to have. */
  flagged: Map<number, number>;
}

/**
 * Run confident learning. `labels[k]` is the given class of row k, `probs[k]` its predicted
 * probabilities (length = classCount).
 */
export function confidentLearning(
  labels: readonly number[],
  probs: readonly (readonly number[])[],
  classCount: number,
  options: ConfidentLearningOptions,
): ConfidentLearningResult {
  const n = labels.length;
  if (probs.length !== n) throw new Error('labels and probs differ in length');
  const K = classCount;

  const sums = new Array<number>(K).fill(0);
  const counts = new Array<number>(K).fill(0);
  for (let k = 0; k < n; k++) {
    const i = labels[k]!;
    sums[i]! += probs[k]![i]!;
    counts[i]!++;
  }
  const thresholds = sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : NaN));

  const C = matrix(K);
  const cjTrue = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const p = probs[k]!;
    let best = -1;
    for (let j = 0; j < K; j++) {
      const t = thresholds[j]!;
      if (!Number.isNaN(t) && p[j]! >= t && (best < 0 || p[j]! > p[best]!)) best = j;
    }
    if (best >= 0) {
      C[labels[k]!]![best]!++;
      cjTrue[k] = best;
    }
  }

  // Calibrate rows to the given-label counts, then normalise to a joint distribution.
  const calibrated = C.map((row, i) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (rowSum > 0 ? (c / rowSum) * counts[i]! : 0));
  });
  const total = calibrated.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const joint = calibrated.map((row) => row.map((c) => (total > 0 ? c / total : 0)));
  let trace = 0;
  for (let i = 0; i < K; i++) trace += joint[i]![i]!;
  const estimatedNoiseRate = total > 0 ? Math.max(0, 1 - trace) : 0;

  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let k = 0; k < n; k++) byClass[labels[k]!]!.push(k);
  const otherArgmax = (k: number): number => {
    const p = probs[k]!;
    const given = labels[k]!;
    let best = -1;
    for (let j = 0; j < K; j++) if (j !== given && (best < 0 || p[j]! > p[best]!)) best = j;
    return best;
  };
  const suggestion = (k: number): number => {
    const t = cjTrue[k]!;
    return t >= 0 && t !== labels[k] ? t : otherArgmax(k);
  };

  const pbnr = (): Map<number, number> => {
    const out = new Map<number, number>();
    for (let i = 0; i < K; i++) {
      const members = byClass[i]!;
      // Keep at least one example per class, as the paper's implementation does.
      let budget = Math.max(0, members.length - 1);
      const cells: { j: number; count: number }[] = [];
      for (let j = 0; j < K; j++) {
        if (j !== i) cells.push({ j, count: Math.round(n * joint[i]![j]!) });
      }
      for (const { j, count } of cells) {
        const take = Math.min(count, budget);
        if (take <= 0) continue;
        const ranked = [...members].sort((a, b) => {
          const ma = probs[a]![j]! - probs[a]![i]!;
          const mb = probs[b]![j]! - probs[b]![i]!;
          return mb - ma || a - b;
        });
        for (const k of ranked.slice(0, take)) {
          if (!out.has(k)) {
            out.set(k, j);
            budget--;
          }
        }
      }
    }
    return out;
  };
  const pbc = (): Map<number, number> => {
    const out = new Map<number, number>();
    for (let i = 0; i < K; i++) {
      const members = byClass[i]!;
      let offDiagonal = 0;
      for (let j = 0; j < K; j++) if (j !== i) offDiagonal += joint[i]![j]!;
      const take = Math.min(Math.round(n * offDiagonal), Math.max(0, members.length - 1));
      const ranked = [...members].sort((a, b) => probs[a]![i]! - probs[b]![i]! || a - b);
      for (const k of ranked.slice(0, take)) out.set(k, suggestion(k));
    }
    return out;
  };

  let flagged: Map<number, number>;
  switch (options.method) {
    case 'prune_by_noise_rate':
      flagged = pbnr();
      break;
    case 'prune_by_class':
      flagged = pbc();
      break;
    case 'both': {
      const a = pbnr();
      const b = pbc();
      flagged = new Map([...a].filter(([k]) => b.has(k)));
      break;
    }
    case 'confident_joint':
      flagged = new Map();
      for (let k = 0; k < n; k++) {
        if (cjTrue[k]! >= 0 && cjTrue[k] !== labels[k]) flagged.set(k, cjTrue[k]!);
      }
      break;
    case 'predicted_neq_given':
      flagged = new Map();
      for (let k = 0; k < n; k++) {
        const p = probs[k]!;
        let arg = 0;
        for (let j = 1; j < K; j++) if (p[j]! > p[arg]!) arg = j;
        if (arg !== labels[k]) flagged.set(k, arg);
      }
      break;
  }
  return { thresholds, confidentJoint: C, joint, estimatedNoiseRate, flagged };
}

/** Self-confidence p̂_ỹ(x). */
export function selfConfidence(probs: readonly number[], given: number): number {
  return probs[given]!;
}

/** Normalised margin p̂_ỹ(x) − max_{j≠ỹ} p̂_j(x), in [−1, 1]. */
export function normalizedMargin(probs: readonly number[], given: number): number {
  let other = -Infinity;
  for (let j = 0; j < probs.length; j++) if (j !== given && probs[j]! > other) other = probs[j]!;
  return probs[given]! - (other === -Infinity ? 0 : other);
}

/** One suspected label error. */
export interface LabelIssue {
  id: string;
  givenLabel: string;
  suggestedLabel: string;
  /** Candidate's probability of the given label. */
  selfConfidence: number;
  /** Candidate's p̂_given − max other p̂. */
  normalizedMargin: number;
  /** The baseline's suggestion when the baseline took part (may differ from the candidate's). */
  baselineSuggestedLabel?: string;
}

export interface LabelIssuesOptions {
  method: LabelIssueMethod;
  rankBy: LabelIssueRanking;
  /** Require the baseline to flag an example too (when baseline probabilities exist). */
  requireBaselineAgreement: boolean;
  maxListed: number;
}

export interface LabelIssuesFinding {
  status: 'ran';
  method: LabelIssueMethod;
  rankBy: LabelIssueRanking;
  /** Whose probabilities decided: the candidate alone, or both models agreeing. */
  models: 'candidate' | 'candidate+baseline';
  /** Examples with usable probabilities. */
  evaluatedCount: number;
  /** Examples without a clean candidate record with probabilities (not analysed). */
  skippedCount: number;
  issueCount: number;
  /** issueCount / evaluatedCount. */
  issueRate: number;
  candidateIssueCount: number;
  baselineIssueCount?: number;
  /** Confident learning's estimate of the fraction of wrong labels (candidate, 1 − trace Q). */
  estimatedNoiseRate: number;
  /** t_j per class, in class order (null where the class has no example). */
  thresholds: { label: string; threshold: number | null }[];
  /** Most frequent (given → suggested) pairs among the issues. */
  topConfusions: { given: string; suggested: string; count: number }[];
  /** Ranked, most suspicious first. */
  issues: LabelIssue[];
  truncated: boolean;
}

export interface LabelIssuesInput {
  examples: readonly Pick<Example, 'id' | 'labelIndex'>[];
  classes: readonly string[];
  candidate: readonly ClassPrediction[];
  baseline?: readonly ClassPrediction[];
}

/** Probabilities of clean-variant records of one model, by example id (rows of the wrong length dropped). */
function probsById(
  records: readonly ClassPrediction[],
  role: ClassPrediction['model'],
  classCount: number,
) {
  const out = new Map<string, number[]>();
  for (const r of records) {
    if (r.model === role && r.variant === 'clean' && r.probs && r.probs.length === classCount)
      out.set(r.id, r.probs);
  }
  return out;
}

/**
 * Find label issues among `input.examples` from the candidate's (and optionally the baseline's)
 * clean probabilities. Returns undefined when no example has probabilities.
 */
export function findLabelIssues(
  input: LabelIssuesInput,
  options: LabelIssuesOptions,
): LabelIssuesFinding | undefined {
  const K = input.classes.length;
  const cand = probsById(input.candidate, 'candidate', K);
  const base = input.baseline
    ? probsById(input.baseline, 'baseline', K)
    : new Map<string, number[]>();
  const useBaseline = options.requireBaselineAgreement && base.size > 0;

  const rows = input.examples.filter(
    (e) =>
      cand.has(e.id) && (!useBaseline || base.has(e.id)) && e.labelIndex >= 0 && e.labelIndex < K,
  );
  if (rows.length === 0) return undefined;
  const labels = rows.map((e) => e.labelIndex);
  const candProbs = rows.map((e) => cand.get(e.id)!);
  const candResult = confidentLearning(labels, candProbs, K, { method: options.method });
  let flagged = candResult.flagged;
  let baseResult: ConfidentLearningResult | undefined;
  if (useBaseline) {
    baseResult = confidentLearning(
      labels,
      rows.map((e) => base.get(e.id)!),
      K,
      { method: options.method },
    );
    const other = baseResult.flagged;
    flagged = new Map([...flagged].filter(([k]) => other.has(k)));
  }

  const issues: LabelIssue[] = [...flagged].map(([k, suggested]) => {
    const e = rows[k]!;
    const p = candProbs[k]!;
    const issue: LabelIssue = {
      id: e.id,
      givenLabel: input.classes[e.labelIndex]!,
      suggestedLabel: input.classes[suggested]!,
      selfConfidence: selfConfidence(p, e.labelIndex),
      normalizedMargin: normalizedMargin(p, e.labelIndex),
    };
    const b = baseResult?.flagged.get(k);
    if (b !== undefined) issue.baselineSuggestedLabel = input.classes[b]!;
    return issue;
  });
  const score = (x: LabelIssue): number =>
    options.rankBy === 'self_confidence' ? x.selfConfidence : x.normalizedMargin;
  issues.sort((a, b) => score(a) - score(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const pairCounts = new Map<string, { given: string; suggested: string; count: number }>();
  for (const x of issues) {
    const key = JSON.stringify([x.givenLabel, x.suggestedLabel]);
    const entry = pairCounts.get(key) ?? {
      given: x.givenLabel,
      suggested: x.suggestedLabel,
      count: 0,
    };
    entry.count++;
    pairCounts.set(key, entry);
  }
  const topConfusions = [...pairCounts.values()]
    .sort(
      (a, b) =>
        b.count - a.count || compareText(a.given, b.given) || compareText(a.suggested, b.suggested),
    )
    .slice(0, 10);

  const thresholds = input.classes.map((label, j) => {
    const t = candResult.thresholds[j]!;
    return { label, threshold: Number.isNaN(t) ? null : t };
  });
  return {
    status: 'ran',
    method: options.method,
    rankBy: options.rankBy,
    models: useBaseline ? 'candidate+baseline' : 'candidate',
    evaluatedCount: rows.length,
    skippedCount: input.examples.length - rows.length,
    issueCount: issues.length,
    issueRate: issues.length / rows.length,
    candidateIssueCount: candResult.flagged.size,
    ...(baseResult ? { baselineIssueCount: baseResult.flagged.size } : {}),
    estimatedNoiseRate: candResult.estimatedNoiseRate,
    thresholds,
    topConfusions,
    issues: issues.slice(0, options.maxListed),
    truncated: issues.length > options.maxListed,
  };
}

function matrix(k: number): number[][] {
  return Array.from({ length: k }, () => new Array<number>(k).fill(0));
}

/** Registry entry: confident learning on the clean probabilities. */
export const labelIssuesCheck: DataCheck<'labelIssues'> = {
  id: 'labelIssues',
  title: 'Label issues',
  run(ctx) {
    const c = ctx.config.labelIssues;
    if (!c.enabled) return skipped('disabled in config');
    if (ctx.input.objects) return skipped(NO_SINGLE_LABEL);
    const { examples, classes, candidate, baseline } = ctx.input;
    const finding = findLabelIssues(
      { examples, classes, candidate, ...(baseline ? { baseline } : {}) },
      {
        method: c.method,
        rankBy: c.rankBy,
        requireBaselineAgreement: c.requireBaselineAgreement,
        maxListed: ctx.config.maxListed,
      },
    );
    return (
      finding ??
      skipped(
        `no clean candidate record carries class probabilities (probs with ${classes.length} entries, one per class)`,
      )
    );
  },
  gateValues: (f) => [
    {
      gate: 'maxLabelIssueRate',
      metric: 'label issue rate',
      value: f.issueRate,
      format: formatPercent,
    },
  ],
};
