/**
 * Group disparity of the candidate model over declared sensitive attributes (metadata columns).
 * Pure. Definitions (all on the clean variant):
 *
 * For a group g (examples whose attribute has value g) and a class c, one-vs-rest:
 * - TPR_g(c) = P(pred = c | label = c, g)  (recall of c), defined when g has ≥ minClassSupport
 *   examples labelled c;
 * - FPR_g(c) = P(pred = c | label ≠ c, g), defined when g has ≥ minClassSupport examples not
 *   labelled c.
 * - accuracy_g = P(pred = label | g), with a 95% Wilson interval;
 * - macro recall_g / macro FPR_g = unweighted mean of the defined TPR_g(c) / FPR_g(c).
 *
 * Gaps are taken over the groups with at least minGroupSize examples ("eligible"); smaller
 * groups are listed with their numbers but excluded from every gap, because a gap between tiny
 * groups is mostly noise.
 * - accuracy gap = max_g accuracy_g − min_g accuracy_g (likewise macro recall, macro FPR);
 * - TPR gap(c) = max − min of TPR_g(c) over eligible groups where it is defined (likewise FPR);
 * - equalised-odds difference = max over classes c of max(TPR gap(c), FPR gap(c)). For two
 *   classes this is fairlearn's `equalized_odds_difference` (Hardt, Price & Srebro, "Equality of
 *   Opportunity in Supervised Learning", NeurIPS 2016: equal TPR and FPR across groups); for K
 *   classes it applies that definition to each one-vs-rest problem and keeps the worst class.
 * Examples without a value for the attribute are counted (missingCount) and left out.
 */
import { wilsonInterval } from '../../metrics/stats.js';
import type { ClassPrediction } from '../../tasks/task.js';
import type { Example } from '../../types.js';
import type { DataCheck } from './types.js';
import { formatNumber, NO_SINGLE_LABEL, skipped } from './util.js';

export interface BiasOptions {
  attributes: readonly string[];
  minGroupSize: number;
  minClassSupport: number;
}

export interface GroupStats {
  value: string;
  size: number;
  correct: number;
  accuracy: number;
  accuracyLower: number;
  accuracyUpper: number;
  /** Mean TPR over classes with enough positives in the group (null when none). */
  macroRecall: number | null;
  /** Mean FPR over classes with enough negatives in the group (null when none). */
  macroFpr: number | null;
  /** Included in the gaps (size ≥ minGroupSize). */
  eligible: boolean;
}

/** A max − min difference and the groups that attain it (for FPR, highest is the worse). */
export interface Gap {
  value: number;
  highest: string;
  lowest: string;
}

export interface ClassGap {
  label: string;
  tprGap: Gap | null;
  fprGap: Gap | null;
}

export interface AttributeBias {
  attribute: string;
  /** Examples with no value for the attribute. */
  missingCount: number;
  groups: GroupStats[];
  eligibleGroupCount: number;
  accuracyGap: Gap | null;
  macroRecallGap: Gap | null;
  macroFprGap: Gap | null;
  /** Classes sorted by max(TPR gap, FPR gap), largest first. */
  classGaps: ClassGap[];
  equalizedOddsDifference: { value: number; label: string; component: 'tpr' | 'fpr' } | null;
}

export interface BiasFinding {
  status: 'ran';
  evaluatedCount: number;
  attributes: AttributeBias[];
  /** Largest accuracy gap over attributes (0 when none). */
  maxAccuracyGap: number;
  /** Largest equalised-odds difference over attributes (0 when none). */
  maxEqualizedOddsDifference: number;
}

export interface BiasInput {
  examples: readonly Pick<Example, 'id' | 'labelIndex' | 'metadata'>[];
  classes: readonly string[];
  candidate: readonly ClassPrediction[];
}

/** Per-group metrics and gaps for each attribute. Returns undefined when no example has a prediction. */
export function analyseBias(input: BiasInput, options: BiasOptions): BiasFinding | undefined {
  const K = input.classes.length;
  const predById = new Map<string, number>();
  for (const r of input.candidate)
    if (r.model === 'candidate' && r.variant === 'clean') predById.set(r.id, r.pred);
  const rows = input.examples.filter(
    (e) => predById.has(e.id) && e.labelIndex >= 0 && e.labelIndex < K,
  );
  if (rows.length === 0) return undefined;

  const attributes = options.attributes.map((attribute): AttributeBias => {
    const byGroup = new Map<string, { label: number; pred: number }[]>();
    let missingCount = 0;
    for (const e of rows) {
      const v = Object.hasOwn(e.metadata, attribute) ? e.metadata[attribute] : undefined;
      if (v === undefined || v === '') {
        missingCount++;
        continue;
      }
      const list = byGroup.get(v) ?? [];
      list.push({ label: e.labelIndex, pred: predById.get(e.id)! });
      byGroup.set(v, list);
    }
    const perGroup = [...byGroup.entries()]
      .sort((a, b) => compare(a[0], b[0]))
      .map(([value, items]) => ({ value, ...groupStats(value, items, K, options) }));
    const eligible = perGroup.filter((g) => g.stats.eligible);
    const gapOf = (pick: (g: (typeof perGroup)[number]) => number | null): Gap | null =>
      gap(eligible.map((g) => [g.value, pick(g)] as const));
    const classGaps: ClassGap[] = input.classes.map((label, c) => ({
      label,
      tprGap: gapOf((g) => g.tpr[c]!),
      fprGap: gapOf((g) => g.fpr[c]!),
    }));
    const worstOf = (cg: ClassGap): number =>
      Math.max(cg.tprGap?.value ?? -1, cg.fprGap?.value ?? -1);
    classGaps.sort((a, b) => worstOf(b) - worstOf(a) || compare(a.label, b.label));
    let eod: AttributeBias['equalizedOddsDifference'] = null;
    for (const cg of classGaps) {
      for (const [component, g] of [
        ['tpr', cg.tprGap],
        ['fpr', cg.fprGap],
      ] as const) {
        if (g && (eod === null || g.value > eod.value))
          eod = { value: g.value, label: cg.label, component };
      }
    }
    return {
      attribute,
      missingCount,
      groups: perGroup.map((g) => g.stats),
      eligibleGroupCount: eligible.length,
      accuracyGap: gapOf((g) => g.stats.accuracy),
      macroRecallGap: gapOf((g) => g.stats.macroRecall),
      macroFprGap: gapOf((g) => g.stats.macroFpr),
      classGaps,
      equalizedOddsDifference: eod,
    };
  });
  return {
    status: 'ran',
    evaluatedCount: rows.length,
    attributes,
    maxAccuracyGap: Math.max(0, ...attributes.map((a) => a.accuracyGap?.value ?? 0)),
    maxEqualizedOddsDifference: Math.max(
      0,
      ...attributes.map((a) => a.equalizedOddsDifference?.value ?? 0),
    ),
  };
}

