import { describe, expect, it } from 'vitest';
import {
  confidentLearning,
  findLabelIssues,
  normalizedMargin,
  selfConfidence,
  type LabelIssueMethod,
} from '../../src/suites/data/label-issues.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';

/*
 * Hand-worked example (3 classes, 6 examples); example 2 is labelled 0 but looks like class 1.
 *   thresholds: t0 = (0.9 + 0.8 + 0.1)/3 = 0.6, t1 = (0.8 + 0.7)/2 = 0.75, t2 = 0.8
 *   confident joint: e0, e1 → C[0][0]; e2 (p1 = 0.85 ≥ 0.75) → C[0][1]; e3 → C[1][1];
 *     e4 (p1 = 0.7 < 0.75, nothing else above threshold) → not counted; e5 → C[2][2]
 *   C = [[2,1,0],[0,1,0],[0,0,1]]; calibrated rows ×(n_i / row sum): [[2,1,0],[0,2,0],[0,0,1]]
 *   Q = that / 6; trace = 5/6, estimated noise 1/6; n·Q[0][1] = 1.
 */
const labels = [0, 0, 0, 1, 1, 2];
const probs = [
  [0.9, 0.05, 0.05],
  [0.8, 0.1, 0.1],
  [0.1, 0.85, 0.05],
  [0.1, 0.8, 0.1],
  [0.2, 0.7, 0.1],
  [0.1, 0.1, 0.8],
];

describe('confidentLearning (hand-computed)', () => {
  it('computes thresholds, the confident joint and the calibrated joint', () => {
    const r = confidentLearning(labels, probs, 3, { method: 'prune_by_noise_rate' });
    expect(r.thresholds[0]).toBeCloseTo(0.6, 12);
    expect(r.thresholds[1]).toBeCloseTo(0.75, 12);
    expect(r.thresholds[2]).toBeCloseTo(0.8, 12);
    expect(r.confidentJoint).toEqual([
      [2, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const expected = [
      [2, 1, 0],
      [0, 2, 0],
      [0, 0, 1],
    ].map((row) => row.map((v) => v / 6));
    r.joint.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 12)));
    expect(r.estimatedNoiseRate).toBeCloseTo(1 / 6, 12);
  });

  it.each<LabelIssueMethod>([
    'prune_by_noise_rate',
    'prune_by_class',
    'both',
    'confident_joint',
    'predicted_neq_given',
  ])('%s flags example 2 with suggested class 1', (method) => {
    const r = confidentLearning(labels, probs, 3, { method });
    expect([...r.flagged]).toEqual([[2, 1]]);
  });

  it('noise rate prunes by margin towards the estimated class, class pruning by self-confidence', () => {
    // Class 0 holds A (p0 = 0.2, mostly class 2 but below t2 = 0.95) and B (p0 = 0.3, p1 = 0.7
    // ≥ t1 = 0.7). Only B enters the confident joint off the diagonal: C[0][1] = 1, so
    // n·Q[0][1] = 8 · (4/3)/8 → 1 example. PBNR takes the largest p1 − p0 (B); PBC takes the
    // lowest p0 (A, suggested as its most likely other class, 2); both = neither.
    const l = [0, 0, 0, 0, 1, 1, 2, 2];
    const p = [
      [0.9, 0.05, 0.05],
      [0.9, 0.05, 0.05],
      [0.2, 0.1, 0.7], // A
      [0.3, 0.7, 0.0], // B
      [0.2, 0.7, 0.1],
      [0.25, 0.7, 0.05],
      [0.025, 0.025, 0.95],
      [0.025, 0.025, 0.95],
    ];
    expect([...confidentLearning(l, p, 3, { method: 'prune_by_noise_rate' }).flagged]).toEqual([
      [3, 1],
    ]);
    expect([...confidentLearning(l, p, 3, { method: 'prune_by_class' }).flagged]).toEqual([[2, 2]]);
    expect(confidentLearning(l, p, 3, { method: 'both' }).flagged.size).toBe(0);
    expect([...confidentLearning(l, p, 3, { method: 'confident_joint' }).flagged]).toEqual([
      [3, 1],
    ]);
    expect([...confidentLearning(l, p, 3, { method: 'predicted_neq_given' }).flagged]).toEqual([
      [2, 2],
      [3, 1],
    ]);
  });

  it('never empties a class, and a class without examples gets no threshold', () => {
    const r = confidentLearning(
      [0, 1],
      [
        [0.1, 0.9, 0],
        [0.9, 0.1, 0],
      ],
      3,
      { method: 'prune_by_noise_rate' },
    );
    expect(Number.isNaN(r.thresholds[2])).toBe(true);
    expect(r.flagged.size).toBe(0); // each class has a single example
  });
});

describe('scores', () => {
  it('self-confidence and normalised margin', () => {
    expect(selfConfidence([0.2, 0.5, 0.3], 0)).toBe(0.2);
    expect(normalizedMargin([0.2, 0.5, 0.3], 0)).toBeCloseTo(-0.3, 12);
    expect(normalizedMargin([0.7, 0.2, 0.1], 0)).toBeCloseTo(0.5, 12);
  });
});

