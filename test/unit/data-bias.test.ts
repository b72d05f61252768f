import { describe, expect, it } from 'vitest';
import { analyseBias } from '../../src/suites/data/bias.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';

function setup(rows: [string | undefined, number, number][]) {
  const examples = rows.map(([group, label], i) => {
    const metadata: Record<string, string> = group === undefined ? {} : { sex: group };
    return { id: `e${i}`, labelIndex: label, metadata };
  });
  const candidate: PredictionRecord[] = rows.map(([, label, pred], i) => ({
    id: `e${i}`,
    hash: '',
    model: 'candidate',
    variant: 'clean',
    label,
    pred,
    conf: 1,
    pTrue: pred === label ? 1 : 0,
    rank: pred === label ? 0 : 1,
    sumSq: 1,
  }));
  return { examples, candidate, classes: ['x', 'y'] };
}

describe('analyseBias (hand-computed)', () => {
  /*
   * Group f: labels [x, x, y, y], predictions [x, x, y, y] → accuracy 1, all TPR 1, all FPR 0.
   * Group m: labels [x, x, y, y], predictions [x, y, y, y] → accuracy 3/4;
   *   TPR(x) = 1/2, TPR(y) = 1; FPR(x) = 0/2, FPR(y) = 1/2 (one x predicted y).
   * Gaps: accuracy 1/4; TPR(x) 1/2; FPR(y) 1/2; macro recall 1 vs 3/4; macro FPR 0 vs 1/4.
   * Equalised-odds difference = max over classes of max(TPR gap, FPR gap) = 1/2 (class x, TPR).
   */
  const rows: [string | undefined, number, number][] = [
    ['f', 0, 0],
    ['f', 0, 0],
    ['f', 1, 1],
    ['f', 1, 1],
    ['m', 0, 0],
    ['m', 0, 1],
    ['m', 1, 1],
    ['m', 1, 1],
    ['n', 0, 1], // a group of one: reported, excluded from gaps (minGroupSize 2)
    [undefined, 0, 1], // no value: counted as missing
  ];
  const f = analyseBias(setup(rows), { attributes: ['sex'], minGroupSize: 2, minClassSupport: 1 })!;
  const a = f.attributes[0]!;

  it('computes per-group metrics', () => {
    expect(
      a.groups.map((g) => [g.value, g.size, g.accuracy, g.macroRecall, g.macroFpr, g.eligible]),
    ).toEqual([
      ['f', 4, 1, 1, 0, true],
      ['m', 4, 0.75, 0.75, 0.25, true],
      ['n', 1, 0, 0, 1, false],
    ]);
    expect(a.missingCount).toBe(1);
    expect(a.eligibleGroupCount).toBe(2);
    expect(a.groups[1]!.accuracyLower).toBeLessThan(0.75);
    expect(a.groups[1]!.accuracyUpper).toBeGreaterThan(0.75);
  });

  it('computes gaps over eligible groups and the equalised-odds difference', () => {
    expect(a.accuracyGap).toEqual({ value: 0.25, highest: 'f', lowest: 'm' });
    expect(a.macroRecallGap).toEqual({ value: 0.25, highest: 'f', lowest: 'm' });
    expect(a.macroFprGap).toEqual({ value: 0.25, highest: 'm', lowest: 'f' });
    expect(a.classGaps).toEqual([
      {
        label: 'x',
        tprGap: { value: 0.5, highest: 'f', lowest: 'm' },
        fprGap: { value: 0, highest: 'f', lowest: 'f' },
      },
      {
        label: 'y',
        tprGap: { value: 0, highest: 'f', lowest: 'f' },
        fprGap: { value: 0.5, highest: 'm', lowest: 'f' },
      },
    ]);
    expect(a.equalizedOddsDifference).toEqual({ value: 0.5, label: 'x', component: 'tpr' });
    expect(f.maxAccuracyGap).toBe(0.25);
    expect(f.maxEqualizedOddsDifference).toBe(0.5);
    expect(f.evaluatedCount).toBe(10);
  });

  it('leaves a class out of a group when it lacks support, and gaps undefined with one group', () => {
    const strict = analyseBias(setup(rows), {
      attributes: ['sex'],
      minGroupSize: 2,
      minClassSupport: 3,
    })!.attributes[0]!;
    // No group has 3 positives of a class: every TPR and FPR is undefined.
    expect(strict.groups[0]!.macroRecall).toBeNull();
    expect(strict.equalizedOddsDifference).toBeNull();
    const single = analyseBias(setup(rows), {
      attributes: ['sex'],
      minGroupSize: 4,
      minClassSupport: 1,
    })!.attributes[0]!;
    expect(single.eligibleGroupCount).toBe(2);
    const none = analyseBias(setup(rows), {
      attributes: ['sex'],
      minGroupSize: 5,
      minClassSupport: 1,
    })!.attributes[0]!;
    expect(none.accuracyGap).toBeNull();
    expect(
      analyseBias(
        { ...setup(rows), candidate: [] },
        { attributes: ['sex'], minGroupSize: 1, minClassSupport: 1 },
      ),
    ).toBeUndefined();
  });
});