function groupStats(
  value: string,
  items: readonly { label: number; pred: number }[],
  K: number,
  options: BiasOptions,
): { stats: GroupStats; tpr: (number | null)[]; fpr: (number | null)[] } {
  const n = items.length;
  const positives = new Array<number>(K).fill(0);
  const truePositives = new Array<number>(K).fill(0);
  const predicted = new Array<number>(K).fill(0);
  let correct = 0;
  for (const { label, pred } of items) {
    positives[label]!++;
    if (pred >= 0 && pred < K) predicted[pred]!++;
    if (pred === label) {
      correct++;
      truePositives[label]!++;
    }
  }
  const tpr: (number | null)[] = [];
  const fpr: (number | null)[] = [];
  for (let c = 0; c < K; c++) {
    const pos = positives[c]!;
    const neg = n - pos;
    tpr.push(pos >= options.minClassSupport && pos > 0 ? truePositives[c]! / pos : null);
    // False positives of c = predicted c − true positives of c.
    fpr.push(
      neg >= options.minClassSupport && neg > 0 ? (predicted[c]! - truePositives[c]!) / neg : null,
    );
  }
  const ci = wilsonInterval(correct, n);
  return {
    stats: {
      value,
      size: n,
      correct,
      accuracy: correct / n,
      accuracyLower: ci.lower,
      accuracyUpper: ci.upper,
      macroRecall: mean(tpr),
      macroFpr: mean(fpr),
      eligible: n >= options.minGroupSize,
    },
    tpr,
    fpr,
  };
}

function gap(values: readonly (readonly [string, number | null])[]): Gap | null {
  const defined = values.filter((v): v is readonly [string, number] => v[1] !== null);
  if (defined.length < 2) return null;
  let highest = defined[0]!;
  let lowest = defined[0]!;
  for (const v of defined) {
    if (v[1] > highest[1]) highest = v;
    if (v[1] < lowest[1]) lowest = v;
  }
  return { value: highest[1] - lowest[1], highest: highest[0], lowest: lowest[0] };
}

function mean(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Registry entry: per-group metrics and gaps over the declared sensitive attributes. */
export const biasCheck: DataCheck<'bias'> = {
  id: 'bias',
  title: 'Group disparity',
  run(ctx) {
    const c = ctx.config.bias;
    if (!c.enabled) return skipped('disabled in config');
    if (ctx.input.objects) return skipped(NO_SINGLE_LABEL);
    if (c.attributes.length === 0)
      return skipped('no sensitive attributes (set data.bias.attributes)');
    const { examples, classes, candidate } = ctx.input;
    const finding = analyseBias(
      { examples, classes, candidate },
      {
        attributes: c.attributes,
        minGroupSize: c.minGroupSize,
        minClassSupport: c.minClassSupport,
      },
    );
    return finding ?? skipped('no clean candidate prediction matches an example');
  },
  gateValues: (f) => {
    const byAcc = [...f.attributes].sort(
      (a, b) => (b.accuracyGap?.value ?? 0) - (a.accuracyGap?.value ?? 0),
    )[0];
    const byEod = [...f.attributes].sort(
      (a, b) => (b.equalizedOddsDifference?.value ?? 0) - (a.equalizedOddsDifference?.value ?? 0),
    )[0];
    return [
      {
        gate: 'maxBiasGap',
        metric: 'largest accuracy gap between groups',
        value: f.maxAccuracyGap,
        format: formatNumber,
        ...(byAcc?.accuracyGap ? { detail: byAcc.attribute } : {}),
      },
      {
        gate: 'maxEqualizedOddsDifference',
        metric: 'largest equalised-odds difference',
        value: f.maxEqualizedOddsDifference,
        format: formatNumber,
        ...(byEod?.equalizedOddsDifference ? { detail: byEod.attribute } : {}),
      },
    ];
  },
};