function rec(
  id: string,
  label: number,
  p: number[],
  model: 'candidate' | 'baseline',
  variant = 'clean',
): PredictionRecord {
  const pred = p.indexOf(Math.max(...p));
  return {
    id,
    hash: '',
    model,
    variant,
    label,
    pred,
    conf: p[pred]!,
    pTrue: p[label]!,
    rank: 0,
    sumSq: 0,
    probs: p,
  };
}

describe('findLabelIssues', () => {
  const classes = ['cat', 'dog', 'fox'];
  const examples = labels.map((l, i) => ({ id: `e${i}`, labelIndex: l }));
  const candidate = examples.map((e, i) => rec(e.id, e.labelIndex, probs[i]!, 'candidate'));

  it('reports ids, labels, scores and rates', () => {
    const f = findLabelIssues(
      { examples, classes, candidate },
      {
        method: 'prune_by_noise_rate',
        rankBy: 'normalized_margin',
        requireBaselineAgreement: true,
        maxListed: 10,
      },
    )!;
    expect(f.issues).toEqual([
      {
        id: 'e2',
        givenLabel: 'cat',
        suggestedLabel: 'dog',
        selfConfidence: 0.1,
        normalizedMargin: 0.1 - 0.85,
      },
    ]);
    expect(f).toMatchObject({
      models: 'candidate',
      evaluatedCount: 6,
      skippedCount: 0,
      issueCount: 1,
      candidateIssueCount: 1,
      topConfusions: [{ given: 'cat', suggested: 'dog', count: 1 }],
    });
    expect(f.issueRate).toBeCloseTo(1 / 6, 12);
    expect(f.thresholds.map((t) => t.label)).toEqual(classes);
  });

  it('with a baseline, keeps only what both models flag', () => {
    // The baseline is confident that e2 is a cat: it does not flag it.
    const baseline = examples.map((e, i) =>
      rec(e.id, e.labelIndex, i === 2 ? [0.9, 0.05, 0.05] : probs[i]!, 'baseline'),
    );
    const options = {
      method: 'prune_by_noise_rate' as const,
      rankBy: 'self_confidence' as const,
      maxListed: 10,
    };
    const agreed = findLabelIssues(
      { examples, classes, candidate, baseline },
      { ...options, requireBaselineAgreement: true },
    )!;
    expect(agreed).toMatchObject({
      models: 'candidate+baseline',
      issueCount: 0,
      candidateIssueCount: 1,
      baselineIssueCount: 0,
    });
    const alone = findLabelIssues(
      { examples, classes, candidate, baseline },
      { ...options, requireBaselineAgreement: false },
    )!;
    expect(alone).toMatchObject({ models: 'candidate', issueCount: 1 });
    // A baseline that agrees adds its suggestion.
    const twin = candidate.map((r) => ({ ...r, model: 'baseline' as const }));
    const both = findLabelIssues(
      { examples, classes, candidate, baseline: twin },
      { ...options, requireBaselineAgreement: true },
    )!;
    expect(both.issues[0]).toMatchObject({ id: 'e2', baselineSuggestedLabel: 'dog' });
  });

  it('ranks by the chosen score and truncates the list', () => {
    const l = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const p = [
      [0.95, 0.05],
      [0.9, 0.1],
      [0.92, 0.08],
      [0.3, 0.7],
      [0.1, 0.9],
      [0.2, 0.8],
      [0.1, 0.9],
      [0.2, 0.8],
      [0.05, 0.95],
      [0.15, 0.85],
    ];
    const ex = l.map((y, i) => ({ id: `x${i}`, labelIndex: y }));
    const cand = ex.map((e, i) => rec(e.id, e.labelIndex, p[i]!, 'candidate'));
    const f = findLabelIssues(
      { examples: ex, classes: ['a', 'b'], candidate: cand },
      {
        method: 'predicted_neq_given',
        rankBy: 'self_confidence',
        requireBaselineAgreement: false,
        maxListed: 2,
      },
    )!;
    expect(f.issueCount).toBe(3);
    expect(f.issues.map((i) => i.id)).toEqual(['x4', 'x5']);
    expect(f.truncated).toBe(true);
  });

  it('skips examples without clean probabilities and returns undefined when none has them', () => {
    const partial = [
      ...candidate.slice(0, 5),
      rec('e5', 2, probs[5]!, 'candidate', 'gaussian_noise@3'),
    ];
    const f = findLabelIssues(
      { examples, classes, candidate: partial },
      {
        method: 'prune_by_noise_rate',
        rankBy: 'normalized_margin',
        requireBaselineAgreement: false,
        maxListed: 10,
      },
    )!;
    expect(f.skippedCount).toBe(1);
    const none = candidate.map(({ probs: _probs, ...r }) => r);
    expect(
      findLabelIssues(
        { examples, classes, candidate: none },
        {
          method: 'prune_by_noise_rate',
          rankBy: 'normalized_margin',
          requireBaselineAgreement: false,
          maxListed: 10,
        },
      ),
    ).toBeUndefined();
  });
});
